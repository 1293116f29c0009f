package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// weightedStory has a passage for each of two people (1 and 2) and one
// that names neither (3), each long enough to be a passage of its own.
const weightedStory = `The Orchard

Mara Vell planted the first apple trees on the hill above the river when she was twenty, and for forty years she pruned them every winter and sold the fruit at the market in the town below, where people still remember her cider.

Joss Harrow kept the bees that lived among the apple trees, and he moved his hives up the hill each spring so that the blossom would be pollinated; the honey he sold was darker than any other in the valley and much sought after.

The orchard flooded in the spring of 1987 when the river rose over its banks, and the water stood between the trees for nine days; most of the old trees survived, but the hives on the lower slope were lost and never rebuilt.
`

func TestSearchWeighted(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	mustIngest(t, st, mustParse(t, "orchard.txt", weightedStory))
	top := func(texts ...knowledge.Weighted) int {
		t.Helper()
		ps, err := st.SearchWeighted(ctx, knowledge.Everything, texts, 3)
		if err != nil || len(ps) == 0 {
			t.Fatalf("search %+v: %v %+v", texts, err, ps)
		}
		return ps[0].N
	}
	one := func(q string, w float64) knowledge.Weighted { return knowledge.Weighted{Text: q, Weight: w} }

	// One text at weight 1 is Search.
	for _, q := range []string{"Who kept the bees?", "When did the orchard flood?", "the"} {
		a, err1 := st.Search(ctx, knowledge.Everything, q, 3)
		b, err2 := st.SearchWeighted(ctx, knowledge.Everything, []knowledge.Weighted{one(q, 1)}, 3)
		if err1 != nil || err2 != nil || len(a) != len(b) {
			t.Fatalf("%q: %v %v, %d and %d passages", q, err1, err2, len(a), len(b))
		}
		for i := range a {
			if a[i].ID != b[i].ID || a[i].Score != b[i].Score {
				t.Errorf("%q: Search %s %.4f, SearchWeighted %s %.4f", q, a[i].ID, a[i].Score, b[i].ID, b[i].Score)
			}
		}
	}
	// The earlier text tells who "she" is.
	if n := top(one("What did she sell?", 1), one("Who planted the apple trees?", 0.1)); n != 1 {
		t.Errorf(`"What did she sell?" after the trees: passage %d, want 1 (Mara's)`, n)
	}
	if n := top(one("What did he sell?", 1), one("Who kept the bees?", 0.1)); n != 2 {
		t.Errorf(`"What did he sell?" after the bees: passage %d, want 2 (Joss's)`, n)
	}
	// It never outweighs the question's own words.
	if n := top(one("When did the river flood?", 1), one("Who kept the bees? Joss Harrow kept the bees.", 0.3)); n != 3 {
		t.Errorf("the flood after the bees: passage %d, want 3", n)
	}
	// A text of weight 0 adds nothing; a question with no words is refused.
	if n := top(one("What did she sell?", 1), one("Who kept the bees?", 0)); n != top(one("What did she sell?", 1)) {
		t.Errorf("a text of weight 0 moved the search")
	}
	if _, err := st.SearchWeighted(ctx, knowledge.Everything, []knowledge.Weighted{one("?", 1), one("bees", 0.5)}, 3); !errors.Is(err, knowledge.ErrEmptyQuery) {
		t.Errorf("no words in the question: %v, want ErrEmptyQuery", err)
	}
}
