package answer_test

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

var fairytaleQA = flag.String("fairytaleqa", "", "glob of FairytaleQA split folders to score the extractive answerer on (e.g. /work/shared/datasets/fairytaleqa/val)")

// indexInMemory indexes a story alone in an in-memory store, as
// `storybot ingest` would.
func indexInMemory(ctx context.Context, s answer.EvalStory) (answer.Store, func(), error) {
	p, err := knowledge.Parse([]byte(s.Text), knowledge.ParseOptions{Name: s.Name + ".txt"})
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.OpenMemory(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

// TestEvalExtractive scores the extractive answerer on FairytaleQA's
// explicit questions when -fairytaleqa names split folders:
//
//	go test ./answer -run TestEvalExtractive -v -fairytaleqa='/work/shared/datasets/fairytaleqa/*'
func TestEvalExtractive(t *testing.T) {
	if *fairytaleQA == "" {
		t.Skip("set -fairytaleqa=GLOB to score the extractive answerer")
	}
	dirs, _ := filepath.Glob(*fairytaleQA)
	for _, dir := range dirs {
		stories, err := fairytaleqa.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		var set []answer.EvalStory
		for _, s := range stories {
			es := answer.EvalStory{Name: s.Name, Text: s.Text()}
			for _, q := range s.Questions {
				if q.Explicit {
					es.Questions = append(es.Questions, answer.EvalQuestion{Question: q.Text, Answers: q.Answers})
				}
			}
			set = append(set, es)
		}
		rep, err := answer.EvalExtractive(context.Background(), set, indexInMemory, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s", filepath.Base(dir), rep)
	}
}

var covidQA = flag.String("covidqa", "", "COVID-QA file (SQuAD format) to score the extractive answerer on, each question against its own paper (e.g. /work/shared/datasets/covidqa/200423_covidQA.json)")

// TestEvalExtractiveCOVIDQA scores the extractive answerer on COVID-QA when
// -covidqa names the file: the odd-numbered papers, never tuned on, and
// the even-numbered ones the tuning used, each question against its own
// paper:
//
//	go test ./answer -run TestEvalExtractiveCOVIDQA -v -covidqa=/work/shared/datasets/covidqa/200423_covidQA.json
func TestEvalExtractiveCOVIDQA(t *testing.T) {
	if *covidQA == "" {
		t.Skip("set -covidqa=FILE to score the extractive answerer on COVID-QA")
	}
	tune, report, err := answer.LoadCOVIDQA(*covidQA)
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct {
		name    string
		stories []answer.EvalStory
	}{{"report (odd papers)", report}, {"tune (even papers)", tune}} {
		rep, err := answer.EvalExtractive(context.Background(), set.stories, indexInMemory, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s", set.name, rep)
	}
}
