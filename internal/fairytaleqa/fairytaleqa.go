// Package fairytaleqa reads the FairytaleQA data set — children's stories
// split into numbered sections, with questions that name the sections
// holding their answers — and scores storybot's retrieval on it: each story
// is indexed on its own, each question searched against its story, and a
// hit at k is a top-k passage that shares a sentence with a gold section.
package fairytaleqa

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Story is one story of a split with its questions.
type Story struct {
	// Name is the file stem shared by the story and its questions,
	// e.g. "a-fish-story".
	Name string
	// Sections are the section texts, section 1 first.
	Sections []string
	// Questions are the story's questions in file order.
	Questions []Question
}

// Question is one question about a story.
type Question struct {
	ID   string
	Text string
	// Sections are the (1-based) sections that hold the answer; summary
	// questions name several.
	Sections []int
	// Explicit is true when the answer is stated in the text, false when it
	// must be inferred.
	Explicit bool
	// Answers are the gold answers of both annotators (answer1-answer6),
	// distinct, in file order.
	Answers []string
}

// Text is the story as one document: its sections in order, a blank line
// between them.
func (s Story) Text() string { return strings.Join(s.Sections, "\n\n") }

// ErrNoData is returned by Load when the split's folder does not exist or
// holds no stories.
var ErrNoData = errors.New("no FairytaleQA data")

// Load reads every story of a split folder (e.g. .../fairytaleqa/val): the
// pairs NAME-story.csv (section,text) and NAME-questions.csv. Stories are
// sorted by name.
func Load(dir string) ([]Story, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*-story.csv"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("%s: %w (%v)", dir, ErrNoData, err)
		}
		return nil, fmt.Errorf("%s: %w: no *-story.csv files", dir, ErrNoData)
	}
	sort.Strings(names)
	stories := make([]Story, 0, len(names))
	for _, storyFile := range names {
		name := strings.TrimSuffix(filepath.Base(storyFile), "-story.csv")
		s := Story{Name: name}
		if s.Sections, err = readSections(storyFile); err != nil {
			return nil, err
		}
		qFile := filepath.Join(dir, name+"-questions.csv")
		if s.Questions, err = readQuestions(qFile, len(s.Sections)); err != nil {
			return nil, err
		}
		stories = append(stories, s)
	}
	return stories, nil
}

// readCSV returns the records of a CSV file with a header, as maps from
// column name to value.
func readCSV(path string, want ...string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := make(map[string]int)
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("%s: no %q column", path, w)
		}
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m := make(map[string]string, len(col))
		for name, i := range col {
			if i < len(rec) {
				m[name] = rec[i]
			}
		}
		out = append(out, m)
	}
}

func readSections(path string) ([]string, error) {
	recs, err := readCSV(path, "section", "text")
	if err != nil {
		return nil, err
	}
	var sections []string
	for _, rec := range recs {
		n, err := strconv.Atoi(strings.TrimSpace(rec["section"]))
		if err != nil || n < 1 || n > len(sections)+1 {
			return nil, fmt.Errorf("%s: section %q out of order", path, rec["section"])
		}
		text := strings.TrimSpace(rec["text"])
		if n == len(sections) {
			// A section number given twice (one story has this): both rows
			// belong to that section.
			sections[n-1] += "\n\n" + text
			continue
		}
		sections = append(sections, text)
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("%s: no sections", path)
	}
	return sections, nil
}

func readQuestions(path string, nSections int) ([]Question, error) {
	recs, err := readCSV(path, "question_id", "cor_section", "question")
	if err != nil {
		return nil, err
	}
	qs := make([]Question, 0, len(recs))
	for _, rec := range recs {
		q := Question{ID: rec["question_id"], Text: rec["question"], Explicit: rec["ex-or-im1"] == "explicit"}
		for i := 1; i <= 6; i++ {
			if a := strings.TrimSpace(rec["answer"+strconv.Itoa(i)]); a != "" && !slices.Contains(q.Answers, a) {
				q.Answers = append(q.Answers, a)
			}
		}
		for _, f := range strings.Split(rec["cor_section"], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > nSections {
				return nil, fmt.Errorf("%s: question %s: section %q is not one of 1-%d", path, q.ID, f, nSections)
			}
			q.Sections = append(q.Sections, n)
		}
		qs = append(qs, q)
	}
	return qs, nil
}
