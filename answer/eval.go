package answer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/storybot/storybot/knowledge"
)

// EvalStory is one story with questions and gold answers, for
// EvalExtractive.
type EvalStory struct {
	Name      string
	Text      string
	Questions []EvalQuestion
}

// EvalQuestion is one question with its gold answers.
type EvalQuestion struct {
	Question string
	Answers  []string
}

// EvalReport is the score of the extractive answerer on a set of stories.
type EvalReport struct {
	Stories   int
	Questions int // questions asked
	// Hits counts answers whose quotes hold a gold answer (normalised).
	Hits int
	// InPassages counts questions whose retrieved passages hold a gold
	// answer: the ceiling for an answer quoted from them.
	InPassages int
	// Words is the mean number of words quoted per answer.
	Words float64
}

// HitRate is Hits / Questions.
func (r EvalReport) HitRate() float64 { return ratio(r.Hits, r.Questions) }

// PassageRate is InPassages / Questions.
func (r EvalReport) PassageRate() float64 { return ratio(r.InPassages, r.Questions) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// String is the report as one line.
func (r EvalReport) String() string {
	return fmt.Sprintf("stories %d, questions %d: gold answer in the extractive answer %.3f (%d), in the retrieved passages %.3f, %.1f words quoted per answer",
		r.Stories, r.Questions, r.HitRate(), r.Hits, r.PassageRate(), r.Words)
}

// IndexFunc indexes one story on its own and returns its store and a
// function that releases it.
type IndexFunc func(ctx context.Context, story EvalStory) (Store, func(), error)

// EvalExtractive asks every question of each story against that story's
// own index, with no model, and counts how often a gold answer (normalised:
// case, punctuation, articles, whitespace) appears in the quotes of the
// extractive answer. k is the engine's Options.K; InPassages looks at the
// top k passages, though the extractive answerer reads a few more.
func EvalExtractive(ctx context.Context, stories []EvalStory, index IndexFunc, k int) (EvalReport, error) {
	var rep EvalReport
	words := 0
	for _, s := range stories {
		st, release, err := index(ctx, s)
		if err != nil {
			return rep, fmt.Errorf("index %s: %w", s.Name, err)
		}
		eng := New(Options{Store: st, K: k})
		rep.Stories++
		for _, q := range s.Questions {
			a, err := eng.Ask(ctx, q.Question)
			if errors.Is(err, knowledge.ErrEmptyQuery) {
				err = nil // no words to search for: a miss
			}
			if err != nil {
				release()
				return rep, fmt.Errorf("%s: %q: %w", s.Name, q.Question, err)
			}
			var quoted []string
			for _, c := range a.Citations {
				quoted = append(quoted, c.Quote)
			}
			text := strings.Join(quoted, " ")
			words += len(strings.Fields(text))
			rep.Questions++
			if containsAnswer(text, q.Answers) {
				rep.Hits++
			}
			ps, err := st.Search(ctx, q.Question, k)
			if err == nil {
				var all []string
				for _, p := range ps {
					all = append(all, p.Text)
				}
				if containsAnswer(strings.Join(all, " "), q.Answers) {
					rep.InPassages++
				}
			}
		}
		release()
	}
	rep.Words = ratio(words, rep.Questions)
	return rep, nil
}

// containsAnswer reports whether any gold answer, normalised, is in text.
func containsAnswer(text string, answers []string) bool {
	t := " " + normAnswer(text) + " "
	for _, a := range answers {
		if n := normAnswer(a); n != "" && strings.Contains(t, " "+n+" ") {
			return true
		}
	}
	return false
}

// normAnswer lower-cases, folds quotes and dashes, turns punctuation into
// spaces, drops the articles a, an and the, and collapses spaces (the
// usual normalisation of extractive QA scoring).
func normAnswer(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, fold(s).s)
	var out []string
	for _, w := range strings.Fields(s) {
		if w != "a" && w != "an" && w != "the" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
