package main

import (
	"context"
	"fmt"
	"io"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// answersFlagUsage documents `storybot eval --answers`.
const answersFlagUsage = "score the extractive answerer instead of retrieval: how often a gold answer (normalised) appears in the quotes it returns, explicit questions only"

// evalAnswers scores the extractive answerer on FairytaleQA stories (for
// `storybot eval --answers`): each story indexed on its own in memory,
// each explicit question asked with no model, k passages retrieved.
func evalAnswers(ctx context.Context, w io.Writer, split string, stories []fairytaleqa.Story, k int) error {
	set := make([]answer.EvalStory, 0, len(stories))
	for _, s := range stories {
		es := answer.EvalStory{Name: s.Name, Text: s.Text()}
		for _, q := range s.Questions {
			if q.Explicit {
				es.Questions = append(es.Questions, answer.EvalQuestion{Question: q.Text, Answers: q.Answers})
			}
		}
		set = append(set, es)
	}
	rep, err := answer.EvalExtractive(ctx, set, indexStory, k)
	if err != nil {
		return fmt.Errorf("evaluate answers: %w", err)
	}
	fmt.Fprintf(w, "FairytaleQA %s, extractive answers (no model), %d passages retrieved: %d stories, %d explicit questions\n\n", split, k, rep.Stories, rep.Questions)
	fmt.Fprintf(w, "gold answer in the answer's quotes     %.3f (%d of %d)\n", rep.HitRate(), rep.Hits, rep.Questions)
	fmt.Fprintf(w, "gold answer in the retrieved passages  %.3f (the ceiling)\n", rep.PassageRate())
	fmt.Fprintf(w, "words quoted per answer                %.1f\n", rep.Words)
	return nil
}

// indexStory indexes one story alone in an in-memory store.
func indexStory(ctx context.Context, s answer.EvalStory) (answer.Store, func(), error) {
	p, err := knowledge.Parse([]byte(s.Text), knowledge.ParseOptions{Name: s.Name + ".txt"})
	if err != nil {
		return nil, nil, fmt.Errorf("index %s: %w", s.Name, err)
	}
	st, err := sqlite.OpenMemory(ctx, p)
	if err != nil {
		return nil, nil, fmt.Errorf("index %s: %w", s.Name, err)
	}
	return st, func() { st.Close() }, nil
}
