package fairytaleqa_test

import (
	"context"
	"flag"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

var misspeltData = flag.String("misspelt", "", "a FairytaleQA split folder: TestEvalMisspelt scores retrieval on its questions misspelt")

// TestMisspell: one slip in the rarest long word, the same every time,
// never in its first letter; a question without such a word is kept.
func TestMisspell(t *testing.T) {
	q := "Why did the shepherd hide the lantern?"
	got := fairytaleqa.Misspell(q)
	if got == q || got != fairytaleqa.Misspell(q) {
		t.Fatalf("Misspell(%q) = %q, then %q: want one change, the same each time", q, got, fairytaleqa.Misspell(q))
	}
	changed := 0
	for i, w := range strings.Fields(got) {
		if o := strings.Fields(q)[i]; w != o {
			changed++
			if w[0] != o[0] || len(w) < len(o)-1 || len(w) > len(o)+1 {
				t.Errorf("%q became %q: want one slip after the first letter", o, w)
			}
		}
	}
	if changed != 1 {
		t.Errorf("Misspell(%q) = %q: %d words changed, want 1", q, got, changed)
	}
	if q := "Who was it?"; fairytaleqa.Misspell(q) != q {
		t.Errorf("Misspell(%q) = %q, want it kept", q, fairytaleqa.Misspell(q))
	}
}

// TestEvalMisspelt scores retrieval on a split's questions as asked and
// misspelt (Misspell), each searched as written and respelt as the engine
// does:
//
//	go test ./internal/fairytaleqa -run TestEvalMisspelt -v -misspelt=../../../shared/datasets/fairytaleqa/val
func TestEvalMisspelt(t *testing.T) {
	if *misspeltData == "" {
		t.Skip("set -misspelt=DIR to score retrieval on misspelt questions")
	}
	stories, err := fairytaleqa.Load(*misspeltData)
	if err != nil {
		t.Fatal(err)
	}
	misspelt := func(_ context.Context, _ *sqlite.Store, q string) (string, error) {
		return fairytaleqa.Misspell(q), nil
	}
	respell := func(ctx context.Context, st *sqlite.Store, q string) (string, error) {
		q, _, err := st.Respelt(ctx, knowledge.Everything, q)
		return q, err
	}
	respelt := func(ctx context.Context, st *sqlite.Store, q string) (string, error) {
		return respell(ctx, st, fairytaleqa.Misspell(q))
	}
	for _, run := range []struct {
		name     string
		question func(context.Context, *sqlite.Store, string) (string, error)
	}{{"as asked", nil}, {"as asked, respelt", respell}, {"misspelt", misspelt}, {"misspelt, respelt", respelt}} {
		res, err := fairytaleqa.Evaluate(context.Background(), stories, fairytaleqa.Options{Question: run.question})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-18s R@1 %.3f R@5 %.3f MRR@10 %.3f (%d questions)", run.name, res.RecallAt(1), res.RecallAt(5), res.MRR(), len(res.Outcomes))
	}
}
