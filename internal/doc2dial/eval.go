package doc2dial

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// Options controls Evaluate.
type Options struct {
	// FollowUp is how the history joins the search; nil means the engine's
	// default.
	FollowUp *answer.FollowUp
	// Depth is how many passages are retrieved per turn: hits deeper than
	// this count as misses. Default 10.
	Depth int
	// Answers also asks each turn of the engine with no model and records
	// whether its quotes overlap the gold span.
	Answers bool
	// Workers is how many documents are scored at once. Default GOMAXPROCS.
	Workers int
	// Ranking replaces the store's default ranking when not nil.
	Ranking *knowledge.Ranking
}

// Result is the outcome of an evaluation, one Outcome per turn.
type Result struct {
	Documents int
	Passages  int // passages indexed, over all documents
	Outcomes  []Outcome
}

// Outcome is how one turn fared.
type Outcome struct {
	Turn Turn
	// Rank is the 1-based rank of the first retrieved passage overlapping
	// the gold span, 0 when none did within Depth.
	Rank int
	// Quoted says a quote of the extractive answer overlaps the gold span
	// (with Options.Answers).
	Quoted bool
}

// RecallAt is the share of turns with a hit in the top k.
func (r Result) RecallAt(k int) float64 {
	return r.share(func(o Outcome) bool { return o.Rank > 0 && o.Rank <= k })
}

// QuotedShare is the share of turns whose extractive answer quotes the
// gold span.
func (r Result) QuotedShare() float64 { return r.share(func(o Outcome) bool { return o.Quoted }) }

// MRR is the mean reciprocal rank of the first hit (0 for a miss).
func (r Result) MRR() float64 {
	if len(r.Outcomes) == 0 {
		return 0
	}
	s := 0.0
	for _, o := range r.Outcomes {
		if o.Rank > 0 {
			s += 1 / float64(o.Rank)
		}
	}
	return s / float64(len(r.Outcomes))
}

func (r Result) share(hit func(Outcome) bool) float64 {
	if len(r.Outcomes) == 0 {
		return 0
	}
	n := 0
	for _, o := range r.Outcomes {
		if hit(o) {
			n++
		}
	}
	return float64(n) / float64(len(r.Outcomes))
}

// FollowUps returns the result for the turns with history.
func (r Result) FollowUps() Result {
	out := r
	out.Outcomes = nil
	for _, o := range r.Outcomes {
		if o.Turn.FollowUp() {
			out.Outcomes = append(out.Outcomes, o)
		}
	}
	return out
}

// Evaluate indexes each document of d on its own, in memory, and asks its
// turns, each with its history, through the answering engine's retrieval.
func Evaluate(ctx context.Context, d Data, opts Options) (Result, error) {
	if opts.Depth <= 0 {
		opts.Depth = 10
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	byDoc := map[string][]int{}
	var names []string
	for i, t := range d.Turns {
		if _, ok := byDoc[t.Doc]; !ok {
			names = append(names, t.Doc)
		}
		byDoc[t.Doc] = append(byDoc[t.Doc], i)
	}
	slices.Sort(names)
	res := Result{Documents: len(names), Outcomes: make([]Outcome, len(d.Turns))}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		jobs = make(chan string)
	)
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range jobs {
				n, err := evalDoc(ctx, d.Docs[name], d.Turns, byDoc[name], res.Outcomes, opts)
				mu.Lock()
				res.Passages += n
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, n := range names {
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	return res, errors.Join(errs...)
}

// evalDoc scores the turns of one document (their indexes in turns) into
// out, and returns how many passages the document has.
func evalDoc(ctx context.Context, doc Document, turns []Turn, idx []int, out []Outcome, opts Options) (int, error) {
	p, err := knowledge.Parse([]byte(doc.Text), knowledge.ParseOptions{Name: doc.Name})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", doc.Name, err)
	}
	st, err := sqlite.OpenMemory(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", doc.Name, err)
	}
	defer st.Close()
	if opts.Ranking != nil {
		st.Ranking = *opts.Ranking
	}
	spans := map[string][2]int{}
	for _, ps := range p.Passages {
		spans[knowledge.PassageID(p.Doc.Slug, ps.N)] = [2]int{ps.Start, ps.End}
	}
	eng := answer.New(answer.Options{Store: st, FollowUp: opts.FollowUp})
	for _, i := range idx {
		t := turns[i]
		q := answer.Query{Question: t.Question, Scope: knowledge.Everything, History: t.Conversation()}
		o := Outcome{Turn: t}
		ps, err := eng.Retrieve(ctx, q, opts.Depth)
		if err != nil && !errors.Is(err, knowledge.ErrEmptyQuery) {
			return 0, fmt.Errorf("%s: %q: %w", doc.Name, t.Question, err)
		}
		for r, ps := range ps {
			if overlaps([2]int{ps.Start, ps.End}, t.Gold) {
				o.Rank = r + 1
				break
			}
		}
		if opts.Answers && err == nil {
			a, err := eng.Ask(ctx, q)
			if err != nil {
				return 0, fmt.Errorf("%s: %q: %w", doc.Name, t.Question, err)
			}
			o.Quoted = quotes(a, doc.Text, spans, t.Gold)
		}
		out[i] = o
	}
	return len(p.Passages), nil
}

// quotes reports whether a quote of a overlaps gold in text, each quote
// placed within the span of its passage.
func quotes(a answer.Answer, text string, spans map[string][2]int, gold [2]int) bool {
	for _, c := range a.Citations {
		sp, ok := spans[c.PassageID]
		if !ok {
			continue
		}
		if i := strings.Index(text[sp[0]:sp[1]], c.Quote); i >= 0 {
			start := sp[0] + i
			if overlaps([2]int{start, start + len(c.Quote)}, gold) {
				return true
			}
		}
	}
	return false
}

func overlaps(a, b [2]int) bool { return a[0] < b[1] && b[0] < a[1] }
