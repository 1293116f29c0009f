package answer_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

var (
	tune       = flag.String("tune", "", "comma-separated FairytaleQA split folders to sweep the extractive tuning on (train and val only, never test)")
	tuneCOVID  = flag.String("tune-covidqa", "", "COVID-QA file whose even-numbered papers join the -tune sweep")
	showMisses = flag.String("misses", "", "with -tune, show up to 25 questions of this answer type (time, duration, number, person, place, reason, manner, any) whose best sentence misses a gold answer found in the passages")
)

// tuneSet is one named set of stories swept.
type tuneSet struct {
	name    string
	stories []eval.Story
}

// tuneCase is one question with the passages retrieved for it.
type tuneCase struct {
	set      string
	q        string
	want     string // the kind of answer asked for
	answers  []string
	passages []knowledge.Passage
	lacking  []string // its words the story lacks that have related words
}

// TestTuneExtractive sweeps the extractive answerer's tuning around the
// default over retrieved passages cached once per question, and reports
// each set and each kind of question apart:
//
//	go test ./answer -run TestTuneExtractive -v -tune=../../shared/datasets/fairytaleqa/train,../../shared/datasets/fairytaleqa/val -tune-covidqa=../../shared/datasets/covidqa/200423_covidQA.json
func TestTuneExtractive(t *testing.T) {
	if *tune == "" && *tuneCOVID == "" {
		t.Skip("set -tune=DIR[,DIR] and/or -tune-covidqa=FILE to sweep the extractive tuning")
	}
	base := answer.DefaultTuning()
	cases := tuneCases(t, tuneSets(t), base.Reads())
	res := tally(cases, base)
	t.Logf("default %v:%s", base, res.line(false))
	t.Logf("by kind of question:%s", strings.ReplaceAll(res.line(true), " | ", "\n  "))
	for _, v := range base.Variants() {
		t.Logf("%-22s%s", v.Name, tally(cases, v).line(false))
	}
	if *showMisses != "" {
		logMisses(t, cases, base, *showMisses)
	}
}

// tuneSets reads the sets the flags name.
func tuneSets(t *testing.T) []tuneSet {
	var sets []tuneSet
	for _, dir := range strings.Split(*tune, ",") {
		if dir == "" {
			continue
		}
		stories, err := fairytaleqa.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, tuneSet{"fairytaleqa-" + filepath.Base(dir), eval.FairytaleQA(stories)})
	}
	if *tuneCOVID != "" {
		tuneHalf, _, err := eval.LoadCOVIDQA(*tuneCOVID)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, tuneSet{"covidqa-tune", tuneHalf})
	}
	return sets
}

// tuneCases retrieves the top k passages for every question of the sets,
// each story indexed on its own.
func tuneCases(t *testing.T, sets []tuneSet, k int) []tuneCase {
	ctx := context.Background()
	var cases []tuneCase
	for _, set := range sets {
		for _, s := range set.stories {
			st, err := eval.Index(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range s.Questions {
				ps, _ := st.Search(ctx, knowledge.Everything, q.Text, k)
				lacking, err := st.Lacking(ctx, knowledge.Everything, knowledge.Expandable(q.Text))
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, tuneCase{set.name, q.Text, answer.AnswerType(q.Text), q.Answers, ps, lacking})
			}
			st.Close()
		}
	}
	return cases
}

// counts are the figures of one set, or of one kind of question in it.
type counts struct{ n, hits, top1, words int }

// tallies are counts by set ("covidqa-tune") and by set and kind
// ("covidqa-tune/number").
type tallies map[string]*counts

// tally answers every case with a tuning.
func tally(cases []tuneCase, tn answer.Tuning) tallies {
	res := make(tallies)
	for _, c := range cases {
		cites := tn.Extract(c.q, c.passages, c.lacking)
		var qs []string
		for _, ct := range cites {
			qs = append(qs, ct.Quote)
		}
		text := strings.Join(qs, " ")
		for _, key := range []string{c.set, c.set + "/" + c.want} {
			r := res[key]
			if r == nil {
				r = &counts{}
				res[key] = r
			}
			r.n++
			r.words += len(strings.Fields(text))
			if eval.ContainsAnswer(text, c.answers) {
				r.hits++
			}
			if len(cites) > 0 && eval.ContainsAnswer(cites[0].Quote, c.answers) {
				r.top1++
			}
		}
	}
	return res
}

// line is the figures of each set, or with kinds of each kind of question
// in each set, in key order.
func (res tallies) line(kinds bool) string {
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

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// logMisses shows up to 25 questions of one kind whose best sentence
// misses a gold answer that the passages the tuning quotes from hold.
func logMisses(t *testing.T, cases []tuneCase, tn answer.Tuning, kind string) {
	one := tn.BestOnly()
	shown := 0
	for _, c := range cases {
		if c.want != kind {
			continue
		}
		cs := one.Extract(c.q, c.passages, c.lacking)
		if len(cs) == 0 || eval.ContainsAnswer(cs[0].Quote, c.answers) {
			continue
		}
		var all []string
		for _, p := range c.passages[:min(tn.Passages(), len(c.passages))] {
			all = append(all, p.Text)
		}
		if !eval.ContainsAnswer(strings.Join(all, " "), c.answers) {
			continue
		}
		t.Logf("Q: %s\n  gold: %q\n  got: %s", c.q, c.answers, cs[0].Quote)
		if shown++; shown == 25 {
			break
		}
	}
}
