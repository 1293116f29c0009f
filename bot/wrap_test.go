package bot

import (
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

// TestTimelineOfWrappedText checks /timeline on hard-wrapped text: the
// quote on one line, its dating words in bold although the file breaks
// the line inside them.
func TestTimelineOfWrappedText(t *testing.T) {
	text := "Pride and Prejudice\n\nThe book was revised and finished at Chawton some fifteen years later, and was not published till\n1813, only four years before her death."
	p, err := knowledge.Parse([]byte(text), knowledge.ParseOptions{Name: "pride.txt"})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := timeline.Build(p.Doc, p.Passages, timeline.Options{})
	if err != nil || len(tl.Events) != 1 {
		t.Fatalf("Build: %+v, %v", tl.Events, err)
	}
	line := eventLine(tl.Events[0])
	if !strings.Contains(line, "was not published **till 1813**, only four years") {
		t.Errorf("event line %q, want the quote on one line with its dating words in bold", line)
	}
}
