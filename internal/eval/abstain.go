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

// The sets a question of the abstention sets belongs to.
const (
	SetAnswerable   = "answerable"
	SetOffTopic     = "off-topic"
	SetUnanswerable = "unanswerable"
)

// asked is one question of the abstention sets of a story.
type asked struct {
	set  string
	kind string // of an unanswerable question
	text string
}

// askedOf lists the questions story i of stories is asked: its own, the
// off-topic story's and the unanswerable ones made from its own.
func askedOf(stories, unanswerable []Story, i int) []asked {
	var out []asked
	for _, q := range stories[i].Questions {
		out = append(out, asked{SetAnswerable, "", q.Text})
	}
	if len(stories) > 1 {
		for _, q := range stories[offTopic(i, len(stories))].Questions {
			out = append(out, asked{SetOffTopic, "", q.Text})
		}
	}
	for _, q := range unanswerable[i].Questions {
		out = append(out, asked{SetUnanswerable, q.Kind, q.Text})
	}
	return out
}

// EachAsked calls visit for every question of the abstention sets of
// stories: each story indexed on its own, its own questions, the
// off-topic ones and the unanswerable ones (set says which; kind says how
// an unanswerable one was made) searched for the top k passages (none
// when the question has no words), with the question's words that have
// related words and that the story lacks (as the engine reads them), each
// question respelt as the engine does (knowledge.Misspellable).
func EachAsked(ctx context.Context, stories []Story, k int, visit func(question, set, kind string, passages []knowledge.Passage, lacking []string)) error {
	un := Unanswerable(stories)
	for i, s := range stories {
		st, err := Index(ctx, s)
		if err != nil {
			return err
		}
		for _, q := range askedOf(stories, un, i) {
			if q.text, _, err = st.Respelt(ctx, knowledge.Everything, q.text); err != nil {
				st.Close()
				return fmt.Errorf("%s: %q: %w", s.Name, q.text, err)
			}
			lacking, err := st.Lacking(ctx, knowledge.Everything, knowledge.Expandable(q.text))
			if err != nil {
				st.Close()
				return fmt.Errorf("%s: %q: %w", s.Name, q.text, err)
			}
			ps, err := st.SearchRelated(ctx, knowledge.Everything, []knowledge.Weighted{{Text: q.text, Weight: 1}}, lacking, k)
			if err != nil && !errors.Is(err, knowledge.ErrEmptyQuery) {
				st.Close()
				return fmt.Errorf("%s: %q: %w", s.Name, q.text, err)
			}
			visit(q.text, q.set, q.kind, ps, lacking)
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
	// AnswerableClosest and OffTopicClosest count those of each answered
	// as the closest passages, which may not answer (answer.ClosestLabel).
	AnswerableClosest, OffTopicClosest int
	Unanswerable                       UnanswerableReport
}

// Abstention asks every question of the abstention sets of stories with no
// model (k passages retrieved, as the engine's Options.K) and counts the
// not_found answers.
func Abstention(ctx context.Context, stories []Story, k int) (AbstainReport, error) {
	var rep AbstainReport
	un := Unanswerable(stories)
	for i, s := range stories {
		st, err := Index(ctx, s)
		if err != nil {
			return rep, err
		}
		eng := answer.New(answer.Options{Store: st, K: k})
		for _, q := range askedOf(stories, un, i) {
			a, err := eng.Ask(ctx, answer.Query{Question: q.text})
			if errors.Is(err, knowledge.ErrEmptyQuery) {
				continue
			}
			if err != nil {
				st.Close()
				return rep, fmt.Errorf("%s: %q: %w", s.Name, q.text, err)
			}
			rep.count(q, a.Mode == answer.ModeNotFound, a.Label() == answer.ClosestLabel)
		}
		st.Close()
	}
	return rep, nil
}

// count adds one question answered (not found, as the closest passages,
// or neither) to the report.
func (r *AbstainReport) count(q asked, notFound, closest bool) {
	switch q.set {
	case SetAnswerable:
		r.Answerable++
		if notFound {
			r.Refused++
		}
		if closest {
			r.AnswerableClosest++
		}
	case SetOffTopic:
		r.OffTopic++
		if notFound {
			r.NotFound++
		}
		if closest {
			r.OffTopicClosest++
		}
	default:
		r.Unanswerable.add(q.kind, notFound)
	}
}

// RefusedRate is the share of answerable questions answered not_found.
func (r AbstainReport) RefusedRate() float64 { return ratio(r.Refused, r.Answerable) }

// NotFoundRate is the share of off-topic questions answered not_found.
func (r AbstainReport) NotFoundRate() float64 { return ratio(r.NotFound, r.OffTopic) }

// Print writes the shares, the unanswerable questions' by kind.
func (r AbstainReport) Print(w io.Writer) {
	fmt.Fprintf(w, "off-topic questions answered not_found   %.3f (%d of %d)\n", r.NotFoundRate(), r.NotFound, r.OffTopic)
	fmt.Fprintf(w, "  or shown as the closest passages       %.3f (%d of %d)\n", ratio(r.NotFound+r.OffTopicClosest, r.OffTopic), r.NotFound+r.OffTopicClosest, r.OffTopic)
	fmt.Fprintf(w, "answerable questions wrongly refused     %.3f (%d of %d)\n", r.RefusedRate(), r.Refused, r.Answerable)
	fmt.Fprintf(w, "  shown as the closest passages          %.3f (%d of %d)\n", ratio(r.AnswerableClosest, r.Answerable), r.AnswerableClosest, r.Answerable)
	u := r.Unanswerable
	fmt.Fprintf(w, "unanswerable questions answered not_found %.3f (but negated ones)\n", u.NotFoundRate())
	for _, k := range unanswerableKinds {
		if u.N[k] > 0 {
			fmt.Fprintf(w, "  %-24s %.3f (%d of %d)\n", k, ratio(u.NotFound[k], u.N[k]), u.NotFound[k], u.N[k])
		}
	}
}
