package sqlite_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// openStore opens a fresh index in a temporary folder.
func openStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "index.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func mustParse(tb testing.TB, name, text string) knowledge.Parsed {
	tb.Helper()
	p, err := knowledge.Parse([]byte(text), knowledge.ParseOptions{Name: name})
	if err != nil {
		tb.Fatalf("Parse(%s): %v", name, err)
	}
	return p
}

func mustIngest(tb testing.TB, st *sqlite.Store, docs ...knowledge.Parsed) sqlite.IngestReport {
	tb.Helper()
	rep, err := st.Ingest(context.Background(), docs, nil)
	if err != nil {
		tb.Fatalf("Ingest: %v", err)
	}
	return rep
}

const lighthouse = `The Lighthouse Keeper

Mara kept the lighthouse on Gull Rock for thirty years, trimming the wick every evening and logging every ship that passed the point in a green ledger that her father had left her.

One winter a storm broke the great lens, and for three nights the rock stood dark while Mara rowed to the mainland to beg the harbour master for glass, money and men.

The harbour master refused, so Mara melted down her grandmother's silver, paid a glassblower in the town, and carried the new lens back across the water on her own.`

func TestEnsureDefaultIndexesTheStoryOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "index.db")
	for i := 0; i < 2; i++ {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if err := st.EnsureDefault(ctx); err != nil {
			t.Fatalf("EnsureDefault #%d: %v", i+1, err)
		}
		docs, passages, err := st.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if docs != 1 || passages < 5 {
			t.Errorf("open #%d: %d documents, %d passages; want the default story once", i+1, docs, passages)
		}
		st.Close()
	}
}

func TestPassagesPointIntoTheDocument(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 {
		t.Fatalf("Documents = %v, %v", docs, err)
	}
	doc, err := st.Document(ctx, knowledge.Everything, docs[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := st.Passages(ctx, knowledge.Everything, doc.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		if p.N != i+1 || p.ID != knowledge.PassageID(doc.Slug, i+1) {
			t.Errorf("passage %d has N %d, id %q", i+1, p.N, p.ID)
		}
		if doc.Text[p.Start:p.End] != p.Text {
			t.Errorf("%s: Text[%d:%d] differs from the passage text", p.ID, p.Start, p.End)
		}
		got, err := st.Passage(ctx, knowledge.Everything, p.ID)
		if err != nil || got.Text != p.Text {
			t.Errorf("Passage(%q) = %q, %v", p.ID, got.Text, err)
		}
	}
	for _, p := range ps {
		if strings.Contains(p.Text, "NBN") {
			t.Errorf("%s: the advertising block is in a passage: %q", p.ID, p.Text)
		}
	}
}

func TestReingest(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	rep := mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	if len(rep.Docs) != 1 || rep.Docs[0].Status != sqlite.Added {
		t.Fatalf("first ingest: %+v, want one added", rep)
	}
	rep = mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	if len(rep.Docs) != 1 || rep.Docs[0].Status != sqlite.Unchanged {
		t.Fatalf("same file again: %+v, want unchanged", rep)
	}
	changed := strings.ReplaceAll(lighthouse, "silver", "pearls")
	rep = mustIngest(t, st, mustParse(t, "lighthouse.txt", changed))
	if len(rep.Docs) != 1 || rep.Docs[0].Status != sqlite.Replaced || rep.Docs[0].ID != "lighthouse" {
		t.Fatalf("changed file: %+v, want replaced", rep)
	}
	if ps, err := st.Search(ctx, knowledge.Everything, "silver", 5); err != nil || len(ps) != 0 {
		t.Errorf("old text still found: %v, %v", ps, err)
	}
	if ps, err := st.Search(ctx, knowledge.Everything, "pearls", 5); err != nil || len(ps) != 1 {
		t.Errorf("new text not found: %v, %v", ps, err)
	}
	docs, _, _ := st.Stats(ctx)
	if docs != 1 {
		t.Errorf("%d documents after replacing, want 1", docs)
	}
}

func TestFailedIngestLeavesIndexAsItWas(t *testing.T) {
	st := openStore(t)
	mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	before, err := st.Search(context.Background(), knowledge.Everything, "lighthouse lens", 10)
	if err != nil {
		t.Fatal(err)
	}

	// Cancel part-way: after the first document's passages are written.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	second := mustParse(t, "lighthouse.txt", strings.ReplaceAll(lighthouse, "Mara", "Ilse"))
	third := mustParse(t, "other.txt", "Quite another story about a baker, a loaf, and a long night of kneading dough in the cold.")
	_, err = st.Ingest(ctx, []knowledge.Parsed{second, third}, func(done, total int) { cancel() })
	if err == nil {
		t.Fatal("Ingest with a cancelled context succeeded")
	}

	after, err := st.Search(context.Background(), knowledge.Everything, "lighthouse lens", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) || after[0].Text != before[0].Text {
		t.Errorf("index changed by a failed ingest:\nbefore %v\nafter  %v", before, after)
	}
	if docs, _, _ := st.Stats(context.Background()); docs != 1 {
		t.Errorf("%d documents after a failed ingest, want 1", docs)
	}
}

func TestSearchOneDocument(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	all, err := st.Search(ctx, knowledge.Everything, "the FBI and the lighthouse", 20)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]bool{}
	for _, p := range all {
		docs[p.Doc] = true
	}
	if len(docs) != 2 {
		t.Errorf("Search over both documents found passages of %v", docs)
	}
	only, err := st.Search(ctx, knowledge.Everything.Only("lighthouse"), "the FBI and the lighthouse", 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range only {
		if p.Doc != "lighthouse" {
			t.Errorf("Search in lighthouse returned %s", p.ID)
		}
	}
}

func TestLookupsReportNotFound(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	for _, id := range []string{"nope#1", "phantom-secure#999", "", "#", "x#0", "x#-1", "x#01"} {
		if _, err := st.Passage(ctx, knowledge.Everything, id); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("Passage(%q) error = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := st.Document(ctx, knowledge.Everything, "nope"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Document(nope) error = %v, want ErrNotFound", err)
	}
	if _, err := st.Passages(ctx, knowledge.Everything, "nope"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Passages(nope) error = %v, want ErrNotFound", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := setUserVersion(path, 999); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer storybot") {
		t.Errorf("Open of a newer schema: %v, want an error about a newer storybot", err)
	}
}

// TestOpenAnyPath opens indexes at paths holding characters that mean
// something in a file: URI, and finds each exactly where it was asked for,
// with nothing written anywhere else, and its documents there on reopening.
func TestOpenAnyPath(t *testing.T) {
	for _, name := range []string{
		"a#b/index.db",
		"what?.db",
		"q?mode=ro&cache=shared.db",
		"100%.db",
		"%41%2F.db",
		"spa ce/ü+;=@$.db",
		"relative#dir/index.db",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			if strings.HasPrefix(name, "relative") {
				t.Chdir(dir)
				path = name
			}
			checkOpenAt(t, dir, path)
		})
	}
}

func checkOpenAt(t *testing.T, dir, path string) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if p != abs && p != abs+"-wal" && p != abs+"-shm" {
			t.Errorf("Open(%q) wrote %s", path, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("no index at %s: %v", abs, err)
	}
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen %q: %v", path, err)
	}
	defer st.Close()
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 || docs[0].Slug != "lighthouse" {
		t.Errorf("reopened %q: documents %v, %v; want the lighthouse story", path, docs, err)
	}
}

// TestDocumentDateSource checks that where a document's date came from
// survives the index: a web page's publication date stays "metadata", a
// configured date "configured", and no date none.
func TestDocumentDateSource(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	page := "<html><head><title>Gull Rock</title><meta property=\"article:published_time\" content=\"2023-05-06T07:00:00Z\"></head><body><article><p>" +
		strings.ReplaceAll(lighthouse, "\n\n", "</p><p>") + "</p></article></body></html>"
	configured, err := knowledge.Parse([]byte(lighthouse), knowledge.ParseOptions{Name: "configured.txt", Date: "2001-02-03"})
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, st, mustParse(t, "page.html", page), configured, mustParse(t, "plain.txt", lighthouse))
	want := map[string][2]string{
		"page":       {"2023-05-06", knowledge.DateMetadata},
		"configured": {"2001-02-03", knowledge.DateConfigured},
		"plain":      {"", ""},
	}
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 3 {
		t.Fatalf("Documents: %d, %v", len(docs), err)
	}
	for _, d := range docs {
		full, err := st.Document(ctx, knowledge.Everything, d.Slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []knowledge.Document{d, full} {
			if w := want[d.Slug]; got.Date != w[0] || got.DateSource != w[1] {
				t.Errorf("%s: date %q from %q, want %q from %q", d.Slug, got.Date, got.DateSource, w[0], w[1])
			}
		}
	}
}
