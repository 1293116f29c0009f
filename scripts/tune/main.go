// Command tune scores ranking variants on FairytaleQA train or val (never
// test), to choose knowledge.DefaultRanking by measurement.
//
//	go run ./scripts/tune -split val 'Plain=1' 'Background=0' 'Background=50,Proximity=0.3'
//
// Each argument is one variant: comma-separated Field=value changes to
// knowledge.DefaultRanking().
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tune:", err)
		os.Exit(1)
	}
}

func run() error {
	data := flag.String("data", "../shared/datasets/fairytaleqa", "FairytaleQA folder")
	split := flag.String("split", "val", "train or val (comma-separated for both)")
	flag.Parse()
	var stories []fairytaleqa.Story
	for _, sp := range strings.Split(*split, ",") {
		if sp == "test" {
			return fmt.Errorf("tune on train or val only; test is held out")
		}
		s, err := fairytaleqa.Load(filepath.Join(*data, sp))
		if err != nil {
			return err
		}
		stories = append(stories, s...)
	}
	variants := flag.Args()
	if len(variants) == 0 {
		variants = []string{""}
	}
	for _, v := range variants {
		r, err := parseVariant(v)
		if err != nil {
			return err
		}
		start := time.Now()
		res, err := fairytaleqa.Evaluate(context.Background(), stories, fairytaleqa.Options{Ranking: &r})
		if err != nil {
			return err
		}
		ex := res.Filter(func(o fairytaleqa.Outcome) bool { return o.Question.Explicit })
		im := res.Filter(func(o fairytaleqa.Outcome) bool { return !o.Question.Explicit })
		p1, p5, pn, err := phantom(r)
		if err != nil {
			return err
		}
		fmt.Printf("%-50s R@1 %.3f R@5 %.3f MRR@10 %.3f | explicit %.3f %.3f | implicit %.3f %.3f | n=%d | phantom %d/%d/%d | %.1fs\n",
			orDefault(v), res.RecallAt(1), res.RecallAt(5), res.MRR(), ex.RecallAt(1), ex.RecallAt(5), im.RecallAt(1), im.RecallAt(5),
			len(res.Outcomes), p1, p5, pn, time.Since(start).Seconds())
	}
	return nil
}

// phantom counts the questions about the default story in
// knowledge/testdata/phantom-questions.json whose passage is first and in
// the top five.
func phantom(r knowledge.Ranking) (first, top5, n int, err error) {
	b, err := os.ReadFile("knowledge/testdata/phantom-questions.json")
	if err != nil {
		return 0, 0, 0, err
	}
	var qs []struct{ Question, Phrase string }
	if err := json.Unmarshal(b, &qs); err != nil {
		return 0, 0, 0, err
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		return 0, 0, 0, err
	}
	defer st.Close()
	st.Ranking = r
	if err := st.EnsureDefault(ctx); err != nil {
		return 0, 0, 0, err
	}
	for _, q := range qs {
		ps, err := st.Search(ctx, knowledge.Everything, q.Question, 5)
		if err != nil {
			return 0, 0, 0, err
		}
		for i, p := range ps {
			if strings.Contains(p.Text, q.Phrase) {
				if i == 0 {
					first++
				}
				top5++
				break
			}
		}
	}
	return first, top5, len(qs), nil
}

func orDefault(v string) string {
	if v == "" {
		return "(default)"
	}
	return v
}

func parseVariant(v string) (knowledge.Ranking, error) {
	r := knowledge.DefaultRanking()
	if v == "" {
		return r, nil
	}
	for _, kv := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(val, 64)
		if !ok || err != nil {
			return r, fmt.Errorf("variant %q: %q is not Field=number", v, kv)
		}
		switch k {
		case "Plain":
			r.Plain = f != 0
		case "Candidates":
			r.Candidates = int(f)
		case "K1":
			r.K1 = f
		case "B":
			r.B = f
		case "Background":
			r.Background = f
		case "Proximity":
			r.Proximity = f
		case "Window":
			r.Window = int(f)
		case "Bigram":
			r.Bigram = f
		case "Neighbour":
			r.Neighbour = f
		case "Subject":
			r.Subject = f
		case "GenericVerb":
			r.GenericVerb = f
		case "Lemmas":
			r.Lemmas = f != 0
		case "Related":
			r.Related = f
		default:
			return r, fmt.Errorf("variant %q: no field %q", v, k)
		}
	}
	return r, nil
}
