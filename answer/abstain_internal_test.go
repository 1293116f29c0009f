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
	if why := ap.unanswered(q, passages); why != "" {
		b.Fatalf("abstains: %s", why)
	}
	b.ReportAllocs()
	for b.Loop() {
		ap.unanswered(q, passages)
	}
}
