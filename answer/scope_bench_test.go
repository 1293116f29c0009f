package answer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// fairytaleTrain is FairytaleQA's training split: the stories benchmarks
// may read.
const fairytaleTrain = "../../shared/datasets/fairytaleqa/train"

// BenchmarkAsk100Stories is one question (extractive, no model) on an
// index file of 100 FairytaleQA stories, half of them one Discord server's
// and half another's: scoped to the question's own story (a story option
// or a channel's story), to what one server sees (its 50 stories; the
// index leaves the other 50 out), and to every story (the command line).
//
//	go test ./answer -run '^$' -bench Ask100Stories -benchtime 300x
func BenchmarkAsk100Stories(b *testing.B) {
	stories, err := fairytaleqa.Load(fairytaleTrain)
	if err != nil {
		b.Skip(err)
	}
	stories = stories[:min(100, len(stories))]
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stories.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	docs := make([]knowledge.Parsed, len(stories))
	type question struct{ text, doc, guild string }
	var qs []question
	for i, s := range stories {
		p, err := knowledge.Parse([]byte(s.Text()), knowledge.ParseOptions{Name: s.Name + ".txt"})
		if err != nil {
			b.Fatal(err)
		}
		p.Doc.Guild = fmt.Sprint(i % 2)
		docs[i] = p
		for _, q := range s.Questions[:min(3, len(s.Questions))] {
			qs = append(qs, question{q.Text, p.Doc.Slug, p.Doc.Guild})
		}
	}
	if _, err := st.Ingest(ctx, docs, nil); err != nil {
		b.Fatal(err)
	}
	eng := answer.New(answer.Options{Store: st})
	for _, scope := range []struct {
		name string
		of   func(q question) knowledge.Scope
	}{
		{"one story", func(q question) knowledge.Scope { return knowledge.Scope{Guild: q.guild, Docs: []string{q.doc}} }},
		{"one server", func(q question) knowledge.Scope { return knowledge.Scope{Guild: q.guild} }},
		{"all stories", func(question) knowledge.Scope { return knowledge.Everything }},
	} {
		b.Run(scope.name, func(b *testing.B) {
			took := make([]time.Duration, b.N)
			for i := 0; i < b.N; i++ {
				q := qs[i%len(qs)]
				start := time.Now()
				if _, err := eng.Ask(ctx, answer.Query{Question: q.text, Scope: scope.of(q)}); err != nil {
					b.Fatal(err)
				}
				took[i] = time.Since(start)
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
