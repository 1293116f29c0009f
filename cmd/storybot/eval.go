package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/storybot/storybot/internal/doc2dial"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

// defaultEvalData is where the FairytaleQA data set lies, relative to the
// working folder (the project's checkout, beside shared/).
const defaultEvalData = "../shared/datasets/fairytaleqa"

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "eval", "eval [--split val|test|train] [--data DIR] [--k 1,5] [--baseline] [--answers]\n"+
		"       storybot eval --doc2dial [--half tune|report|all] [--data DIR]\n\n"+
		"Scores retrieval on FairytaleQA: each story is indexed on its own (in memory) and\n"+
		"searched with each of its questions; a question is a hit at k when one of the top k\n"+
		"passages shares a sentence with a section that holds its answer. Prints R@k for each\n"+
		"--k, MRR@10 and the counts. Tune on train or val; report test.\n\n"+
		"With --doc2dial, scores retrieval for follow-up questions on Doc2Dial: its documents\n"+
		"are split in two halves, tune (tuned on) and report (reported).")
	split := fs.String("split", "val", "which split: train, val or test")
	data := fs.String("data", defaultEvalData, "the FairytaleQA folder holding train/, val/ and test/")
	ks := fs.String("k", "1,5", "recall cutoffs to report, comma-separated (1-10)")
	baseline := fs.Bool("baseline", false, "also score plain FTS5 bm25 ordering, in the same run")
	answers := fs.Bool("answers", false, answersFlagUsage)
	dialogues := fs.Bool("doc2dial", false, doc2dialFlagUsage)
	half := fs.String("half", "report", "with --doc2dial, which half of the documents: tune, report or all")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("eval takes no arguments (got %q)", truncate(strings.Join(fs.Args(), " "), 60))
	}
	if *dialogues {
		h, err := doc2dial.ParseHalf(*half)
		if err != nil {
			return usagef("--half: %v", err)
		}
		dir := defaultDoc2DialData
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "data" {
				dir = *data
			}
		})
		return evalDoc2Dial(ctx, e.stdout, dir, h)
	}
	if *split != "train" && *split != "val" && *split != "test" {
		return usagef("--split: %q is not train, val or test", *split)
	}
	cutoffs, err := parseCutoffs(*ks)
	if err != nil {
		return err
	}
	dir := filepath.Join(*data, *split)
	stories, err := fairytaleqa.Load(dir)
	if errors.Is(err, fairytaleqa.ErrNoData) {
		return fmt.Errorf("no FairytaleQA %s split at %s: run from the project folder with shared/ beside it, or give --data DIR (a copy of github.com/uci-soe/FairytaleQAData split_for_training)", *split, dir)
	}
	if err != nil {
		return fmt.Errorf("read FairytaleQA: %w", err)
	}
	if *answers {
		return evalAnswers(ctx, e.stdout, *split, stories, 5)
	}

	type row struct {
		name string
		res  fairytaleqa.Result
	}
	res, err := fairytaleqa.Evaluate(ctx, stories, fairytaleqa.Options{})
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	rows := []row{{"storybot", res}}
	if *baseline {
		plain := knowledge.DefaultRanking()
		plain.Plain = true
		base, err := fairytaleqa.Evaluate(ctx, stories, fairytaleqa.Options{Ranking: &plain})
		if err != nil {
			return fmt.Errorf("evaluate the baseline: %w", err)
		}
		rows = append(rows, row{"plain FTS5 bm25", base})
	}
	rows = append(rows,
		row{"  explicit", res.Filter(func(o fairytaleqa.Outcome) bool { return o.Question.Explicit })},
		row{"  implicit", res.Filter(func(o fairytaleqa.Outcome) bool { return !o.Question.Explicit })},
	)

	w := e.stdout
	fmt.Fprintf(w, "FairytaleQA %s (%s): %d stories, %d questions, %d passages\n", *split, dir, res.Stories, len(res.Outcomes), res.Passages)
	if res.Unplaced > 0 {
		fmt.Fprintf(w, "(%d gold sections were dropped by parsing and cannot be hit)\n", res.Unplaced)
	}
	fmt.Fprintf(w, "\n%-18s", "")
	for _, k := range cutoffs {
		fmt.Fprintf(w, " %6s", "R@"+strconv.Itoa(k))
	}
	fmt.Fprintf(w, " %7s %9s\n", "MRR@10", "questions")
	for _, r := range rows {
		fmt.Fprintf(w, "%-18s", r.name)
		for _, k := range cutoffs {
			fmt.Fprintf(w, " %6.3f", r.res.RecallAt(k))
		}
		fmt.Fprintf(w, " %7.3f %9d\n", r.res.MRR(), len(r.res.Outcomes))
	}
	writeHits(w, res, cutoffs)
	return nil
}

// writeHits prints the raw counts behind the storybot row.
func writeHits(w io.Writer, res fairytaleqa.Result, cutoffs []int) {
	var parts []string
	for _, k := range cutoffs {
		hits := len(res.Filter(func(o fairytaleqa.Outcome) bool { return o.Rank > 0 && o.Rank <= k }).Outcomes)
		parts = append(parts, fmt.Sprintf("%d hits in the top %d", hits, k))
	}
	fmt.Fprintf(w, "\nstorybot: %s, of %d questions.\n", strings.Join(parts, ", "), len(res.Outcomes))
}

// parseCutoffs reads --k: distinct cutoffs from 1 to 10, in order.
func parseCutoffs(s string) ([]int, error) {
	var ks []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 || k > 10 {
			return nil, usagef("--k: %q is not a list of numbers from 1 to 10, e.g. 1,5", s)
		}
		if !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks, nil
}
