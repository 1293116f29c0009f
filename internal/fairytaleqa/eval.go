package fairytaleqa

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// Options controls Evaluate.
type Options struct {
	// Ranking replaces the store's default ranking when not nil.
	Ranking *knowledge.Ranking
	// Depth is how many passages are retrieved per question: hits deeper
	// than this count as misses. Default 10.
	Depth int
	// Workers is how many stories are scored at once. Default GOMAXPROCS.
	Workers int
	// Question, when set, turns each question into what is searched, with
	// the story's store at hand (Misspell it, or respell it).
	Question func(ctx context.Context, st *sqlite.Store, text string) (string, error)
}

// Result is the outcome of an evaluation, one Outcome per question.
type Result struct {
	Stories  int
	Passages int // passages indexed, over all stories
	// Unplaced counts gold sections whose text could not be found in the
	// indexed document (dropped by parsing); their questions can still hit
	// another of their sections.
	Unplaced int
	Outcomes []Outcome
}

// Outcome is how one question fared.
type Outcome struct {
	Story    string
	Question Question
	// Rank is the 1-based rank of the first retrieved passage sharing a
	// sentence with a gold section, 0 when none did within Depth.
	Rank int
	// Top is the id of the passage ranked first, if any.
	Top string
}

// RecallAt is the share of questions with a hit in the top k.
func (r Result) RecallAt(k int) float64 {
	return r.share(func(o Outcome) float64 {
		if o.Rank > 0 && o.Rank <= k {
			return 1
		}
		return 0
	})
}

// MRR is the mean reciprocal rank of the first hit (0 for a miss), cut off
// at the evaluation depth.
func (r Result) MRR() float64 {
	return r.share(func(o Outcome) float64 {
		if o.Rank > 0 {
			return 1 / float64(o.Rank)
		}
		return 0
	})
}

// Filter returns the result restricted to the questions keep accepts.
func (r Result) Filter(keep func(Outcome) bool) Result {
	out := r
	out.Outcomes = nil
	for _, o := range r.Outcomes {
		if keep(o) {
			out.Outcomes = append(out.Outcomes, o)
		}
	}
	return out
}

func (r Result) share(f func(Outcome) float64) float64 {
	if len(r.Outcomes) == 0 {
		return 0
	}
	sum := 0.0
	for _, o := range r.Outcomes {
		sum += f(o)
	}
	return sum / float64(len(r.Outcomes))
}

// Evaluate indexes each story on its own, in a private in-memory store,
// searches it with each of its questions, and records where the first
// passage sharing a sentence with a gold section was ranked.
func Evaluate(ctx context.Context, stories []Story, opt Options) (Result, error) {
	if opt.Depth <= 0 {
		opt.Depth = 10
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	type done struct {
		res storyResult
		err error
	}
	results := make([]done, len(stories))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(opt.Workers, len(stories)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r, err := evaluateStory(ctx, stories[i], opt)
				results[i] = done{r, err}
			}
		}()
	}
	for i := range stories {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	var res Result
	for _, d := range results {
		if d.err != nil {
			return Result{}, d.err
		}
		res.Stories++
		res.Passages += d.res.passages
		res.Unplaced += d.res.unplaced
		res.Outcomes = append(res.Outcomes, d.res.outcomes...)
	}
	return res, nil
}

type storyResult struct {
	passages, unplaced int
	outcomes           []Outcome
}

func evaluateStory(ctx context.Context, s Story, opt Options) (storyResult, error) {
	var res storyResult
	parsed, err := knowledge.Parse([]byte(s.Text()), knowledge.ParseOptions{Name: s.Name + ".txt"})
	if err != nil {
		return res, fmt.Errorf("story %s: %w", s.Name, err)
	}
	st, err := sqlite.OpenMemory(ctx, parsed)
	if err != nil {
		return res, fmt.Errorf("story %s: %w", s.Name, err)
	}
	defer st.Close()
	if opt.Ranking != nil {
		st.Ranking = *opt.Ranking
	}
	res.passages = len(parsed.Passages)
	spans := sectionSpans(parsed.Doc.Text, s.Sections)
	for _, sp := range spans {
		if sp[1] <= sp[0] {
			res.unplaced++
		}
	}
	for _, q := range s.Questions {
		text := q.Text
		if opt.Question != nil {
			if text, err = opt.Question(ctx, st, text); err != nil {
				return res, fmt.Errorf("story %s: question %s: %w", s.Name, q.ID, err)
			}
		}
		ps, err := st.Search(ctx, knowledge.Everything, text, opt.Depth)
		if err != nil {
			return res, fmt.Errorf("story %s: question %s: %w", s.Name, q.ID, err)
		}
		o := Outcome{Story: s.Name, Question: q}
		if len(ps) > 0 {
			o.Top = ps[0].ID
		}
		for i, p := range ps {
			if overlapsAny(p, q.Sections, spans) {
				o.Rank = i + 1
				break
			}
		}
		res.outcomes = append(res.outcomes, o)
	}
	return res, nil
}

// overlapsAny reports whether the passage overlaps one of the given
// (1-based) sections. Passages never split a sentence and sections end at
// paragraph breaks, so overlapping a section means sharing a sentence with it.
func overlapsAny(p knowledge.Passage, sections []int, spans [][2]int) bool {
	for _, n := range sections {
		sp := spans[n-1]
		if sp[1] > sp[0] && p.Start < sp[1] && sp[0] < p.End {
			return true
		}
	}
	return false
}

// sectionSpans finds where each section lies in the parsed document text,
// which joins hard-wrapped lines and may drop blocks, by matching words:
// a section starts where its first words are found (after the previous
// section) and ends after its last words. An empty span means the section
// was not found.
func sectionSpans(doc string, sections []string) [][2]int {
	dw := wordSpans(doc)
	spans := make([][2]int, len(sections))
	cursor := 0
	for i, sec := range sections {
		sw := words(sec)
		if len(sw) == 0 {
			continue
		}
		m := min(len(sw), 6)
		first := find(dw, cursor, sw[:m])
		if first < 0 {
			continue
		}
		last := find(dw, first, sw[len(sw)-m:])
		end := first + len(sw) - 1
		if last >= 0 && last+m-1 >= first {
			end = last + m - 1
		}
		end = min(end, len(dw)-1)
		spans[i] = [2]int{dw[first].start, dw[end].end}
		cursor = end + 1
	}
	return spans
}

type wordSpan struct {
	word       string
	start, end int
}

func wordSpans(text string) []wordSpan {
	var out []wordSpan
	start := -1
	for i := 0; i <= len(text); {
		r, size := utf8.RuneError, 1
		if i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		isWord := i < len(text) && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			out = append(out, wordSpan{strings.ToLower(text[start:i]), start, i})
			start = -1
		}
		i += size
	}
	return out
}

func words(text string) []string {
	spans := wordSpans(text)
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.word
	}
	return out
}

// find returns the index of the first run of doc words from `from` on equal
// to want, or -1.
func find(doc []wordSpan, from int, want []string) int {
outer:
	for i := from; i+len(want) <= len(doc); i++ {
		for j, w := range want {
			if doc[i+j].word != w {
				continue outer
			}
		}
		return i
	}
	return -1
}
