package eval_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/eval"
)

// tales are two stories, each asked of itself; the unanswerable set of
// one takes names and words from the other.
var tales = []eval.Story{
	{Name: "fox", Text: "In 1850 a fox named Reynard lived in a hole under an old oak tree with 12 cubs.\n\nEvery morning Reynard drank from the river and hunted rabbits in the meadow.",
		Questions: []eval.Question{
			{Text: "Where did Reynard live in 1850?"},
			{Text: "How many cubs did Reynard have, 12?"},
			{Text: "What did Reynard hunt in the meadow?"},
		}},
	{Name: "ship", Text: "Captain Hallbjorn sailed the whaler north to the glaciers.\n\nThe harpooners feared the glaciers and the long dark.",
		Questions: []eval.Question{{Text: "Where did Captain Hallbjorn sail the whaler?"}}},
}

func TestUnanswerable(t *testing.T) {
	got := eval.Unanswerable(tales)
	if len(got) != len(tales) {
		t.Fatalf("%d stories, want %d", len(got), len(tales))
	}
	byKind := make(map[string][]string)
	for _, q := range got[0].Questions {
		byKind[q.Kind] = append(byKind[q.Kind], q.Text)
	}
	want := map[string][]string{
		eval.KindDateChanged:   {"Where did Reynard live in 1851?"},
		eval.KindNumberChanged: {"How many cubs did Reynard have, 13?"},
		eval.KindNameSwapped:   {"Where did Hallbjorn live in 1850?", "How many cubs did Hallbjorn have, 12?", "What did Hallbjorn hunt in the meadow?"},
		eval.KindNegated:       {"Where didn't Reynard live in 1850?", "How many cubs didn't Reynard have, 12?", "What didn't Reynard hunt in the meadow?"},
	}
	for kind, qs := range want {
		if strings.Join(byKind[kind], "|") != strings.Join(qs, "|") {
			t.Errorf("%s: %q, want %q", kind, byKind[kind], qs)
		}
	}
	// A word swapped in is one of the other story's the fox story lacks.
	for _, q := range byKind[eval.KindWordSwapped] {
		if !strings.Contains(q, "harpooners") && !strings.Contains(q, "glaciers") && !strings.Contains(q, "whaler") {
			t.Errorf("word swapped: %q brings in no word of the ship story", q)
		}
	}
	if len(byKind[eval.KindWordSwapped]) == 0 {
		t.Errorf("no word swapped in the fox story's questions")
	}
	for _, q := range got[0].Questions {
		if q.Answers != nil {
			t.Errorf("%q has answers %q", q.Text, q.Answers)
		}
	}
	if again := eval.Unanswerable(tales); !equalStories(again, got) {
		t.Errorf("Unanswerable is not deterministic")
	}
}

func equalStories(a, b []eval.Story) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i].Questions) != len(b[i].Questions) {
			return false
		}
		for j := range a[i].Questions {
			if a[i].Questions[j].Text != b[i].Questions[j].Text || a[i].Questions[j].Kind != b[i].Questions[j].Kind {
				return false
			}
		}
	}
	return true
}

func TestAbstentionCountsUnanswerable(t *testing.T) {
	rep, err := eval.Abstention(context.Background(), tales, 5)
	if err != nil {
		t.Fatal(err)
	}
	u := rep.Unanswerable
	for _, kind := range []string{eval.KindDateChanged, eval.KindNumberChanged, eval.KindNameSwapped} {
		if u.N[kind] == 0 || u.NotFound[kind] != u.N[kind] {
			t.Errorf("%s: %d of %d answered not_found, want all", kind, u.NotFound[kind], u.N[kind])
		}
	}
	var b bytes.Buffer
	rep.Print(&b)
	if !strings.Contains(b.String(), "  date changed             1.000 (1 of 1)") {
		t.Errorf("report prints\n%s", b.String())
	}
}
