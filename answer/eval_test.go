package answer_test

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
)

var fairytaleQA = flag.String("fairytaleqa", "", "glob of FairytaleQA split folders to score the extractive answerer on (e.g. ../../shared/datasets/fairytaleqa/val)")

// TestEvalExtractive scores the extractive answerer on FairytaleQA's
// explicit questions when -fairytaleqa names split folders:
//
//	go test ./answer -run TestEvalExtractive -v -fairytaleqa='../../shared/datasets/fairytaleqa/*'
func TestEvalExtractive(t *testing.T) {
	if *fairytaleQA == "" {
		t.Skip("set -fairytaleqa=GLOB to score the extractive answerer")
	}
	dirs, _ := filepath.Glob(*fairytaleQA)
	if len(dirs) == 0 {
		t.Fatalf("-fairytaleqa=%s names no folder (the path is relative to answer/)", *fairytaleQA)
	}
	for _, dir := range dirs {
		stories, err := fairytaleqa.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		logReport(t, filepath.Base(dir), eval.FairytaleQA(stories))
	}
}

var covidQA = flag.String("covidqa", "", "COVID-QA file (SQuAD format) to score the extractive answerer on, each question against its own paper (e.g. ../../shared/datasets/covidqa/200423_covidQA.json)")

// TestEvalExtractiveCOVIDQA scores the extractive answerer on COVID-QA when
// -covidqa names the file: the odd-numbered papers, never tuned on, and
// the even-numbered ones the tuning used, each question against its own
// paper:
//
//	go test ./answer -run TestEvalExtractiveCOVIDQA -v -covidqa=../../shared/datasets/covidqa/200423_covidQA.json
func TestEvalExtractiveCOVIDQA(t *testing.T) {
	if *covidQA == "" {
		t.Skip("set -covidqa=FILE to score the extractive answerer on COVID-QA")
	}
	tuneHalf, reportHalf, err := eval.LoadCOVIDQA(*covidQA)
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, "report (odd papers)", reportHalf)
	logReport(t, "tune (even papers)", tuneHalf)
}

// logReport scores the stories, 5 passages retrieved, and logs the report.
func logReport(t *testing.T, name string, stories []eval.Story) {
	t.Helper()
	rep, err := eval.Extractive(context.Background(), stories, 5)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.Print(&b)
	t.Logf("%s: %d stories, %d questions\n%s", name, rep.Stories, rep.Questions, b.String())
}
