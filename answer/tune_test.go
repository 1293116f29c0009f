package answer

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

var (
	tune       = flag.String("tune", "", "comma-separated FairytaleQA split folders to sweep the extractive tuning on (train and val only, never test)")
	tuneCOVID  = flag.String("tune-covidqa", "", "COVID-QA file whose even-numbered papers join the -tune sweep")
	showMisses = flag.String("misses", "", "with -tune, show up to 25 questions of this answer type (time, duration, number, person, place, reason, manner, any) whose best sentence misses a gold answer found in the passages")
)

type tuneCase struct {
	set      string
	q        string
	want     answerType
	answers  []string
	passages []knowledge.Passage
}

// TestTuneExtractive sweeps the extractive answerer's tuning around
// defaultExtract over retrieved passages cached once per question, and
// reports each set and each kind of question apart:
//
//	go test ./answer -run TestTuneExtractive -v -tune=/work/shared/datasets/fairytaleqa/train,/work/shared/datasets/fairytaleqa/val -tune-covidqa=/work/shared/datasets/covidqa/200423_covidQA.json
func TestTuneExtractive(t *testing.T) {
	if *tune == "" && *tuneCOVID == "" {
		t.Skip("set -tune=DIR[,DIR] and/or -tune-covidqa=FILE to sweep the extractive tuning")
	}
	var sets []struct {
		name    string
		stories []EvalStory
	}
	for _, dir := range strings.Split(*tune, ",") {
		if dir == "" {
			continue
		}
		stories, err := fairytaleqa.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		var es []EvalStory
		for _, s := range stories {
			e := EvalStory{Name: s.Name, Text: s.Text()}
			for _, q := range s.Questions {
				if q.Explicit {
					e.Questions = append(e.Questions, EvalQuestion{Question: q.Text, Answers: q.Answers})
				}
			}
			es = append(es, e)
		}
		sets = append(sets, struct {
			name    string
			stories []EvalStory
		}{"fairytaleqa-" + filepath.Base(dir), es})
	}
	if *tuneCOVID != "" {
		tuneSet, _, err := loadCOVIDQA(*tuneCOVID)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, struct {
			name    string
			stories []EvalStory
		}{"covidqa-tune", tuneSet})
	}
	ctx := context.Background()
	k := defaultExtract().reads()
	var cases []tuneCase
	for _, set := range sets {
		for _, s := range set.stories {
			st, err := sqlite.Open(ctx, ":memory:")
			if err != nil {
				t.Fatal(err)
			}
			p, err := knowledge.Parse([]byte(s.Text), knowledge.ParseOptions{Name: s.Name + ".txt"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
				t.Fatal(err)
			}
			for _, q := range s.Questions {
				ps, _ := st.Search(ctx, q.Question, k)
				want := readQuestion(readWords(nil, q.Question)).want
				cases = append(cases, tuneCase{set.name, q.Question, want, q.Answers, ps})
			}
			st.Close()
		}
	}

	type tally struct{ n, hits, top1, words int }
	score := func(pr extractParams) map[string]*tally {
		res := make(map[string]*tally)
		for _, c := range cases {
			cites := extract(c.q, c.passages, pr)
			var qs []string
			for _, ct := range cites {
				qs = append(qs, ct.Quote)
			}
			text := strings.Join(qs, " ")
			for _, key := range []string{c.set, c.set + "/" + c.want.String()} {
				r := res[key]
				if r == nil {
					r = &tally{}
					res[key] = r
				}
				r.n++
				r.words += len(strings.Fields(text))
				if containsAnswer(text, c.answers) {
					r.hits++
				}
				if len(cites) > 0 && containsAnswer(cites[0].Quote, c.answers) {
					r.top1++
				}
			}
		}
		return res
	}
	line := func(res map[string]*tally, kinds bool) string {
		var keys []string
		for key := range res {
			if strings.Contains(key, "/") == kinds {
				keys = append(keys, key)
			}
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, key := range keys {
			r := res[key]
			fmt.Fprintf(&b, " | %s %.3f (top-1 %.3f, %.1f words, n %d)", key, ratio(r.hits, r.n), ratio(r.top1, r.n), ratio(r.words, r.n), r.n)
		}
		return b.String()
	}
	base := defaultExtract()
	res := score(base)
	t.Logf("default %+v:%s", base, line(res, false))
	t.Logf("by kind of question:%s", strings.ReplaceAll(line(res, true), " | ", "\n  "))
	for _, v := range tuneVariants(base) {
		t.Logf("%-22s%s", v.name, line(score(v.p), false))
	}
	if *showMisses != "" {
		one := base
		one.sentences, one.sureSentences = 1, 1
		shown := 0
		for _, c := range cases {
			if c.want.String() != *showMisses {
				continue
			}
			cs := extract(c.q, c.passages, one)
			if len(cs) == 0 || containsAnswer(cs[0].Quote, c.answers) {
				continue
			}
			var all []string
			for _, p := range c.passages[:min(base.passages, len(c.passages))] {
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
	for _, x := range []int{3, 5} {
		add(fmt.Sprintf("sentences=%d", x), func(p *extractParams) { p.sentences = x })
	}
	for _, x := range []int{0, 80, 120} {
		add(fmt.Sprintf("words=%d", x), func(p *extractParams) { p.words = x })
	}
	for _, x := range []int{3, 5} {
		add(fmt.Sprintf("typedPassages=%d", x), func(p *extractParams) { p.typedPassages = x })
	}
	add("passages=5", func(p *extractParams) { p.passages = 5 })
	for _, x := range []float64{0, 0.5} {
		add(fmt.Sprintf("rankBonus=%.2f", x), func(p *extractParams) { p.rankBonus = x })
	}
	for _, x := range []float64{0, 0.3} {
		add(fmt.Sprintf("lengthPenalty=%.2f", x), func(p *extractParams) { p.lengthPenalty = x })
	}
	for _, x := range []float64{0.2, 0.5} {
		add(fmt.Sprintf("minShare=%.2f", x), func(p *extractParams) { p.minShare = x })
	}
	add("next=0", func(p *extractParams) { p.next = 0 })
	for _, x := range []float64{0, 0.5, 2} {
		add(fmt.Sprintf("typeBonus=%.2f", x), func(p *extractParams) { p.typeBonus = x })
	}
	for _, x := range []int{4, 16} {
		add(fmt.Sprintf("near=%d", x), func(p *extractParams) { p.near = x })
	}
	for _, x := range []float64{0.25, 1} {
		add(fmt.Sprintf("farShare=%.2f", x), func(p *extractParams) { p.farShare = x })
	}
	for _, x := range []float64{0.25, 0.5} {
		add(fmt.Sprintf("heading=%.2f", x), func(p *extractParams) { p.heading = x })
	}
	add("sureSentences=3", func(p *extractParams) { p.sureSentences = 3 })
	add("sureNext=1", func(p *extractParams) { p.sureNext = 1 })
	return out
}
