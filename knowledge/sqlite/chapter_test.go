package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// TestChaptersAreStored checks that a passage's chapter comes back from
// every lookup: by id, by document and from a search.
func TestChaptersAreStored(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	para := func(s string) string { return s + strings.Repeat(" and the sea rose", 12) + "." }
	book := "A Voyage\n\nCHAPTER I.\n\n" + para("The ship left the harbour at dawn") +
		"\n\nCHAPTER II.\n\n" + para("The storm broke the mast")
	mustIngest(t, st, mustParse(t, "voyage.txt", book))

	ps, err := st.Passages(ctx, knowledge.Everything, "voyage")
	if err != nil || len(ps) != 2 {
		t.Fatalf("Passages: %d, %v", len(ps), err)
	}
	for i, want := range []string{"chapter 1", "chapter 2"} {
		if ps[i].Chapter != want {
			t.Errorf("Passages: %s has chapter %q, want %q", ps[i].ID, ps[i].Chapter, want)
		}
	}
	p, err := st.Passage(ctx, knowledge.Everything, "voyage#2")
	if err != nil || p.Chapter != "chapter 2" {
		t.Errorf("Passage(voyage#2): chapter %q, %v; want chapter 2", p.Chapter, err)
	}
	found, err := st.Search(ctx, knowledge.Everything, "storm broke the mast", 1)
	if err != nil || len(found) != 1 || found[0].Chapter != "chapter 2" {
		t.Errorf("Search: %+v, %v; want voyage#2 in chapter 2", found, err)
	}
}

// TestOpenMigratesAnOlderIndex opens an index written before passages had
// chapters: it is migrated in place, its passages have none, and a new
// ingest gives them theirs.
func TestOpenMigratesAnOlderIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0001_init.sql", "0002_vocab.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, q := range []string{
		`INSERT INTO documents (slug, title, source, text, hash, ingested_at) VALUES ('old', 'Old', 'old.txt', 'The old keeper lit the lamp.', 'h', '')`,
		`INSERT INTO passages (doc_id, n, start, "end", text) VALUES (1, 1, 0, 28, 'The old keeper lit the lamp.')`,
		`INSERT INTO passages_fts (rowid, text) VALUES (1, 'The old keeper lit the lamp.')`,
		`PRAGMA user_version = 2`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open an older index: %v", err)
	}
	defer st.Close()
	found, err := st.Search(ctx, knowledge.Everything, "keeper lamp", 1)
	if err != nil || len(found) != 1 || found[0].ID != "old#1" || found[0].Chapter != "" {
		t.Fatalf("Search after the migration: %+v, %v; want old#1 without a chapter", found, err)
	}
	if d, err := st.Document(ctx, knowledge.Everything, "old"); err != nil || d.Text != "The old keeper lit the lamp." {
		t.Errorf("Document(old) after the migration: %q, %v", d.Text, err)
	}
	mustIngest(t, st, mustParse(t, "new.txt", "New\n\nCHAPTER I.\n\n"+strings.Repeat("The new keeper trimmed the wick. ", 10)))
	if p, err := st.Passage(ctx, knowledge.Everything, "new#1"); err != nil || p.Chapter != "chapter 1" {
		t.Errorf("Passage(new#1): chapter %q, %v; want chapter 1", p.Chapter, err)
	}
}

// TestLargeDocumentText checks that a document of several megabytes, its
// text written in chunks, comes back exactly, characters that straddle a
// chunk's end included.
func TestLargeDocumentText(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	para := "Ça va, the keeper said to the gull on the rail — “élan” — and the gull flew off. "
	var sb strings.Builder
	for sb.Len() < 3<<20 {
		sb.WriteString(para)
		sb.WriteString("\n\n")
	}
	text := sb.String()
	p := mustParse(t, "big.txt", text)
	mustIngest(t, st, p)
	d, err := st.Document(ctx, knowledge.Everything, "big")
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != p.Doc.Text {
		t.Fatalf("document text: %d bytes back, want the %d written", len(d.Text), len(p.Doc.Text))
	}
	ps, err := st.Passages(ctx, knowledge.Everything, "big")
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range ps {
		if d.Text[ps.Start:ps.End] != ps.Text {
			t.Fatalf("%s is not the document's text at its offsets", ps.ID)
		}
	}
	// Re-ingesting a changed version replaces the chunks too.
	mustIngest(t, st, mustParse(t, "big.txt", "A short one now.\n\n"+para))
	if d, err := st.Document(ctx, knowledge.Everything, "big"); err != nil || !strings.HasPrefix(d.Text, "A short one now.") || len(d.Text) > 200 {
		t.Errorf("after replacing: %d bytes, %v", len(d.Text), err)
	}
}
