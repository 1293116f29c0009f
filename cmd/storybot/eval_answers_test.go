package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/fairytaleqa"
)

func TestEvalAnswers(t *testing.T) {
	stories := []fairytaleqa.Story{{
		Name: "the-fox",
		Sections: []string{
			"Once upon a time a fox lived in a hole under an old oak tree at the edge of the wood. Every morning the fox went down to the river to drink.",
			"One winter the river froze, and the fox had to lick the ice for water. A kind heron showed him a spring that never froze.",
		},
		Questions: []fairytaleqa.Question{
			{Text: "Where did the fox live?", Explicit: true, Answers: []string{"in a hole under an old oak tree"}},
			{Text: "Who showed the fox a spring?", Explicit: true, Answers: []string{"a kind heron"}},
			{Text: "How did the fox feel?", Explicit: false, Answers: []string{"thirsty"}},
		},
	}}
	var out bytes.Buffer
	if err := evalAnswers(context.Background(), &out, "toy", stories, 5); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 stories, 2 explicit questions", "gold answer in the answer's quotes     1.000 (2 of 2)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
