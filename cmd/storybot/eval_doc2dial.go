package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/doc2dial"
)

// defaultDoc2DialData is where the Doc2Dial follow-up questions lie,
// relative to the working folder (the project's checkout, beside shared/).
const defaultDoc2DialData = "../shared/datasets/doc2dial-dev"

// doc2dialFlagUsage documents `storybot eval --doc2dial`.
const doc2dialFlagUsage = "score retrieval for follow-up questions on Doc2Dial instead: each turn asked with the dialogue before it, a hit when a passage overlaps the span the next reply rests on; the turn alone, the turns pasted in front of it, and storybot's weighting, side by side"

// evalDoc2Dial scores follow-up retrieval on half of the Doc2Dial set
// (for `storybot eval --doc2dial`), with each way of using the history.
func evalDoc2Dial(ctx context.Context, w io.Writer, dir string, half doc2dial.Half) error {
	d, err := doc2dial.Load(dir)
	if errors.Is(err, doc2dial.ErrNoData) {
		return fmt.Errorf("no Doc2Dial data at %s: run from the project folder with shared/ beside it, or give --data DIR (a folder holding questions.jsonl and docs/)", dir)
	}
	if err != nil {
		return fmt.Errorf("read Doc2Dial: %w", err)
	}
	d = d.Half(half)
	rows := []struct {
		name string
		f    answer.FollowUp
	}{
		{"turn alone", answer.TurnAlone()},
		{"naive concatenation", answer.Concatenated()},
		{"storybot", answer.DefaultFollowUp()},
	}
	what := string(half) + " half"
	if half == doc2dial.All {
		what = "both halves"
	}
	fmt.Fprintf(w, "Doc2Dial, %s (%s): ", what, dir)
	for i, r := range rows {
		res, err := doc2dial.Evaluate(ctx, d, doc2dial.Options{FollowUp: &r.f, Answers: true})
		if err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		fu := res.FollowUps()
		if i == 0 {
			fmt.Fprintf(w, "%d documents, %d passages, %d turns, %d of them follow-ups\n", res.Documents, res.Passages, len(res.Outcomes), len(fu.Outcomes))
			fmt.Fprintf(w, "\nfollow-ups            %6s %6s %7s %7s | all turns %6s %6s\n", "R@1", "R@5", "MRR@10", "quoted", "R@1", "R@5")
		}
		fmt.Fprintf(w, "%-21s %6.3f %6.3f %7.3f %7.3f |           %6.3f %6.3f\n", r.name,
			fu.RecallAt(1), fu.RecallAt(5), fu.MRR(), fu.QuotedShare(), res.RecallAt(1), res.RecallAt(5))
	}
	fmt.Fprintf(w, "\nquoted: the extractive answer (no model) quotes the gold span. storybot: %+v\n", answer.DefaultFollowUp())
	return nil
}
