package doc2dial_test

import (
	"context"
	"flag"
	"sort"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/doc2dial"
	"github.com/storybot/storybot/knowledge"
)

var tuneDir = flag.String("tune-doc2dial", "", "Doc2Dial folder whose tuning half (never the reporting half) the follow-up weights are swept on")

// TestTuneFollowUp sweeps the follow-up weights on the tuning half of
// Doc2Dial and logs the best 20 by MRR, with the default's figures:
//
//	go test ./internal/doc2dial -run TestTuneFollowUp -v -tune-doc2dial=../../../shared/datasets/doc2dial-dev
func TestTuneFollowUp(t *testing.T) {
	if *tuneDir == "" {
		t.Skip("set -tune-doc2dial=DIR to sweep the follow-up weights")
	}
	d, err := doc2dial.Load(*tuneDir)
	if err != nil {
		t.Fatal(err)
	}
	part := d.Half(doc2dial.Tune)
	type row struct {
		f          answer.FollowUp
		r1, r5, mr float64
	}
	score := func(f answer.FollowUp) row {
		res, err := doc2dial.Evaluate(context.Background(), part, doc2dial.Options{FollowUp: &f})
		if err != nil {
			t.Fatal(err)
		}
		fu := res.FollowUps()
		return row{f, fu.RecallAt(1), fu.RecallAt(5), fu.MRR()}
	}
	var rows []row
	for _, q := range []float64{0, 0.05, 0.1, 0.2, 0.3, 0.5} {
		for _, a := range []float64{0, 0.02, 0.05, 0.1, 0.2} {
			for _, turns := range []int{1, 2, 3, 4} {
				for _, decay := range []float64{0.3, 0.5, 0.8} {
					if turns == 1 && decay != 0.5 {
						continue // decay is unused
					}
					rows = append(rows, score(answer.FollowUp{Question: q, Answer: a, Decay: decay, Turns: turns}))
				}
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].mr > rows[j].mr })
	for _, r := range rows[:min(20, len(rows))] {
		t.Logf("%+v R@1 %.3f R@5 %.3f MRR %.3f", r.f, r.r1, r.r5, r.mr)
	}
	for name, f := range map[string]answer.FollowUp{"default": answer.DefaultFollowUp(), "alone": answer.TurnAlone(), "concat": answer.Concatenated()} {
		r := score(f)
		t.Logf("%-8s R@1 %.3f R@5 %.3f MRR %.3f", name, r.r1, r.r5, r.mr)
	}
}

// TestTuneRelated sweeps the weight of related words (knowledge.Ranking's
// Related, for a question's words the document lacks) on the tuning half
// of Doc2Dial, with the follow-up weights as they are:
//
//	go test ./internal/doc2dial -run TestTuneRelated -v -tune-doc2dial=../../../shared/datasets/doc2dial-dev
func TestTuneRelated(t *testing.T) {
	if *tuneDir == "" {
		t.Skip("set -tune-doc2dial=DIR to sweep the weight of related words")
	}
	d, err := doc2dial.Load(*tuneDir)
	if err != nil {
		t.Fatal(err)
	}
	part := d.Half(doc2dial.Tune)
	for _, w := range []float64{0, 0.1, 0.2, 0.3, 0.5, 0.75} {
		r := knowledge.DefaultRanking()
		r.Related = w
		res, err := doc2dial.Evaluate(context.Background(), part, doc2dial.Options{Ranking: &r, Answers: true})
		if err != nil {
			t.Fatal(err)
		}
		fu := res.FollowUps()
		t.Logf("Related=%.2f follow-ups R@1 %.3f R@5 %.3f MRR %.3f quoted %.3f | all turns R@1 %.3f R@5 %.3f MRR %.3f quoted %.3f",
			w, fu.RecallAt(1), fu.RecallAt(5), fu.MRR(), fu.QuotedShare(), res.RecallAt(1), res.RecallAt(5), res.MRR(), res.QuotedShare())
	}
}
