package answer_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
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

var (
	grid        = flag.Bool("grid", false, "with -tune, TestTuneAbstention sweeps a grid of settings instead of one change at a time")
	gridRelated = flag.Bool("grid-related", false, "with -tune, TestTuneAbstention sweeps the share of related words against the threshold")
)

// askedCase is one question of an abstention set with its passages.
type askedCase struct {
	set      string // eval.SetAnswerable, SetOffTopic or SetUnanswerable
	kind     string // how an unanswerable one was made
	question string
	passages []knowledge.Passage
	lacking  []string // its words the story lacks, that have related words
	score    float64  // the default's score, -1 when it refuses outright
}

// TestTuneAbstention sweeps the abstention's setting around the default
// on FairytaleQA train and val (-tune) and the even-numbered COVID-QA
// papers (-tune-covidqa), then the default's threshold from 0.20 to
// 0.40: the one chosen is the highest that refuses at most 1.5% of each
// set's answerable questions; then the score below which the answer is
// shown as the closest passages (see unsureLine). -misses=answerable, off-topic or
// unanswerable logs up to 20 questions the default gets wrong.
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
		err := eval.EachAsked(context.Background(), s.stories, reads, func(q, set, kind string, ps []knowledge.Passage, lacking []string) {
			score, why := base.Score(q, ps, lacking)
			if why != "" {
				score = -1
			}
			cases[s.name] = append(cases[s.name], askedCase{set, kind, q, ps, lacking, score})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tunings := append([]answer.AbstainTuning{base}, base.Variants()...)
	switch {
	case *grid:
		tunings = base.Grid()
	case *gridRelated:
		tunings = base.RelatedGrid()
	}
	for _, tn := range tunings {
		t.Logf("%-14s%s", tn.Name, abstainLine(names, cases, func(c askedCase) bool { return tn.Unanswered(c.question, c.passages, c.lacking) != "" }))
	}
	for th := 0.20; th < 0.405; th += 0.01 {
		t.Logf("threshold %.2f%s", th, abstainLine(names, cases, func(c askedCase) bool { return c.score < th }))
	}
	for u := base.Threshold() + 0.03; u < 0.505; u += 0.01 {
		t.Logf("unsure %.2f%s", u, unsureLine(names, cases, base.Threshold(), u))
	}
	if *showMisses != "" {
		logAbstainMisses(t, names, cases, base, *showMisses)
	}
}

// abstainLine is each set's share of off-topic and unanswerable questions
// answered not_found (no reports whether one is) and of answerable ones
// refused; a question with no passages is not_found.
func abstainLine(names []string, cases map[string][]askedCase, no func(askedCase) bool) string {
	var line strings.Builder
	for _, name := range names {
		n := make(map[string]int)
		nf := make(map[string]int)
		for _, c := range cases[name] {
			key := c.set
			if c.kind == eval.KindNegated {
				key = "negated"
			}
			n[key]++
			if len(c.passages) == 0 || no(c) {
				nf[key]++
			}
		}
		fmt.Fprintf(&line, " | %s off-topic not_found %s answerable refused %s unanswerable not_found %s (negated %s)", name,
			f3(ratio(nf[eval.SetOffTopic], n[eval.SetOffTopic])), f3(ratio(nf[eval.SetAnswerable], n[eval.SetAnswerable])),
			f3(ratio(nf[eval.SetUnanswerable], n[eval.SetUnanswerable])), f3(ratio(nf["negated"], n["negated"])))
	}
	return line.String()
}

// unsureLine is, for answers shown as the closest passages below the
// score unsure (and refused below th), each set's share of answerable
// questions so shown, of off-topic ones refused or so shown, and of
// off-topic questions among those scoring within 0.03 below unsure, with
// that share's mean over the sets: the default's unsure is the highest
// where the mean is at least one in three.
func unsureLine(names []string, cases map[string][]askedCase, th, unsure float64) string {
	var line strings.Builder
	mean := 0.0
	for _, name := range names {
		var ans, closest, off, caught, band, bandOff int
		for _, c := range cases[name] {
			refused := len(c.passages) == 0 || c.score < th
			shown := !refused && c.score < unsure
			if !refused && c.score >= unsure-0.03 && c.score < unsure && c.set != eval.SetUnanswerable {
				band++
				if c.set == eval.SetOffTopic {
					bandOff++
				}
			}
			switch c.set {
			case eval.SetAnswerable:
				ans++
				if shown {
					closest++
				}
			case eval.SetOffTopic:
				off++
				if refused || shown {
					caught++
				}
			}
		}
		share := ratio(bandOff, band)
		mean += share / float64(len(names))
		fmt.Fprintf(&line, " | %s answerable shown closest %s off-topic not_found or closest %s off-topic share below %s", name,
			f3(ratio(closest, ans)), f3(ratio(caught, off)), f3(share))
	}
	fmt.Fprintf(&line, " | mean share %s", f3(mean))
	return line.String()
}

// logAbstainMisses logs up to 20 questions of a set (answerable,
// off-topic or unanswerable) that tn gets wrong.
func logAbstainMisses(t *testing.T, names []string, cases map[string][]askedCase, tn answer.AbstainTuning, set string) {
	shown := 0
	for _, name := range names {
		for _, c := range cases[name] {
			if c.set != set || c.kind == eval.KindNegated {
				continue
			}
			why := "no passage"
			if len(c.passages) > 0 {
				why = tn.Unanswered(c.question, c.passages, c.lacking)
			}
			if (why != "") == (set != eval.SetAnswerable) {
				continue
			}
			t.Logf("%s: %s %q: %q", name, c.kind, c.question, why)
			if shown++; shown == 20 {
				return
			}
		}
	}
}

// openStory opens a real store in a temporary folder holding one story.
func openStory(t *testing.T, name, text string) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "storybot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := knowledge.Parse([]byte(text), knowledge.ParseOptions{Name: name + ".txt"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

// nils is a short tale with names of two words and a hyphen.
const nils = "Green Nils lived by the lake with his sister Golden-Tree.\n\n" +
	"Every winter Green Nils cut ice on the lake for the old king, who paid him in bread.\n\n" +
	"One day the king asked Green Nils to bring him the silver fish that swam under the ice. " +
	"Golden-Tree made him a net of her own hair, and with it he caught the fish while the prince watched."

// TestExtractiveAbstains asks questions with no model and checks which
// the story answers: the extractive answer when it may, not_found when
// the passages lack a date, a number or a name of the question, or hold
// its words only apart, and the closest passages, labelled as such, when
// they hold some of its words together but not enough to be sure.
func TestExtractiveAbstains(t *testing.T) {
	const answered, closest, refused = "answered", "closest", "refused"
	tests := []struct {
		name, story, question string
		want                  string
		read                  string // how a misspelt question was read, ending the notice
	}{
		{"asked and answered", "", "How much cash did Ramos agree to forfeit?", answered, ""},
		{"a name misspelt by a letter", "", "What deal did the FBI offer Ramso?", answered, ""},
		{"a word misspelt by two letters swapped", "", "How much cash did Ramos agree to forfiet?", answered, "Read “forfiet” as “forfeit”."},
		{"a year the story lacks", "", "What did Ramos plead guilty to in 2016?", refused, ""},
		{"a sum the story lacks", "", "Did Ramos agree to forfeit $250 million?", refused, ""},
		{"a name the story lacks", "", "What deal did the FBI offer Gonzalez?", refused, ""},
		{"words of the story far apart", "", "Which microphones did the prosecution forfeit?", refused, ""},
		{"words the story lacks", "", "Which vaccine candidates did the cartel test?", refused, ""},
		{"a word of the story, the other not", "", "Who wrote the report?", closest, ""},
		{"a name of two words", nils, "What did the king ask Green Nils to bring?", answered, ""},
		{"a name joined by a hyphen", nils, "What did Golden-Tree make for her brother?", answered, ""},
		{"a title with a name the story lacks", nils, "What did the king ask Prince Rua to bring?", refused, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st answer.Store
			if tt.story == "" {
				st = openDefault(t)
			} else {
				st = openStory(t, "nils", tt.story)
			}
			got, err := answer.New(answer.Options{Store: st}).Ask(context.Background(), answer.Query{Question: tt.question})
			if err != nil {
				t.Fatal(err)
			}
			mode, label, notice := answer.ModeExtractive, answer.ExtractiveLabel, answer.NoticeNoModel
			switch tt.want {
			case refused:
				mode, label, notice = answer.ModeNotFound, "", "No model is configured; the passages of the story that best match your question do not answer it."
			case closest:
				label, notice = answer.ClosestLabel, "No model is configured; these are the story's own sentences closest to your question, and they may not answer it."
			}
			if tt.read != "" {
				notice += " " + tt.read
			}
			if got.Mode != mode || got.Label() != label || got.Notice != notice {
				t.Errorf("%q: mode %s, label %q, notice %q; want %s, %q, %q", tt.question, got.Mode, got.Label(), got.Notice, mode, label, notice)
			}
			if label != "" && !strings.HasPrefix(got.Answer, label+" “") {
				t.Errorf("%q: answer %q, want it to open with %q and a quote", tt.question, got.Answer, label)
			}
		})
	}
}
