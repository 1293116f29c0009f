package knowledge_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestRelatedReadsBaseForms(t *testing.T) {
	tests := []struct {
		word string
		want []string // among the related words
	}{
		{"sentence", []string{"prison term", "conviction", "condemn"}},
		{"sentenced", []string{"prison term", "conviction", "condemn"}},
		{"sentencing", []string{"prison term"}},
		{"jailed", []string{"imprison", "incarcerate"}},
		{"angry", []string{"furious"}},
		{"stopped", []string{"halt"}},
		{"children", []string{"kid"}}, // an irregular form
		{"kings", []string{"male monarch"}},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got := knowledge.Related(tt.word)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Related(%q) = %q, want it to hold %q", tt.word, got, w)
				}
			}
			if slices.Contains(got, tt.word) {
				t.Errorf("Related(%q) = %q holds the word itself", tt.word, got)
			}
		})
	}
	for _, w := range []string{"ramos", "the", "xyzzy", "", "2019"} {
		if got := knowledge.Related(w); got != nil {
			t.Errorf("Related(%q) = %q, want none", w, got)
		}
	}
}

// TestRelatedTableIsSmall keeps the embedded table within its budget (it
// adds its size to every binary) and says where it comes from.
func TestRelatedTableIsSmall(t *testing.T) {
	b, err := os.ReadFile("related.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 1<<20 {
		t.Errorf("related.txt is %d bytes, want under 1 MiB", len(b))
	}
	if !strings.Contains(string(b), "WordNet 3.0 Copyright 2006 by Princeton University") {
		t.Error("related.txt does not carry WordNet's copyright notice")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 13 && line[0] != '#' {
			t.Errorf("%s has %d related words, want at most 12", f[0], len(f)-1)
		}
	}
}

func TestExpandable(t *testing.T) {
	tests := []struct {
		name, question string
		want           []string
	}{
		{"content words with related words", "What was Ramos sentenced to?", []string{"sentenced"}},
		{"names are not expanded", "Where did Rose meet Frank?", []string{"meet"}},
		{"a capital opening a sentence is a word", "Angry men. Rose and Frank?", []string{"angry", "men", "rose"}},
		{"capitals throughout are words", "WHY WAS THE KING ANGRY", []string{"king", "angry"}},
		{"stop words and digits are left out", "was it in 2019 or 2020", nil},
		{"repeats once", "angry, angry, angry", []string{"angry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := knowledge.Expandable(tt.question); !slices.Equal(got, tt.want) {
				t.Errorf("Expandable(%q) = %q, want %q", tt.question, got, tt.want)
			}
		})
	}
}

func TestWithRelated(t *testing.T) {
	texts := []knowledge.Weighted{{Text: "What was he sentenced to?", Weight: 1}, {Text: "Who is Vincent Ramos?", Weight: 0.1}}
	got := knowledge.WithRelated(texts, []string{"sentenced"}, 0.3)
	if got[0] != texts[0] || got[len(got)-1] != texts[1] {
		t.Fatalf("WithRelated = %+v: want the question first and the earlier turn last", got)
	}
	var related []string
	for _, w := range got[1 : len(got)-1] {
		if w.Weight != 0.3 {
			t.Errorf("related text %q weighs %v, want 0.3", w.Text, w.Weight)
		}
		related = append(related, w.Text)
	}
	if !slices.Contains(related, "prison term") {
		t.Errorf("related texts %q lack the phrase %q", related, "prison term")
	}

	many := knowledge.WithRelated(texts[:1], []string{"run", "king", "sentenced", "house", "jailed"}, 0.5)
	words := 0
	for _, w := range many[1:] {
		words += len(strings.Fields(w.Text))
	}
	if words > 24 {
		t.Errorf("five lacking words add %d related words, want at most 24", words)
	}
	if first := many[1:6]; first[2].Text != knowledge.Related("sentenced")[0] {
		t.Errorf("the related words start %+v: want the first of each lacking word before the second of any", first)
	}

	for _, tt := range []struct {
		name    string
		lacking []string
		weight  float64
	}{{"no lacking word", nil, 0.3}, {"weight 0", []string{"sentenced"}, 0}} {
		if got := knowledge.WithRelated(texts, tt.lacking, tt.weight); !slices.Equal(got, texts) {
			t.Errorf("%s: WithRelated = %+v, want the texts unchanged", tt.name, got)
		}
	}
}

func TestWordMatch(t *testing.T) {
	if got, want := knowledge.WordMatch("took"), `"took" OR "take" OR "taken"`; got != want {
		t.Errorf("WordMatch(took) = %s, want %s", got, want)
	}
	if got, want := knowledge.WordMatch("prison"), `"prison"`; got != want {
		t.Errorf("WordMatch(prison) = %s, want %s", got, want)
	}
	if got, want := knowledge.WordMatch("take a breath"), `"take a breath"`; got != want {
		t.Errorf("WordMatch(take a breath) = %s, want %s: a phrase as written", got, want)
	}
	if got, want := knowledge.WordTerms("took"), []string{"took", "take", "taken"}; !slices.Equal(got, want) {
		t.Errorf("WordTerms(took) = %q, want %q", got, want)
	}
}
