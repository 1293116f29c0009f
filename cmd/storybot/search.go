package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "search", "search [--json] [--k N] [--doc ID]... [--db PATH] QUERY")
	asJSON := fs.Bool("json", false, "print JSON: {\"query\", \"passages\": [{\"id\", \"doc\", \"text\", \"score\"}]}")
	k := fs.Int("k", 5, "how many passages to show (1-100)")
	docs := docsFlag(fs, "search")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *k < 1 || *k > 100 {
		return usagef("--k: %d is not from 1 to 100", *k)
	}
	q, err := joinArgs(fs, "query")
	if err != nil {
		return err
	}
	s, sc, err := openScoped(ctx, e, *db, *docs)
	if err != nil {
		return err
	}
	defer s.st.Close()
	st := s.st
	searched, respelt, err := st.Respelt(ctx, sc, q)
	if err != nil {
		return err
	}
	ps, err := st.Search(ctx, sc, searched, *k)
	if errors.Is(err, knowledge.ErrEmptyQuery) {
		return usagef("nothing to search for in %q: use some words", truncate(q, 60))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if searched == q {
			searched = ""
		}
		return writeJSON(e.stdout, struct {
			Query    string              `json:"query"`
			Searched string              `json:"searched,omitempty"` // the query respelt, when it was
			Passages []knowledge.Passage `json:"passages"`
		}{q, searched, nonNil(ps)})
	}
	if len(respelt) > 0 {
		fmt.Fprintf(e.stdout, "%s\n\n", knowledge.ReadAs(respelt))
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stdout, "No passage matches that query.")
		return nil
	}
	for i, p := range ps {
		fmt.Fprintf(e.stdout, "%d. %s  (score %.2f)\n%s\n\n", i+1, withChapter(p.ID, p.Chapter), p.Score, indent(knowledge.Unwrap(p.Text), "   "))
	}
	return nil
}

// withChapter names a passage with its chapter, when it has one:
// "pg1342#45, chapter 3".
func withChapter(id, chapter string) string {
	if chapter == "" {
		return id
	}
	return id + ", " + chapter
}

// writeJSON writes v as indented JSON without escaping <, > and &.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
}

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
