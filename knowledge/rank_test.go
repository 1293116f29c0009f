package knowledge

import (
	"strings"
	"testing"
)

func TestBestWindow(t *testing.T) {
	qt := []queryTerm{{term: "a", idf: 1}, {term: "b", idf: 2}, {term: "c", idf: 4}}
	tests := []struct {
		name string
		hits []int16
		w    int
		want float64
	}{
		{"all close", []int16{0, -1, 1, 2}, 4, 7},
		{"too far apart", []int16{0, -1, -1, -1, 2}, 4, 4},
		{"repeats count once", []int16{2, 2, 2}, 3, 4},
		{"nothing", []int16{-1, -1}, 3, 0},
		{"no window", []int16{0, 1}, 0, 0},
	}
	for _, tt := range tests {
		if got := bestWindow(tt.hits, qt, tt.w); got != tt.want {
			t.Errorf("%s: bestWindow = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBigrams(t *testing.T) {
	qt := []queryTerm{{term: "seven", idf: 3}, {term: "son", idf: 2}, {term: "daughter", idf: 5}}
	tests := []struct {
		name string
		hits []int16
		want float64
	}{
		{"in order, adjacent", []int16{0, 1}, 2},
		{"in order, within three", []int16{1, -1, -1, 2}, 2},
		{"too far", []int16{1, -1, -1, -1, 2}, 0},
		{"reversed", []int16{1, 0}, 0},
		{"both pairs", []int16{0, 1, -1, 2}, 4},
	}
	for _, tt := range tests {
		if got := bigrams(tt.hits, qt); got != tt.want {
			t.Errorf("%s: bigrams = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSmoothNeighbours(t *testing.T) {
	cands := []Candidate{
		{Passage{Doc: "a", N: 1}, 10},
		{Passage{Doc: "a", N: 2}, 1},
		{Passage{Doc: "a", N: 4}, 3},
		{Passage{Doc: "b", N: 3}, 5}, // another document: not a's neighbour
	}
	smoothNeighbours(cands, 0.5)
	want := []float64{10.5, 6, 3, 5}
	for i, c := range cands {
		if c.Score != want[i] {
			t.Errorf("%s#%d: score %v, want %v", c.Doc, c.N, c.Score, want[i])
		}
	}
}

func TestBackgroundTable(t *testing.T) {
	bg := loadBackground()
	if bg.passages < 1000 || len(bg.df) < 1000 {
		t.Fatalf("background: %v passages, %d terms; want the Gutenberg table", bg.passages, len(bg.df))
	}
	if the, rare := bg.share("the"), bg.share("backdoor"); the < 0.5 || rare > 0.01 {
		t.Errorf("share(the) = %v, share(backdoor) = %v; want the common, backdoor rare", the, rare)
	}
}

func TestIrregularForms(t *testing.T) {
	lem := loadLemmas()
	for _, pair := range [][2]string{{"took", "take"}, {"taken", "take"}, {"men", "man"}, {"went", "go"}, {"said", "say"}} {
		if got, want := lem.canonical(Terms(pair[0])[0]), Terms(pair[1])[0]; got != want {
			t.Errorf("canonical(%s) = %q, want %q", pair[0], got, want)
		}
	}
	q, err := BuildQuery("What did the King take out?")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"took"`, `"taken"`} {
		if !strings.Contains(q.Expanded, w) {
			t.Errorf("Expanded = %s, want it to search %s too", q.Expanded, w)
		}
	}
	if strings.Contains(q.Match, "took") {
		t.Errorf("Match = %s, want only the words given", q.Match)
	}
}

func TestSubjectTerms(t *testing.T) {
	lem := loadLemmas()
	for _, tc := range []struct {
		name, question string
		want           []string
	}{
		{"common noun", "Why did the king get angry?", []string{"king"}},
		{"name", "What did Little Red Riding Hood carry?", []string{"little", "red", "riding", "hood"}},
		{"how many", "How many sons did the farmer have?", nil},
		{"no auxiliary", "Who helped the fisherman?", nil},
		{"not a question", "the king and the fisherman", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := subjectTerms(tc.question, lem)
			want := make(map[string]bool)
			for _, w := range tc.want {
				want[lem.canonical(Terms(w)[0])] = true
			}
			if len(got) != len(want) {
				t.Fatalf("subjectTerms(%q) = %v, want %v", tc.question, got, want)
			}
			for w := range want {
				if !got[w] {
					t.Errorf("subjectTerms(%q) = %v, want %v", tc.question, got, want)
				}
			}
		})
	}
}

func TestGenericVerbTerms(t *testing.T) {
	g := genericVerbTerms()
	for _, w := range []string{"said", "say", "went", "took"} {
		if !g[loadLemmas().canonical(Terms(w)[0])] {
			t.Errorf("%s is not a generic verb term", w)
		}
	}
	if g[Terms("king")[0]] {
		t.Error("king is a generic verb term")
	}
}
