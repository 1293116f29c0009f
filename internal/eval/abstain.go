package eval

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

// The abstention sets: each story's questions asked of its own index
// (answerable: the extractive answerer should not refuse them) and of
// another story's (off-topic: it should say the story doesn't say). Story
// i of a set is asked, besides its own questions, those of story
// (i + n/2) mod n, so that every story is asked questions of one other.

// FairytaleQAAll returns the stories with all their questions, explicit
// and implicit: every one is answerable from its own story.
func FairytaleQAAll(stories []fairytaleqa.Story) []Story {
	out := make([]Story, 0, len(stories))
	for _, s := range stories {
		e := Story{Name: s.Name, Text: s.Text()}
		for _, q := range s.Questions {
			e.Questions = append(e.Questions, Question{Text: q.Text, Answers: q.Answers})
		}
		out = append(out, e)
	}
	return out
}

// offTopic is the story whose questions story i is asked besides its own.
func offTopic(i, n int) int { return (i + n/2) % n }

// EachAsked calls visit for every question of the abstention sets of
// stories: each story indexed on its own, its own questions and the
// off-topic ones searched for the top k passages (none when the question
// has no words).
func EachAsked(ctx context.Context, stories []Story, k int, visit func(question string, offTopic bool, passages []knowledge.Passage)) error {
	for i, s := range stories {
		st, err := Index(ctx, s)
		if err != nil {
			return err
		}
		other := stories[offTopic(i, len(stories))]
		for _, set := range []struct {
			qs  []Question
			off bool
		}{{s.Questions, false}, {other.Questions, true}} {
			if set.off && len(stories) < 2 {
				continue
			}
			for _, q := range set.qs {
				ps, err := st.Search(ctx, knowledge.Everything, q.Text, k)
				if err != nil && !errors.Is(err, knowledge.ErrEmptyQuery) {
					st.Close()
					return fmt.Errorf("%s: %q: %w", s.Name, q.Text, err)
				}
				visit(q.Text, set.off, ps)
			}
		}
		st.Close()
	}
	return nil
}

// AbstainReport counts how the extractive answerer answered the
// abstention sets.
type AbstainReport struct {
	Answerable, Refused int // own questions, and those answered not_found
	OffTopic, NotFound  int // other stories' questions, and those answered not_found
}

// Abstention asks every question of the abstention sets of stories with no
// model (k passages retrieved, as the engine's Options.K) and counts the
// not_found answers.
func Abstention(ctx context.Context, stories []Story, k int) (AbstainReport, error) {
	var rep AbstainReport
	for i, s := range stories {
		st, err := Index(ctx, s)
		if err != nil {
			return rep, err
		}
		eng := answer.New(answer.Options{Store: st, K: k})
		other := stories[offTopic(i, len(stories))]
		for _, set := range []struct {
			qs  []Question
			off bool
		}{{s.Questions, false}, {other.Questions, true}} {
			if set.off && len(stories) < 2 {
				continue
			}
			for _, q := range set.qs {
				a, err := eng.Ask(ctx, answer.Query{Question: q.Text})
				if errors.Is(err, knowledge.ErrEmptyQuery) {
					continue
				}
				if err != nil {
					st.Close()
					return rep, fmt.Errorf("%s: %q: %w", s.Name, q.Text, err)
				}
				nf := a.Mode == answer.ModeNotFound
				if set.off {
					rep.OffTopic++
					if nf {
						rep.NotFound++
					}
				} else {
					rep.Answerable++
					if nf {
						rep.Refused++
					}
				}
			}
		}
		st.Close()
	}
	return rep, nil
}

// RefusedRate is the share of answerable questions answered not_found.
func (r AbstainReport) RefusedRate() float64 { return ratio(r.Refused, r.Answerable) }

// NotFoundRate is the share of off-topic questions answered not_found.
func (r AbstainReport) NotFoundRate() float64 { return ratio(r.NotFound, r.OffTopic) }

// Print writes the two shares.
func (r AbstainReport) Print(w io.Writer) {
	fmt.Fprintf(w, "off-topic questions answered not_found   %.3f (%d of %d)\n", r.NotFoundRate(), r.NotFound, r.OffTopic)
	fmt.Fprintf(w, "answerable questions wrongly refused     %.3f (%d of %d)\n", r.RefusedRate(), r.Refused, r.Answerable)
}
