package sqlite_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// phantomQuestion is a question about the default story and a phrase that
// only the passage answering it contains.
type phantomQuestion struct {
	Question string `json:"question"`
	Phrase   string `json:"phrase"`
}

// TestDefaultStoryQuestions asks questions a reader of the default story
// would ask: the passage holding the answer must be in the top five for
// every one, and first for at least four in five.
func TestDefaultStoryQuestions(t *testing.T) {
	b, err := os.ReadFile("../testdata/phantom-questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var qs []phantomQuestion
	if err := json.Unmarshal(b, &qs); err != nil {
		t.Fatalf("../testdata/phantom-questions.json: %v", err)
	}
	ctx := context.Background()
	st := openStore(t)
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	first := 0
	for _, q := range qs {
		ps, err := st.Search(ctx, knowledge.Everything, q.Question, 5)
		if err != nil {
			t.Fatalf("Search(%q): %v", q.Question, err)
		}
		rank := 0
		for i, p := range ps {
			if strings.Contains(p.Text, q.Phrase) {
				rank = i + 1
				break
			}
		}
		switch rank {
		case 0:
			t.Errorf("%q: no passage with %q in the top 5", q.Question, q.Phrase)
		case 1:
			first++
		default:
			t.Logf("%q: the passage with %q is ranked %d", q.Question, q.Phrase, rank)
		}
	}
	if first*5 < len(qs)*4 {
		t.Errorf("the right passage came first for %d of %d questions, want at least 4 in 5", first, len(qs))
	}
}
