package timeline_test

import (
	"os"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

// BenchmarkTimeline measures timeline extraction on a Gutenberg novel next
// to parsing it (the CPU part of ingest), so the ratio shows what a
// timeline adds:
//
//	go test ./timeline -run '^$' -bench Timeline -benchmem
func BenchmarkTimeline(b *testing.B) {
	const novel = "../../shared/datasets/gutenberg/pg1342.txt"
	data, err := os.ReadFile(novel)
	if err != nil {
		b.Skipf("no novel to measure: %v", err)
	}
	opt := knowledge.ParseOptions{Name: "pg1342.txt"}
	p, err := knowledge.Parse(data, opt)
	if err != nil {
		b.Fatal(err)
	}
	// A configured date (the novel's publication) makes every relative
	// expression resolve, the most work Build can do.
	p.Doc.Date = "1813-01-28"
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := knowledge.Parse(data, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("build", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var events int
		for b.Loop() {
			tl, err := timeline.Build(p.Doc, p.Passages, timeline.Options{})
			if err != nil {
				b.Fatal(err)
			}
			events = len(tl.Events)
		}
		b.ReportMetric(float64(events), "events")
	})
	b.Run("topic", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := timeline.Build(p.Doc, p.Passages, timeline.Options{Topic: "Darcy"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
