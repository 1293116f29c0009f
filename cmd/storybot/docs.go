package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

func runDocs(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "remove" {
		return runDocsRemove(ctx, e, args[1:])
	}
	fs := newFlagSet(e, "docs", "docs [--json] [--db PATH]\n"+
		"       storybot docs remove [--db PATH] ID...\n\n"+
		"Lists the indexed documents: id, title, date, words, passages, the Discord server that\n"+
		"alone sees it (or every server), when it was ingested and its source. 'docs remove'\n"+
		"removes documents by id, all or none. A removed default story stays removed\n"+
		"('storybot ingest --default-story' brings it back).")
	asJSON := fs.Bool("json", false, `print JSON: {"documents": [{"id", "title", "date", "words", "passages", "source", "guild", "ingested_at"}]}`)
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("docs takes no arguments (got %q); to remove documents: storybot docs remove ID...", truncate(strings.Join(fs.Args(), " "), 60))
	}
	s, err := openStory(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.st.Close()
	docs, err := s.st.Documents(ctx, knowledge.Everything)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]docJSON, len(docs))
		for i, d := range docs {
			out[i] = docJSON{ID: d.Slug, Title: d.Title, Date: d.Date, Words: d.Words, Passages: d.Passages,
				Source: d.Source, Origin: d.Origin, Guild: d.Guild, IngestedAt: d.IngestedAt.UTC().Format(time.RFC3339)}
		}
		return writeJSON(e.stdout, struct {
			Documents []docJSON `json:"documents"`
		}{out})
	}
	writeDocs(e.stdout, docs)
	return nil
}

// docJSON is one document in docs --json. guild is "" for a document every
// Discord server sees; origin is what re-ingesting replaces it by (a file's
// absolute path, a URL, a Discord upload), "" when only its id stands for it.
type docJSON struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Date       string `json:"date"`
	Words      int    `json:"words"`
	Passages   int    `json:"passages"`
	Source     string `json:"source"`
	Origin     string `json:"origin"`
	Guild      string `json:"guild"`
	IngestedAt string `json:"ingested_at"`
}

// writeDocs prints the documents as a table.
func writeDocs(w io.Writer, docs []knowledge.Document) {
	if len(docs) == 0 {
		fmt.Fprintln(w, "The index holds no documents; add some with 'storybot ingest FILE'.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tDATE\tWORDS\tPASSAGES\tSERVER\tINGESTED\tSOURCE")
	for _, d := range docs {
		date, server := d.Date, d.Guild
		if date == "" {
			date = "-"
		}
		if server == "" {
			server = "all"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", d.Slug, oneLine(d.Title, 60), date, d.Words, d.Passages,
			server, d.IngestedAt.Local().Format("2006-01-02 15:04"), oneLine(shownSource(d), 200))
	}
	tw.Flush()
}

// shownSource is where a document came from as the table shows it: the path
// or URL it was ingested from, so that two article.txt files from different
// folders can be told apart, else its source name.
func shownSource(d knowledge.Document) string {
	if filepath.IsAbs(d.Origin) || strings.HasPrefix(d.Origin, "http://") || strings.HasPrefix(d.Origin, "https://") {
		return d.Origin
	}
	return d.Source
}

func runDocsRemove(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "docs remove", "docs remove [--db PATH] ID...\n\n"+
		"Removes the documents with these ids (see 'storybot docs'), with their passages and the\n"+
		"Discord channels' choices of them, in one transaction: if any id is unknown, nothing is\n"+
		"removed.")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	ids := fs.Args()
	if len(ids) == 0 {
		return usagef("give the ids of the documents to remove, e.g. storybot docs remove phantom-secure (see 'storybot docs')")
	}
	cfg, err := loadConfig(e, *db)
	if err != nil {
		return err
	}
	st, err := openIndex(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var missing []string
	for _, id := range ids {
		if _, err := st.Document(ctx, knowledge.Everything, id); errors.Is(err, knowledge.ErrNotFound) {
			missing = append(missing, fmt.Sprintf("%q", id))
		}
	}
	if len(missing) > 0 {
		return usagef("no document %s in the index (see 'storybot docs'); nothing was removed", strings.Join(missing, ", "))
	}
	st.Waiting = waiting(e)
	err = st.Remove(ctx, knowledge.Everything, ids...)
	switch {
	case errors.Is(err, sqlite.ErrReadOnly):
		return fmt.Errorf("the index at %s is read-only (its file or volume cannot be written): nothing was removed", cfg.DB)
	case err != nil:
		return fmt.Errorf("nothing was removed: %w", err)
	}
	fmt.Fprintf(e.stdout, "removed %s\n", strings.Join(ids, ", "))
	return nil
}
