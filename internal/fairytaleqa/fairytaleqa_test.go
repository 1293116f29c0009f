package fairytaleqa

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestLoad(t *testing.T) {
	stories, err := Load("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	if len(stories) != 1 {
		t.Fatalf("Load found %d stories, want 1", len(stories))
	}
	s := stories[0]
	if s.Name != "lighthouse" {
		t.Errorf("Name = %q, want lighthouse", s.Name)
	}
	// The repeated section number 3 joins its two rows into one section.
	if len(s.Sections) != 3 || !strings.Contains(s.Sections[2], "herring fleet came home safely") {
		t.Errorf("got %d sections, want 3 with the repeated third joined: %q", len(s.Sections), s.Sections)
	}
	if len(s.Questions) != 4 {
		t.Fatalf("got %d questions, want 4", len(s.Questions))
	}
	q := s.Questions[3]
	if q.Text != "Why did the herring fleet come home safely?" || q.Explicit || len(q.Sections) != 2 || q.Sections[0] != 2 || q.Sections[1] != 3 {
		t.Errorf("summary question read as %+v", q)
	}
	if !s.Questions[0].Explicit {
		t.Errorf("question 1 should be explicit")
	}
}

func TestLoadMissing(t *testing.T) {
	for _, dir := range []string{"testdata/nope", "testdata"} {
		if _, err := Load(dir); !errors.Is(err, ErrNoData) {
			t.Errorf("Load(%s) error = %v, want ErrNoData", dir, err)
		}
	}
}

// TestSectionSpans checks that sections are found in the parsed text,
// which joins hard-wrapped lines: each span runs from the section's first
// word to its last.
func TestSectionSpans(t *testing.T) {
	stories, err := Load("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	s := stories[0]
	p, err := knowledge.Parse([]byte(s.Text()), knowledge.ParseOptions{Name: s.Name + ".txt"})
	if err != nil {
		t.Fatal(err)
	}
	spans := sectionSpans(p.Doc.Text, s.Sections)
	for i, sp := range spans {
		got := strings.Join(words(p.Doc.Text[sp[0]:sp[1]]), " ")
		want := strings.Join(words(s.Sections[i]), " ")
		if got != want {
			t.Errorf("section %d spans %q, want %q", i+1, got, want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	stories, err := Load("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Evaluate(context.Background(), stories, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stories != 1 || len(res.Outcomes) != 4 || res.Unplaced != 0 {
		t.Fatalf("Evaluate = %d stories, %d outcomes, %d unplaced; want 1, 4, 0", res.Stories, len(res.Outcomes), res.Unplaced)
	}
	for _, o := range res.Outcomes[:3] {
		if o.Rank != 1 {
			t.Errorf("%q: first hit at rank %d, want 1 (top passage %s)", o.Question.Text, o.Rank, o.Top)
		}
	}
	if got := res.RecallAt(5); got != 1 {
		t.Errorf("R@5 = %v, want 1", got)
	}
	if mrr := res.MRR(); mrr <= 0.75 || mrr > 1 {
		t.Errorf("MRR = %v, want in (0.75, 1]", mrr)
	}
}

func TestResultMeasures(t *testing.T) {
	res := Result{Outcomes: []Outcome{{Rank: 1}, {Rank: 2}, {Rank: 6}, {Rank: 0}}}
	if got := res.RecallAt(1); got != 0.25 {
		t.Errorf("R@1 = %v, want 0.25", got)
	}
	if got := res.RecallAt(5); got != 0.5 {
		t.Errorf("R@5 = %v, want 0.5", got)
	}
	if got, want := res.MRR(), (1+0.5+1.0/6)/4; got != want {
		t.Errorf("MRR = %v, want %v", got, want)
	}
	if got := (Result{}).RecallAt(1); got != 0 {
		t.Errorf("R@1 of nothing = %v, want 0", got)
	}
}
