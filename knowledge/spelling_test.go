package knowledge_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestMisspellable(t *testing.T) {
	tests := []struct {
		question string
		want     []string
	}{
		// Unknown to ordinary English, four letters or more, written in
		// lower case inside the question.
		{"How much cash did Ramos agree to forfiet?", []string{"forfiet"}},
		{"Sentensed to what, and for how long was he sentensed?", []string{"sentensed"}},
		// Words of ordinary English, short words, names and numbers are
		// left as they are.
		{"Why did the shepherd hide his beard?", nil},
		{"What did the FBI offer Ramso?", nil},
		{"Who is Ownee in the tale of 1816?", nil},
		{"Wht did he do?", nil},
		// A question in capitals has no names to tell apart.
		{"WHAT DID RAMOS FORFIET?", []string{"ramos", "forfiet"}},
		{"", nil},
		// A word of thousands of letters is not looked up (some 50 edits a
		// letter); one of 32 is.
		{"What is " + strings.Repeat("a", 100000) + "?", nil},
		{"What is " + strings.Repeat("qz", 16) + "?", []string{strings.Repeat("qz", 16)}},
	}
	for _, tt := range tests {
		if got := knowledge.Misspellable(tt.question); !slices.Equal(got, tt.want) {
			t.Errorf("Misspellable(%q) = %q, want %q", tt.question, got, tt.want)
		}
	}
}

func TestEdits(t *testing.T) {
	edits := knowledge.Edits("forfiet")
	for _, want := range []string{"forfeit", "forfit", "forfiets", "forfiat", "orfiet"} {
		if !slices.Contains(edits, want) {
			t.Errorf("Edits(forfiet) lacks %q", want)
		}
	}
	if slices.Contains(edits, "forfiet") || slices.Contains(edits, "forfeits") {
		t.Errorf("Edits(forfiet) holds the word itself or a word two edits away")
	}
	seen := make(map[string]bool)
	for _, e := range edits {
		if seen[e] {
			t.Errorf("Edits(forfiet) holds %q twice", e)
		}
		seen[e] = true
	}
	if got := knowledge.Edits("née"); !slices.Contains(got, "nee") || !slices.Contains(got, "néé") {
		t.Errorf("Edits(née) = %q: want letters outside a to z kept whole, and used", got)
	}
}

func TestRespelled(t *testing.T) {
	got, pairs := knowledge.Respelled("Forfiet what? He had to forfiet it, FORFIET it.", map[string]string{"forfiet": "forfeit"})
	if want := "Forfeit what? He had to forfeit it, Forfeit it."; got != want {
		t.Errorf("Respelled = %q, want %q", got, want)
	}
	if want := [][2]string{{"Forfiet", "Forfeit"}, {"forfiet", "forfeit"}, {"FORFIET", "Forfeit"}}; !slices.Equal(pairs, want) {
		t.Errorf("pairs = %q, want %q", pairs, want)
	}
	if got, pairs := knowledge.Respelled("What now?", nil); got != "What now?" || pairs != nil {
		t.Errorf("Respelled with nothing to respell = %q, %q", got, pairs)
	}
}
