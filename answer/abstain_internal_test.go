package answer

import (
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// BenchmarkAbstain times the abstention's reading of the passages the
// extractive answerer reads, on the default story (its first eight
// passages, for a question about them).
//
//	go test ./answer -run '^$' -bench Abstain -benchmem
func BenchmarkAbstain(b *testing.B) {
	p, err := knowledge.Parse(knowledge.DefaultStory, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if err != nil {
		b.Fatal(err)
	}
	passages := p.Passages[:8]
	ap := defaultAbstain()
	const q = "How much cash did Ramos agree to forfeit?"
	if why, _ := ap.unanswered(q, passages, nil); why != "" {
		b.Fatalf("abstains: %s", why)
	}
	b.ReportAllocs()
	for b.Loop() {
		ap.unanswered(q, passages, nil)
	}
}

func TestOneEditApart(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"ownee", "onwee", true},      // two letters swapped
		{"starkard", "starkad", true}, // one dropped
		{"starkad", "starkard", true}, // one added
		{"ceamcam1", "ceacam1", true}, // one dropped inside
		{"prince", "prance", true},    // one changed
		{"ramos", "ramos", false},     // the same word
		{"prince", "princess", false}, // two added
		{"ownee", "eewno", false},     // far apart
		{"abcd", "abdc", true},        // the last two swapped
		{"abcd", "bacd", true},        // the first two swapped
		{"abcd", "acbe", false},       // swapped and changed
	}
	for _, tt := range tests {
		if got := oneEditApart(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEditApart(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
