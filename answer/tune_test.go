package answer

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

var (
	tune       = flag.String("tune", "", "comma-separated FairytaleQA split folders to sweep the extractive tuning on (train and val only, never test)")
	showMisses = flag.Bool("misses", false, "with -tune, show questions whose best sentence misses a gold answer found in the passages")
)

type tuneCase struct {
	q        string
	answers  []string
	passages []knowledge.Passage
}

// TestTuneExtractive sweeps the extractive answerer's tuning around
// defaultExtract over retrieved passages cached once per question:
//
//	go test ./answer -run TestTuneExtractive -v -tune=/work/shared/datasets/fairytaleqa/train,/work/shared/datasets/fairytaleqa/val
func TestTuneExtractive(t *testing.T) {
	if *tune == "" {
		t.Skip("set -tune=DIR[,DIR] to sweep the extractive tuning")
	}
	ctx := context.Background()
	var cases []tuneCase
	for _, dir := range strings.Split(*tune, ",") {
		stories, err := fairytaleqa.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stories {
			st, err := knowledge.Open(ctx, ":memory:")
			if err != nil {
				t.Fatal(err)
			}
			p, err := knowledge.Parse([]byte(s.Text()), knowledge.ParseOptions{Name: s.Name + ".txt"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
				t.Fatal(err)
			}
			for _, q := range s.Questions {
				if !q.Explicit {
					continue
				}
				ps, _ := st.Search(ctx, q.Text, 5)
				cases = append(cases, tuneCase{q.Text, q.Answers, ps})
			}
			st.Close()
		}
	}
	score := func(pr extractParams) (float64, float64) {
		hits, words := 0, 0
		for _, c := range cases {
			var qs []string
			for _, ct := range extract(c.q, c.passages, pr) {
				qs = append(qs, ct.Quote)
			}
			text := strings.Join(qs, " ")
			words += len(strings.Fields(text))
			if containsAnswer(text, c.answers) {
				hits++
			}
		}
		return float64(hits) / float64(len(cases)), float64(words) / float64(len(cases))
	}
	base := defaultExtract()
	h, w := score(base)
	t.Logf("%d questions; default %+v: %.3f (%.1f words)", len(cases), base, h, w)
	for _, v := range tuneVariants(base) {
		h, w := score(v.p)
		one := v.p
		one.sentences = 1
		h1, w1 := score(one)
		t.Logf("%-28s %.3f (%.1f words)  top-1 %.3f (%.1f words)", v.name, h, w, h1, w1)
	}
	if *showMisses {
		one := base
		one.sentences = 1
		shown := 0
		for _, c := range cases {
			cs := extract(c.q, c.passages, one)
			if len(cs) == 0 || containsAnswer(cs[0].Quote, c.answers) {
				continue
			}
			var all []string
			for _, p := range c.passages[:min(3, len(c.passages))] {
				all = append(all, p.Text)
			}
			if !containsAnswer(strings.Join(all, " "), c.answers) {
				continue
			}
			t.Logf("Q: %s\n  gold: %q\n  got: %s", c.q, c.answers, cs[0].Quote)
			if shown++; shown == 25 {
				break
			}
		}
	}
}

type variant struct {
	name string
	p    extractParams
}

func tuneVariants(b extractParams) []variant {
	var out []variant
	add := func(name string, f func(p *extractParams)) {
		p := b
		f(&p)
		out = append(out, variant{name, p})
	}
	for _, n := range []int{2, 3} {
		for _, x := range []float64{0, 0.15, 0.3} {
			add(fmt.Sprintf("n=%d lengthPenalty=%.2f", n, x), func(p *extractParams) { p.sentences = n; p.lengthPenalty = x })
		}
		for _, x := range []float64{0, 0.5, 1} {
			add(fmt.Sprintf("n=%d rankBonus=%.2f", n, x), func(p *extractParams) { p.sentences = n; p.rankBonus = x })
		}
		for _, x := range []float64{0, 0.2, 0.5} {
			add(fmt.Sprintf("n=%d minShare=%.2f", n, x), func(p *extractParams) { p.sentences = n; p.minShare = x })
		}
		for _, x := range []int{2, 5} {
			add(fmt.Sprintf("n=%d passages=%d", n, x), func(p *extractParams) { p.sentences = n; p.passages = x })
		}
		add(fmt.Sprintf("n=%d next=0", n), func(p *extractParams) { p.sentences = n; p.next = 0 })
	}
	return out
}
