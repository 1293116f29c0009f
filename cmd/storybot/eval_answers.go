package main

import (
	"context"
	"fmt"
	"io"

	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
)

// answersFlagUsage documents `storybot eval --answers`.
const answersFlagUsage = "score the extractive answerer instead of retrieval: how often a gold answer (normalised) appears in the quotes it returns, explicit questions only"

// evalAnswers scores the extractive answerer on FairytaleQA stories (for
// `storybot eval --answers`): each story indexed on its own in memory,
// each explicit question asked with no model, k passages retrieved.
func evalAnswers(ctx context.Context, w io.Writer, split string, stories []fairytaleqa.Story, k int) error {
	rep, err := eval.Extractive(ctx, eval.FairytaleQA(stories), k)
	if err != nil {
		return fmt.Errorf("evaluate answers: %w", err)
	}
	fmt.Fprintf(w, "FairytaleQA %s, extractive answers (no model), %d passages retrieved: %d stories, %d explicit questions\n\n", split, k, rep.Stories, rep.Questions)
	rep.Print(w)
	return nil
}
