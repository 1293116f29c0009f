// Package eval scores storybot's extractive answerer (the answering engine
// with no model) on question sets with gold answers, FairytaleQA's explicit
// questions and COVID-QA's papers: each story is indexed on its own in
// memory, as `storybot ingest` would, each question asked, and a question
// is a hit when a gold answer, normalised, appears in the quotes returned.
package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// Story is one story with questions and gold answers.
type Story struct {
	Name      string
	Text      string
	Questions []Question
}

// Question is one question with its gold answers.
type Question struct {
	Text    string
	Answers []string
	// Kind says how an unanswerable question was made (see Unanswerable).
	Kind string
}

// FairytaleQA returns the stories with their explicit questions: those
// whose answer is stated in the text, so that a quote can hold it.
func FairytaleQA(stories []fairytaleqa.Story) []Story {
	out := make([]Story, 0, len(stories))
	for _, s := range stories {
		e := Story{Name: s.Name, Text: s.Text()}
		for _, q := range s.Questions {
			if q.Explicit {
				e.Questions = append(e.Questions, Question{Text: q.Text, Answers: q.Answers})
			}
		}
		out = append(out, e)
	}
	return out
}

// Report is the score of the extractive answerer on a set of stories.
type Report struct {
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
func (r Report) HitRate() float64 { return ratio(r.Hits, r.Questions) }

// PassageRate is InPassages / Questions.
func (r Report) PassageRate() float64 { return ratio(r.InPassages, r.Questions) }

// Print writes the report's three figures, one a line.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "gold answer in the answer's quotes     %.3f (%d of %d)\n", r.HitRate(), r.Hits, r.Questions)
	fmt.Fprintf(w, "gold answer in the retrieved passages  %.3f (the ceiling)\n", r.PassageRate())
	fmt.Fprintf(w, "words quoted per answer                %.1f\n", r.Words)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Index indexes one story alone in a private in-memory store, which the
// caller closes.
func Index(ctx context.Context, s Story) (*sqlite.Store, error) {
	p, err := knowledge.Parse([]byte(s.Text), knowledge.ParseOptions{Name: s.Name + ".txt"})
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", s.Name, err)
	}
	st, err := sqlite.OpenMemory(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", s.Name, err)
	}
	return st, nil
}

// Extractive asks every question of each story against that story's own
// index, with no model, and counts how often a gold answer appears in the
// quotes of the extractive answer (see ContainsAnswer). k is the engine's
// Options.K; InPassages looks at the top k passages, though the extractive
// answerer reads a few more.
func Extractive(ctx context.Context, stories []Story, k int) (Report, error) {
	var rep Report
	words := 0
	for _, s := range stories {
		n, err := askAll(ctx, s, k, &rep)
		if err != nil {
			return rep, err
		}
		words += n
		rep.Stories++
	}
	rep.Words = ratio(words, rep.Questions)
	return rep, nil
}

// askAll asks the questions of one story, adds them to rep and returns
// how many words were quoted.
func askAll(ctx context.Context, s Story, k int, rep *Report) (words int, err error) {
	st, err := Index(ctx, s)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	eng := answer.New(answer.Options{Store: st, K: k})
	for _, q := range s.Questions {
		a, err := eng.Ask(ctx, answer.Query{Question: q.Text})
		if errors.Is(err, knowledge.ErrEmptyQuery) {
			err = nil // no words to search for: a miss
		}
		if err != nil {
			return words, fmt.Errorf("%s: %q: %w", s.Name, q.Text, err)
		}
		var quoted []string
		for _, c := range a.Citations {
			quoted = append(quoted, c.Quote)
		}
		text := strings.Join(quoted, " ")
		words += len(strings.Fields(text))
		rep.Questions++
		if ContainsAnswer(text, q.Answers) {
			rep.Hits++
		}
		if ps, err := st.Search(ctx, knowledge.Everything, q.Text, k); err == nil {
			var all []string
			for _, p := range ps {
				all = append(all, p.Text)
			}
			if ContainsAnswer(strings.Join(all, " "), q.Answers) {
				rep.InPassages++
			}
		}
	}
	return words, nil
}

// ContainsAnswer reports whether any gold answer, normalised, stands in
// text as whole words. Both are normalised the usual way of extractive QA
// scoring: Unicode compatibility forms folded (NFKC), lower case,
// punctuation made space, the articles a, an and the dropped.
func ContainsAnswer(text string, answers []string) bool {
	t := " " + normAnswer(text) + " "
	for _, a := range answers {
		if n := normAnswer(a); n != "" && strings.Contains(t, " "+n+" ") {
			return true
		}
	}
	return false
}

func normAnswer(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case unicode.Is(unicode.Cf, r):
			return -1 // soft hyphens and zero-width joiners are invisible
		}
		return ' '
	}, norm.NFKC.String(s))
	var out []string
	for _, w := range strings.Fields(s) {
		if w != "a" && w != "an" && w != "the" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
