package eval_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/eval"
	"github.com/storybot/storybot/internal/fairytaleqa"
)

func TestContainsAnswer(t *testing.T) {
	tests := []struct {
		name, text, answer string
		want               bool
	}{
		{"case and punctuation", "The Fox ran home!", "fox ran home", true},
		{"articles dropped", "she saw fox", "a fox", true},
		{"whole words only", "the foxes ran", "fox", false},
		{"curly and straight apostrophes", "He wasn’t there.", "wasn't there", true},
		{"a ligature folded", "the ﬁre burned", "fire", true},
		{"a soft hyphen is invisible", "they co\u00adoperate", "cooperate", true},
		{"an answer of articles alone never matches", "the end", "the", false},
		{"absent", "the fox ran", "the wolf", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eval.ContainsAnswer(tt.text, []string{tt.answer}); got != tt.want {
				t.Errorf("ContainsAnswer(%q, %q) = %v, want %v", tt.text, tt.answer, got, tt.want)
			}
		})
	}
}

func TestFairytaleQAKeepsExplicitQuestions(t *testing.T) {
	got := eval.FairytaleQA([]fairytaleqa.Story{{
		Name:     "the-fox",
		Sections: []string{"A fox lived in a hole.", "A heron helped him."},
		Questions: []fairytaleqa.Question{
			{Text: "Where did the fox live?", Explicit: true, Answers: []string{"in a hole"}},
			{Text: "How did the fox feel?", Explicit: false, Answers: []string{"happy"}},
		},
	}})
	want := []eval.Story{{
		Name:      "the-fox",
		Text:      "A fox lived in a hole.\n\nA heron helped him.",
		Questions: []eval.Question{{Text: "Where did the fox live?", Answers: []string{"in a hole"}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FairytaleQA = %+v, want %+v", got, want)
	}
}

func TestExtractive(t *testing.T) {
	stories := []eval.Story{{
		Name: "the-fox",
		Text: "Once upon a time a fox lived in a hole under an old oak tree at the edge of the wood. " +
			"Every morning the fox went down to the river to drink.\n\n" +
			"One winter the river froze, and the fox had to lick the ice for water. A kind heron showed him a spring that never froze.",
		Questions: []eval.Question{
			{Text: "Where did the fox live?", Answers: []string{"in a hole under an old oak tree"}},
			{Text: "Who showed the fox a spring?", Answers: []string{"a kind heron"}},
			{Text: "What colour was the fox's tail?", Answers: []string{"red"}},
			{Text: "?", Answers: []string{"anything"}}, // no words: a miss, not an error
		},
	}}
	rep, err := eval.Extractive(context.Background(), stories, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stories != 1 || rep.Questions != 4 || rep.Hits != 2 || rep.InPassages != 2 {
		t.Errorf("report = %+v, want 1 story, 4 questions, 2 hits, 2 in the passages", rep)
	}
	var b bytes.Buffer
	rep.Print(&b)
	if want := "gold answer in the answer's quotes     0.500 (2 of 4)\n"; !strings.HasPrefix(b.String(), want) {
		t.Errorf("report prints\n%s\nwant it to begin %q", b.String(), want)
	}
}

func TestLoadCOVIDQA(t *testing.T) {
	tune, report, err := eval.LoadCOVIDQA("testdata/covidqa-mini.json")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ss []eval.Story) (out []string) {
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	if got := names(tune); !slices.Equal(got, []string{"paper-0-0", "paper-2-0"}) {
		t.Errorf("tuning half = %q, want the even papers", got)
	}
	if got := names(report); !slices.Equal(got, []string{"paper-1-0"}) {
		t.Errorf("reporting half = %q, want the odd paper", got)
	}
	if q := report[0].Questions; len(q) != 1 || q[0].Text != "What reduces spread?" || !slices.Equal(q[0].Answers, []string{"masks", "masks reduce spread"}) {
		t.Errorf("paper 1 questions = %+v", q)
	}
}

func TestLoadCOVIDQABadFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(empty, []byte(`{"data": []}`), 0o644)
	os.WriteFile(broken, []byte(`{"data": [`), 0o644)
	for _, path := range []string{empty, broken, filepath.Join(dir, "missing.json")} {
		if _, _, err := eval.LoadCOVIDQA(path); err == nil {
			t.Errorf("LoadCOVIDQA(%s) = nil error, want one", filepath.Base(path))
		}
	}
}
