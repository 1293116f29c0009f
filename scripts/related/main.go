// Command related scores the weight of related words in retrieval
// (knowledge.Ranking's Related) on FairytaleQA train or val, over all
// questions and over those it can change: the questions with a word that
// has related words and that their story lacks.
//
//	go run ./scripts/related -split train,val 0.1 0.2 0.3 0.5
//
// Each argument is a weight, scored against Related=0 in the same run;
// -show N lists the first N questions whose rank moved. -split test is
// refused unless -report is given: the test split is scored once, at the
// end, never tuned on.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "related:", err)
		os.Exit(1)
	}
}

func run() error {
	data := flag.String("data", "../shared/datasets/fairytaleqa", "FairytaleQA folder")
	split := flag.String("split", "val", "train or val (comma-separated for both)")
	report := flag.Bool("report", false, "allow -split test, for the one report at the end")
	show := flag.Int("show", 0, "list this many questions whose rank moved, for each weight")
	flag.Parse()
	ctx := context.Background()
	var stories []fairytaleqa.Story
	for _, sp := range strings.Split(*split, ",") {
		if sp == "test" && !*report {
			return fmt.Errorf("tune on train or val only; test is held out (-report scores it once)")
		}
		s, err := fairytaleqa.Load(filepath.Join(*data, sp))
		if err != nil {
			return err
		}
		stories = append(stories, s...)
	}
	lacking, err := lackingWords(ctx, stories)
	if err != nil {
		return err
	}
	changeable := func(o fairytaleqa.Outcome) bool { return lacking[key(o)] != "" }
	score := func(w float64) (fairytaleqa.Result, error) {
		r := knowledge.DefaultRanking()
		r.Related = w
		return fairytaleqa.Evaluate(ctx, stories, fairytaleqa.Options{Ranking: &r})
	}
	base, err := score(0)
	if err != nil {
		return err
	}
	fmt.Printf("FairytaleQA %s: %d questions, %d with a word their story lacks that has related words\n",
		*split, len(base.Outcomes), len(base.Filter(changeable).Outcomes))
	line := func(name string, res fairytaleqa.Result) {
		c := res.Filter(changeable)
		fmt.Printf("%-14s all R@1 %.4f R@5 %.4f MRR %.4f | those R@1 %.3f R@5 %.3f MRR %.3f\n",
			name, res.RecallAt(1), res.RecallAt(5), res.MRR(), c.RecallAt(1), c.RecallAt(5), c.MRR())
	}
	line("Related=0", base)
	for _, arg := range flag.Args() {
		w, err := strconv.ParseFloat(arg, 64)
		if err != nil {
			return fmt.Errorf("%q is not a weight", arg)
		}
		res, err := score(w)
		if err != nil {
			return err
		}
		line("Related="+arg, res)
		shown := 0
		for i, o := range res.Outcomes {
			if was := base.Outcomes[i].Rank; o.Rank != was && shown < *show {
				shown++
				fmt.Printf("  rank %d → %d  %q  (lacks %s)\n", was, o.Rank, o.Question.Text, lacking[key(o)])
			}
		}
	}
	return nil
}

func key(o fairytaleqa.Outcome) string { return o.Story + "/" + o.Question.ID }

// lackingWords maps each question (story/id) to the words of it, with
// related words, that its story lacks, comma-separated ("" for none).
func lackingWords(ctx context.Context, stories []fairytaleqa.Story) (map[string]string, error) {
	out := make(map[string]string)
	for _, s := range stories {
		parsed, err := knowledge.Parse([]byte(s.Text()), knowledge.ParseOptions{Name: s.Name + ".txt"})
		if err != nil {
			return nil, fmt.Errorf("story %s: %w", s.Name, err)
		}
		st, err := sqlite.OpenMemory(ctx, parsed)
		if err != nil {
			return nil, fmt.Errorf("story %s: %w", s.Name, err)
		}
		for _, q := range s.Questions {
			l, err := st.Lacking(ctx, knowledge.Everything, knowledge.Expandable(q.Text))
			if err != nil {
				st.Close()
				return nil, fmt.Errorf("story %s: %w", s.Name, err)
			}
			out[s.Name+"/"+q.ID] = strings.Join(l, ",")
		}
		st.Close()
	}
	return out, nil
}
