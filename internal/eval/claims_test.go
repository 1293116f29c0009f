package eval_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

// tale is a small story with explicit questions whose answers stand in
// its sentences, with a number, a name and a year to alter.
var tale = fairytaleqa.Story{
	Name: "the-heron",
	Sections: []string{
		"Once upon a time a fox named Reynard lived in a hole under an old oak tree. In 1802 the winter was hard, and the river froze for three weeks. An owl called Oswald watched from the oak.",
		"A kind heron named Hilda showed him a spring that never froze. Reynard thanked Hilda and brought her seven fish.",
	},
	Questions: []fairytaleqa.Question{
		{Text: "Where did Reynard live?", Sections: []int{1}, Explicit: true, Answers: []string{"in a hole under an old oak tree"}},
		{Text: "How long did the river freeze?", Sections: []int{1}, Explicit: true, Answers: []string{"for three weeks"}},
		{Text: "What did Hilda show Reynard?", Sections: []int{2}, Explicit: true, Answers: []string{"a spring that never froze"}},
		{Text: "Whom did Reynard thank?", Sections: []int{2}, Explicit: true, Answers: []string{"Hilda"}},
		{Text: "How did Reynard feel?", Sections: []int{2}, Explicit: false, Answers: []string{"grateful"}},
	},
}

func TestFairytaleQAClaims(t *testing.T) {
	claims := eval.FairytaleQAClaims([]fairytaleqa.Story{tale})
	again := eval.FairytaleQAClaims([]fairytaleqa.Story{tale})
	if len(claims) != len(again) {
		t.Fatalf("two builds differ: %d and %d claims", len(claims), len(again))
	}
	kinds := make(map[string][]eval.Claim)
	for i, c := range claims {
		if !equalClaims(c, again[i]) {
			t.Errorf("claim %d differs between builds: %+v, %+v", i, c, again[i])
		}
		kinds[c.Kind] = append(kinds[c.Kind], c)
		if len(c.Quotes) == 0 || c.Text == "" || c.Question == "" {
			t.Errorf("claim %+v lacks text, quotes or question", c)
		}
		for _, q := range c.Quotes {
			if !strings.Contains(tale.Text(), strings.Join(strings.Fields(q), " ")) {
				t.Errorf("quote %q is not words of the story", q)
			}
		}
		if c.Supported != (c.Kind == eval.KindAnswer || c.Kind == eval.KindRestated || c.Kind == eval.KindParaphrase) {
			t.Errorf("claim of kind %q labelled supported=%v", c.Kind, c.Supported)
		}
	}
	if n := len(kinds[eval.KindAnswer]); n != 4 {
		t.Errorf("%d answer claims, want one per explicit question (4)", n)
	}
	checks := []struct {
		kind, has string
	}{
		{eval.KindRestated, "Reynard live: in a hole under an old oak tree."},
		{eval.KindNumber, "four weeks"},
		{eval.KindName, "Reynard thank: Oswald."},
		{eval.KindNegation, "not"},
		{eval.KindClause, ", and "},
		{eval.KindOtherEvidence, ""},
		{eval.KindShortQuote, ""},
	}
	for _, c := range checks {
		if len(kinds[c.kind]) == 0 {
			t.Errorf("no claim of kind %q", c.kind)
			continue
		}
		found := c.has == ""
		for _, k := range kinds[c.kind] {
			found = found || strings.Contains(k.Text, c.has)
		}
		if !found {
			t.Errorf("no %q claim holds %q: %+v", c.kind, c.has, kinds[c.kind])
		}
	}
	for _, k := range kinds[eval.KindShortQuote] {
		if n := len(strings.Fields(k.Quotes[0])); n > 2 {
			t.Errorf("short quote %q has %d words", k.Quotes[0], n)
		}
	}

	rep := eval.ScoreClaims(claims, func(c eval.Claim) bool { return c.Supported })
	if rep.FaithfulKept() != 1 || rep.AlteredRejected() != 1 {
		t.Errorf("a perfect check scores kept %.2f, rejected %.2f; want 1 and 1", rep.FaithfulKept(), rep.AlteredRejected())
	}
	var b bytes.Buffer
	rep.Print(&b)
	if !strings.HasPrefix(b.String(), "faithful claims kept      1.000 (of 8)\naltered claims rejected   1.000\n") {
		t.Errorf("report prints\n%s", b.String())
	}
}

func equalClaims(a, b eval.Claim) bool {
	return a.Kind == b.Kind && a.Text == b.Text && strings.Join(a.Quotes, "|") == strings.Join(b.Quotes, "|") && a.Supported == b.Supported
}

func TestAbstention(t *testing.T) {
	stories := []eval.Story{
		{Name: "fox", Text: "A fox named Reynard lived in a hole under an old oak tree.\n\nEvery morning Reynard drank from the river.",
			Questions: []eval.Question{{Text: "Where did Reynard the fox live?"}, {Text: "What did Reynard drink from every morning?"}}},
		{Name: "ship", Text: "The captain sailed the ship north to the ice in 1850.\n\nThe crew feared the cold and the long dark.",
			Questions: []eval.Question{{Text: "Where did the captain sail the ship?"}, {Text: "What did the crew fear?"}}},
	}
	rep, err := eval.Abstention(context.Background(), stories, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Answerable != 4 || rep.OffTopic != 4 {
		t.Fatalf("report %+v, want 4 answerable and 4 off-topic questions", rep)
	}
	if rep.Refused != 0 || rep.NotFound != 4 {
		t.Errorf("report %+v, want no answerable question refused and every off-topic one not found", rep)
	}
	var b bytes.Buffer
	rep.Print(&b)
	if !strings.Contains(b.String(), "off-topic questions answered not_found   1.000 (4 of 4)") {
		t.Errorf("report prints\n%s", b.String())
	}
}

// TestAbstentionCountsClosest: an answer shown as the closest passages
// (answer.ClosestLabel) is counted apart from one refused or answered.
func TestAbstentionCountsClosest(t *testing.T) {
	stories := []eval.Story{{Name: "phantom", Text: string(knowledge.DefaultStory),
		Questions: []eval.Question{{Text: "Who wrote the report?"}, {Text: "How much cash did Ramos agree to forfeit?"}}}}
	rep, err := eval.Abstention(context.Background(), stories, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Answerable != 2 || rep.Refused != 0 || rep.AnswerableClosest != 1 {
		t.Errorf("report %+v, want 2 answerable questions, none refused, one shown as the closest passages", rep)
	}
	var b bytes.Buffer
	rep.Print(&b)
	if !strings.Contains(b.String(), "shown as the closest passages          0.500 (1 of 2)") {
		t.Errorf("report prints\n%s", b.String())
	}
}
