package answer_test

import (
	"bytes"
	"flag"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
)

// claimSet is one named claim-support set.
type claimSet struct {
	name   string
	claims []eval.Claim
}

// fairytaleClaims builds the claim-support sets of the FairytaleQA split
// folders dirs.
func fairytaleClaims(t *testing.T, dirs []string) []claimSet {
	var sets []claimSet
	for _, dir := range dirs {
		stories, err := fairytaleqa.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, claimSet{"fairytaleqa-" + filepath.Base(dir), eval.FairytaleQAClaims(stories)})
	}
	return sets
}

// logClaims scores each set with check and logs the report.
func logClaims(t *testing.T, name string, sets []claimSet, check func(eval.Claim) bool) {
	t.Helper()
	for _, s := range sets {
		var b bytes.Buffer
		eval.ScoreClaims(s.claims, check).Print(&b)
		t.Logf("%s, %s:\n%s", name, s.name, b.String())
	}
}

// TestEvalClaims scores the support check on the claim-support set (see
// internal/eval) of the FairytaleQA splits -fairytaleqa names and of the
// two halves of the COVID-QA file -covidqa names:
//
//	go test ./answer -run TestEvalClaims -v -fairytaleqa=../../shared/datasets/fairytaleqa/test -covidqa=../../shared/datasets/covidqa/200423_covidQA.json
func TestEvalClaims(t *testing.T) {
	if *fairytaleQA == "" && *covidQA == "" {
		t.Skip("set -fairytaleqa=GLOB and/or -covidqa=FILE to score the support check")
	}
	var sets []claimSet
	if *fairytaleQA != "" {
		dirs, _ := filepath.Glob(*fairytaleQA)
		if len(dirs) == 0 {
			t.Fatalf("-fairytaleqa=%s names no folder (the path is relative to answer/)", *fairytaleQA)
		}
		sets = fairytaleClaims(t, dirs)
	}
	if *covidQA != "" {
		tuneHalf, reportHalf, err := eval.LoadCOVIDQA(*covidQA)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, claimSet{"covidqa-report (odd papers)", eval.COVIDQAClaims(reportHalf)},
			claimSet{"covidqa-tune (even papers)", eval.COVIDQAClaims(tuneHalf)})
	}
	logClaims(t, "support check", sets, func(c eval.Claim) bool { return answer.CheckClaim(c.Question, c.Text, c.Quotes, c.Source) == "" })
}

// TestTuneClaims sweeps the support check's setting around the default on
// the claim-support sets of FairytaleQA train and val (-tune) and the
// even-numbered COVID-QA papers (-tune-covidqa); -misses=KIND logs up to
// 20 claims of that kind the default gets wrong.
//
//	go test ./answer -run TestTuneClaims -v -tune=../../shared/datasets/fairytaleqa/train,../../shared/datasets/fairytaleqa/val -tune-covidqa=../../shared/datasets/covidqa/200423_covidQA.json
func TestTuneClaims(t *testing.T) {
	if *tune == "" && *tuneCOVID == "" {
		t.Skip("set -tune=DIR[,DIR] and/or -tune-covidqa=FILE to sweep the support check")
	}
	var dirs []string
	for _, d := range strings.Split(*tune, ",") {
		if d == "" {
			continue
		}
		if filepath.Base(d) == "test" {
			t.Fatalf("-tune=%s: the test split is for reporting, never tuning", d)
		}
		dirs = append(dirs, d)
	}
	sets := fairytaleClaims(t, dirs)
	if *tuneCOVID != "" {
		tuneHalf, _, err := eval.LoadCOVIDQA(*tuneCOVID)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, claimSet{"covidqa-tune", eval.COVIDQAClaims(tuneHalf)})
	}
	base := answer.DefaultSupportTuning()
	for _, tn := range append([]answer.SupportTuning{base}, base.Variants()...) {
		var line strings.Builder
		for _, s := range sets {
			r := eval.ScoreClaims(s.claims, func(c eval.Claim) bool { return tn.Check(c.Question, c.Text, c.Quotes, c.Source) == "" })
			line.WriteString(" | " + s.name + " kept " + f3(r.FaithfulKept()) + " (reworded " + f3(r.ParaphrasedKept()) + ") rejected " + f3(r.AlteredRejected()))
		}
		t.Logf("%-16s%s", tn.Name, line.String())
		if tn.Name == *variantName {
			logClaims(t, tn.Name, sets, func(c eval.Claim) bool { return tn.Check(c.Question, c.Text, c.Quotes, c.Source) == "" })
		}
	}
	if *showMisses != "" {
		shown := 0
		for _, s := range sets {
			for _, c := range s.claims {
				if c.Kind != *showMisses {
					continue
				}
				why := base.Check(c.Question, c.Text, c.Quotes, c.Source)
				if (why == "") == c.Supported {
					continue
				}
				t.Logf("%s: %q\n  quotes %q\n  why %q", s.name, c.Text, c.Quotes, why)
				if shown++; shown == 20 {
					return
				}
			}
		}
	}
}

func f3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

var variantName = flag.String("variant", "", "with -tune, the support-check variant whose report by kind TestTuneClaims logs")
