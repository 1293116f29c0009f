package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fairytaleQA is where CI finds the data set: shared/ beside the checkout.
const fairytaleQA = "../../../shared/datasets/fairytaleqa"

// TestEvalSmallStories scores two short val stories, copied so the run
// stays fast, and checks the report a user reads.
func TestEvalSmallStories(t *testing.T) {
	if _, err := os.Stat(filepath.Join(fairytaleQA, "val")); err != nil {
		t.Skipf("FairytaleQA is not here: %v", err)
	}
	data := t.TempDir()
	val := filepath.Join(data, "val")
	if err := os.Mkdir(val, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, story := range []string{"finn-the-giant-and-the-minister-of-lund", "why-dog-and-cat-are-enemies"} {
		for _, suffix := range []string{"-story.csv", "-questions.csv"} {
			b, err := os.ReadFile(filepath.Join(fairytaleQA, "val", story+suffix))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(val, story+suffix), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := runCLI(t, testEnv(t), "eval", "--data", data, "--split", "val", "--k", "1,3,5", "--baseline")
	if r.err != nil {
		t.Fatalf("eval: %v\n%s", r.err, r.stderr)
	}
	if !strings.Contains(r.stdout, "2 stories, 37 questions") {
		t.Errorf("eval output does not count 2 stories and their 37 questions:\n%s", r.stdout)
	}
	for _, col := range []string{"R@1", "R@3", "R@5", "MRR@10"} {
		if !strings.Contains(r.stdout, col) {
			t.Errorf("eval output has no %s column:\n%s", col, r.stdout)
		}
	}
	ours, base := evalRow(t, r.stdout, "storybot"), evalRow(t, r.stdout, "plain FTS5 bm25")
	for i, v := range ours {
		if v < 0 || v > 1 {
			t.Errorf("storybot measure %d is %v, not a share", i, v)
		}
	}
	// R@5 and MRR: storybot's ranking must not do worse than plain bm25.
	if ours[2] < base[2] || ours[3] < base[3] {
		t.Errorf("storybot R@5 %.3f, MRR %.3f below plain bm25's %.3f, %.3f:\n%s", ours[2], ours[3], base[2], base[3], r.stdout)
	}
}

// evalRow returns the numbers of the report row whose name is name.
func evalRow(t *testing.T, out, name string) []float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s+([0-9. ]+?)\s+\d+$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q row in:\n%s", name, out)
	}
	var vals []float64
	for _, f := range strings.Fields(m[1]) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("row %q: %v", name, err)
		}
		vals = append(vals, v)
	}
	return vals
}

func TestEvalMissingData(t *testing.T) {
	r := runCLI(t, testEnv(t), "eval", "--data", filepath.Join(t.TempDir(), "nowhere"))
	if r.err == nil || !strings.Contains(r.err.Error(), "no FairytaleQA val split at") || !strings.Contains(r.err.Error(), "--data") {
		t.Errorf("eval with no data: %v, want an error naming the folder and --data", r.err)
	}
}

func TestEvalBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "--split", "dev"},
		{"eval", "--k", "0"},
		{"eval", "--k", "1,x"},
		{"eval", "extra"},
	} {
		if r := runCLI(t, testEnv(t), args...); !errors.As(r.err, new(usageError)) {
			t.Errorf("%q: err = %v, want a usage error", args, r.err)
		}
	}
}
