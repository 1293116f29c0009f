package answer_test

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

// TestEvalAbstention asks each story of the FairytaleQA splits
// -fairytaleqa names, and each paper of the two halves of COVID-QA
// (-covidqa), its own questions and another's, with no model, and logs how
// often each is answered not_found:
//
//	go test ./answer -run TestEvalAbstention -v -fairytaleqa=../../shared/datasets/fairytaleqa/test -covidqa=../../shared/datasets/covidqa/200423_covidQA.json
func TestEvalAbstention(t *testing.T) {
	if *fairytaleQA == "" && *covidQA == "" {
		t.Skip("set -fairytaleqa=GLOB and/or -covidqa=FILE to score abstention")
	}
	for _, s := range abstainSets(t, *fairytaleQA, *covidQA, true) {
		rep, err := eval.Abstention(context.Background(), s.stories, 5)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		rep.Print(&b)
		t.Logf("%s (%d stories):\n%s", s.name, len(s.stories), b.String())
	}
}

// abstainSets reads the FairytaleQA split folders glob names (all their
// questions) and the halves of the COVID-QA file (the odd-numbered papers
// too when report is set).
func abstainSets(t *testing.T, glob, covid string, report bool) []tuneSet {
	var sets []tuneSet
	if glob != "" {
		var dirs []string
		for _, g := range strings.Split(glob, ",") {
			d, _ := filepath.Glob(g)
			dirs = append(dirs, d...)
		}
		if len(dirs) == 0 {
			t.Fatalf("%s names no folder (the path is relative to answer/)", glob)
		}
		for _, dir := range dirs {
			if !report && filepath.Base(dir) == "test" {
				t.Fatalf("%s: the test split is for reporting, never tuning", dir)
			}
			stories, err := fairytaleqa.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, tuneSet{"fairytaleqa-" + filepath.Base(dir), eval.FairytaleQAAll(stories)})
		}
	}
	if covid != "" {
		tuneHalf, reportHalf, err := eval.LoadCOVIDQA(covid)
		if err != nil {
			t.Fatal(err)
		}
		if report {
			sets = append(sets, tuneSet{"covidqa-report (odd papers)", reportHalf})
		}
		sets = append(sets, tuneSet{"covidqa-tune (even papers)", tuneHalf})
	}
	return sets
}

var grid = flag.Bool("grid", false, "with -tune, TestTuneAbstention sweeps a grid of settings instead of one change at a time")

// askedCase is one question of an abstention set with its passages.
type askedCase struct {
	off      bool
	question string
	passages []knowledge.Passage
}

// TestTuneAbstention sweeps the abstention's setting around the default
// on FairytaleQA train and val (-tune) and the even-numbered COVID-QA
// papers (-tune-covidqa); -misses=answerable or -misses=off-topic logs
// up to 20 questions the default gets wrong.
//
//	go test ./answer -run TestTuneAbstention -v -tune=../../shared/datasets/fairytaleqa/train,../../shared/datasets/fairytaleqa/val -tune-covidqa=../../shared/datasets/covidqa/200423_covidQA.json
func TestTuneAbstention(t *testing.T) {
	if *tune == "" && *tuneCOVID == "" {
		t.Skip("set -tune=DIR[,DIR] and/or -tune-covidqa=FILE to sweep the abstention")
	}
	base := answer.DefaultAbstainTuning()
	reads := answer.DefaultTuning().Reads()
	cases := make(map[string][]askedCase)
	var names []string
	for _, s := range abstainSets(t, *tune, *tuneCOVID, false) {
		names = append(names, s.name)
		err := eval.EachAsked(context.Background(), s.stories, reads, func(q, set, kind string, ps []knowledge.Passage) {
			if set != eval.SetUnanswerable {
				cases[s.name] = append(cases[s.name], askedCase{set == eval.SetOffTopic, q, ps})
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tunings := append([]answer.AbstainTuning{base}, base.Variants()...)
	if *grid {
		tunings = base.Grid()
	}
	for _, tn := range tunings {
		var line strings.Builder
		for _, name := range names {
			var own, refused, off, nf int
			for _, c := range cases[name] {
				no := len(c.passages) == 0 || tn.Unanswered(c.question, c.passages) != ""
				if c.off {
					off++
					if no {
						nf++
					}
				} else {
					own++
					if no {
						refused++
					}
				}
			}
			line.WriteString(" | " + name + " off-topic not_found " + f3(ratio(nf, off)) + " answerable refused " + f3(ratio(refused, own)))
		}
		t.Logf("%-14s%s", tn.Name, line.String())
	}
	if *showMisses == "answerable" || *showMisses == "off-topic" {
		shown := 0
		for _, name := range names {
			for _, c := range cases[name] {
				why := ""
				if len(c.passages) > 0 {
					why = base.Unanswered(c.question, c.passages)
				}
				if c.off != (*showMisses == "off-topic") || (why != "" || len(c.passages) == 0) == c.off {
					continue
				}
				t.Logf("%s: %q: %q", name, c.question, why)
				if shown++; shown == 20 {
					return
				}
			}
		}
	}
}
