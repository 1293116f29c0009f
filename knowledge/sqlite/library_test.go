package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// story is a document as storybot ingest reads it from path: the file
// name gives its id, the path its origin.
func story(tb testing.TB, path, text string, opt knowledge.ParseOptions) knowledge.Parsed {
	tb.Helper()
	opt.Name = path[strings.LastIndexAny(path, "/:")+1:]
	p, err := knowledge.Parse([]byte(text), opt)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", path, err)
	}
	p.Doc.Origin = path
	return p
}

// storyText is a short story that mentions word, so searches can tell
// documents apart.
func storyText(word string) string {
	return fmt.Sprintf("The %s\n\nThe %s stood at the edge of the village, and everyone who passed it had a story about the %s and the people who kept it.", word, word, word)
}

func ingested(tb testing.TB, st *sqlite.Store, docs ...knowledge.Parsed) []string {
	tb.Helper()
	var got []string
	for _, d := range mustIngest(tb, st, docs...).Docs {
		got = append(got, d.ID+" "+string(d.Status))
	}
	return got
}

func ids(tb testing.TB, st *sqlite.Store, sc knowledge.Scope) []string {
	tb.Helper()
	docs, err := st.Documents(context.Background(), sc)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		out = append(out, d.Slug)
	}
	return out
}

func TestIDsNeverCollide(t *testing.T) {
	st := openStore(t)
	got := ingested(t, st,
		story(t, "/news/a/article.txt", storyText("mill"), knowledge.ParseOptions{}),
		story(t, "/news/b/article.txt", storyText("bridge"), knowledge.ParseOptions{}),
		story(t, "/saved/物語.txt", storyText("temple"), knowledge.ParseOptions{}),
		story(t, "/saved/別.txt", storyText("garden"), knowledge.ParseOptions{}),
		story(t, "/saved/🔥.txt", storyText("forge"), knowledge.ParseOptions{}),
		story(t, "/saved/💧.txt", storyText("well"), knowledge.ParseOptions{}),
	)
	want := []string{"article added", "article-2 added", "物語 added", "別 added", "the-forge added", "the-well added"}
	if !slices.Equal(got, want) {
		t.Errorf("first ingest: %q, want %q", got, want)
	}
	// Each file again, the second one changed: each replaces its own.
	got = ingested(t, st,
		story(t, "/news/b/article.txt", storyText("bridge")+" It fell.", knowledge.ParseOptions{}),
		story(t, "/news/a/article.txt", storyText("mill"), knowledge.ParseOptions{}),
	)
	if want := []string{"article-2 replaced", "article unchanged"}; !slices.Equal(got, want) {
		t.Errorf("again: %q, want %q", got, want)
	}
	// The same bytes from another folder are another document.
	got = ingested(t, st, story(t, "/copy/article.txt", storyText("mill"), knowledge.ParseOptions{}))
	if want := []string{"article-3 added"}; !slices.Equal(got, want) {
		t.Errorf("a copy elsewhere: %q, want %q", got, want)
	}
	if n := len(ids(t, st, knowledge.Everything)); n != 7 {
		t.Errorf("%d documents, want 7: no ingest replaced a different document", n)
	}
	ps, err := st.Search(context.Background(), knowledge.Everything, "bridge fell", 1)
	if err != nil || len(ps) != 1 || ps[0].ID != "article-2#1" || ps[0].Doc != "article-2" {
		t.Errorf("search finds %+v, %v; want the passage under its id article-2#1", ps, err)
	}
}

func TestNamedIDReplacesThatDocument(t *testing.T) {
	st := openStore(t)
	got := ingested(t, st,
		story(t, "/a/draft.txt", storyText("mill"), knowledge.ParseOptions{ID: "saga"}),
		story(t, "/a/other.txt", storyText("bridge"), knowledge.ParseOptions{}),
	)
	if want := []string{"saga added", "other added"}; !slices.Equal(got, want) {
		t.Fatalf("first ingest: %q, want %q", got, want)
	}
	// Another file under the same --id replaces it.
	rep := mustIngest(t, st, story(t, "/b/final.txt", storyText("tower"), knowledge.ParseOptions{ID: "saga"}))
	if d := rep.Docs[0]; d.ID != "saga" || d.Status != sqlite.Replaced {
		t.Errorf("same --id, another file: %+v, want saga replaced", d)
	}
	// The other file given --id saga takes the id and its old version goes.
	rep = mustIngest(t, st, story(t, "/a/other.txt", storyText("bridge"), knowledge.ParseOptions{ID: "saga"}))
	if d := rep.Docs[0]; d.ID != "saga" || d.Status != sqlite.Replaced || d.Was != "other" || d.Displaced != "saga" {
		t.Errorf("a file renamed onto a taken id: %+v, want saga replacing other and the old saga", d)
	}
	if got := ids(t, st, knowledge.Everything); !slices.Equal(got, []string{"saga"}) {
		t.Errorf("documents %q, want only saga", got)
	}
}

// After an upgrade whose parser makes something else of the same bytes,
// re-ingesting an unchanged file parses it again.
func TestReingestAfterParserUpgrade(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/index.db"
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := story(t, "/a/mill.txt", storyText("mill"), knowledge.ParseOptions{})
	ingested(t, st, p)
	// What an older parser stored: the hash of the bytes alone.
	execSQL(t, path, `UPDATE documents SET hash = 'written-by-parser-0'`)
	if got := ingested(t, st, p); !slices.Equal(got, []string{"mill replaced"}) {
		t.Errorf("re-ingest after an upgrade: %q, want the file parsed again", got)
	}
	if got := ingested(t, st, p); !slices.Equal(got, []string{"mill unchanged"}) {
		t.Errorf("then again: %q, want unchanged", got)
	}
}

func TestScopesKeepServersApart(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	everyone := story(t, "/cli/harbour.txt", storyText("harbour"), knowledge.ParseOptions{})
	mine := story(t, "discord:A:lighthouse.txt", storyText("lighthouse"), knowledge.ParseOptions{})
	mine.Doc.Guild = "A"
	theirs := story(t, "discord:B:lighthouse.txt", storyText("lighthouse")+" Their secret.", knowledge.ParseOptions{})
	theirs.Doc.Guild = "B"
	if got := ingested(t, st, everyone, mine, theirs); !slices.Equal(got, []string{"harbour added", "lighthouse added", "lighthouse-2 added"}) {
		t.Fatalf("ingest: %q", got)
	}
	a, b, dm := knowledge.Scope{Guild: "A"}, knowledge.Scope{Guild: "B"}, knowledge.Scope{}
	tests := []struct {
		name string
		sc   knowledge.Scope
		want []string
	}{
		{"server A", a, []string{"harbour", "lighthouse"}},
		{"server B", b, []string{"harbour", "lighthouse-2"}},
		{"direct message", dm, []string{"harbour"}},
		{"command line", knowledge.Everything, []string{"harbour", "lighthouse", "lighthouse-2"}},
		{"A's own", knowledge.Scope{Guild: "A", Own: true}, []string{"lighthouse"}},
		{"A naming B's", a.Only("lighthouse-2"), nil},
		{"A naming its own", a.Only("lighthouse", "lighthouse-2"), []string{"lighthouse"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(t, st, tt.sc); !slices.Equal(got, tt.want) {
				t.Errorf("Documents: %q, want %q", got, tt.want)
			}
			ps, err := st.Search(ctx, tt.sc, "lighthouse harbour secret", 10)
			if err != nil {
				t.Fatal(err)
			}
			var found []string
			for _, p := range ps {
				if !slices.Contains(found, p.Doc) {
					found = append(found, p.Doc)
				}
			}
			slices.Sort(found)
			if !slices.Equal(found, tt.want) {
				t.Errorf("Search found passages of %q, want %q", found, tt.want)
			}
			pids, err := st.PassageIDs(ctx, tt.sc, "lighthouse", 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range pids {
				if doc, _, _ := knowledge.ParsePassageID(id); !slices.Contains(tt.want, doc) {
					t.Errorf("PassageIDs offered %s", id)
				}
			}
		})
	}
	// A guessed passage id of another server's story is not found.
	for _, read := range []func() error{
		func() error { _, err := st.Passage(ctx, a, "lighthouse-2#1"); return err },
		func() error { _, err := st.Passages(ctx, a, "lighthouse-2"); return err },
		func() error { _, err := st.Document(ctx, a, "lighthouse-2"); return err },
		func() error { _, err := st.Passage(ctx, dm, "lighthouse#1"); return err },
	} {
		if err := read(); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("a read across servers: %v, want ErrNotFound", err)
		}
	}
	if p, err := st.Passage(ctx, b, "lighthouse-2#1"); err != nil || !strings.Contains(p.Text, "secret") {
		t.Errorf("B reads its own passage: %q, %v", p.Text, err)
	}
	// A server changes only its own stories.
	if err := st.Remove(ctx, knowledge.Scope{Guild: "A", Own: true}, "harbour"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("A removing the story of every server: %v, want ErrNotFound", err)
	}
	if err := st.Remove(ctx, knowledge.Scope{Guild: "A", Own: true}, "lighthouse", "lighthouse-2"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("A removing B's story with its own: %v, want ErrNotFound", err)
	}
	if got := ids(t, st, knowledge.Everything); len(got) != 3 {
		t.Errorf("a refused removal removed something: %q left", got)
	}
	if err := st.Bind(ctx, "A", "chan", "lighthouse-2"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("A binding B's story: %v, want ErrNotFound", err)
	}
}

func TestBindings(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	one := story(t, "discord:A:one.txt", storyText("mill"), knowledge.ParseOptions{})
	one.Doc.Guild = "A"
	ingested(t, st, one, story(t, "/cli/two.txt", storyText("bridge"), knowledge.ParseOptions{}))
	binding := func(channels ...string) string {
		t.Helper()
		doc, on, err := st.Binding(ctx, "A", channels...)
		if err != nil {
			t.Fatal(err)
		}
		return doc + "@" + on
	}
	if got := binding("chan", "parent"); got != "@" {
		t.Errorf("nothing bound: %q", got)
	}
	if err := st.Bind(ctx, "A", "", "two"); err != nil {
		t.Fatal(err)
	}
	if err := st.Bind(ctx, "A", "parent", "one"); err != nil {
		t.Fatal(err)
	}
	if got := binding("thread", "parent"); got != "one@parent" {
		t.Errorf("a thread of a bound channel: %q, want one@parent", got)
	}
	if got := binding("elsewhere"); got != "two@" {
		t.Errorf("another channel: %q, want the server's two", got)
	}
	if doc, _, _ := st.Binding(ctx, "B", "parent"); doc != "" {
		t.Errorf("server B sees A's binding: %q", doc)
	}
	// Replacing a story keeps its bindings; removing it drops them.
	changed := story(t, "discord:A:one.txt", storyText("mill")+" It burned.", knowledge.ParseOptions{})
	changed.Doc.Guild = "A"
	if got := ingested(t, st, changed); !slices.Equal(got, []string{"one replaced"}) {
		t.Fatalf("replace: %q", got)
	}
	if got := binding("parent"); got != "one@parent" {
		t.Errorf("after replacing: %q, want one@parent", got)
	}
	if err := st.Remove(ctx, knowledge.Scope{Guild: "A", Own: true}, "one"); err != nil {
		t.Fatal(err)
	}
	if got := binding("parent"); got != "two@" {
		t.Errorf("after removing one: %q, want the server's two", got)
	}
	if err := st.Bind(ctx, "A", "", ""); err != nil {
		t.Fatal(err)
	}
	if got := binding("parent"); got != "@" {
		t.Errorf("after unbinding the server: %q", got)
	}
}

func TestDefaultStorySeededOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, st, knowledge.Everything); !slices.Equal(got, []string{"phantom-secure"}) {
		t.Fatalf("fresh index: %q, want the default story", got)
	}
	if err := st.Remove(ctx, knowledge.Everything, "phantom-secure"); err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, st, knowledge.Everything); len(got) != 0 {
		t.Errorf("removed, then EnsureDefault: %q; want it to stay removed", got)
	}
	// It can be brought back on purpose, and replaces itself after that.
	p, err := knowledge.ParseDefaultStory()
	if err != nil {
		t.Fatal(err)
	}
	if got := ingested(t, st, p); !slices.Equal(got, []string{"phantom-secure added"}) {
		t.Errorf("re-seeded: %q", got)
	}
	if got := ingested(t, st, p); !slices.Equal(got, []string{"phantom-secure unchanged"}) {
		t.Errorf("re-seeded again: %q", got)
	}

	// An index whose first document is the user's never gets it.
	st = openStore(t)
	ingested(t, st, story(t, "/a/mill.txt", storyText("mill"), knowledge.ParseOptions{}))
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove(ctx, knowledge.Everything, "mill"); err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, st, knowledge.Everything); len(got) != 0 {
		t.Errorf("an index that started with the user's story: %q", got)
	}
}

func TestDocumentsList(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	p := story(t, "/a/mill.txt", storyText("mill"), knowledge.ParseOptions{Date: "2020-05-01"})
	p.Doc.Guild = "123"
	ingested(t, st, p)
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 {
		t.Fatalf("Documents: %v, %v", docs, err)
	}
	d := docs[0]
	words := 0
	for _, ps := range p.Passages {
		words += len(strings.Fields(ps.Text))
	}
	if d.Slug != "mill" || d.Title != "The mill" || d.Date != "2020-05-01" || d.Guild != "123" || d.Source != "mill.txt" ||
		d.Words != words || d.Passages != len(p.Passages) || d.IngestedAt.IsZero() || d.Text != "" {
		t.Errorf("listed %+v; want id, title, date, server, source, %d words, %d passages, the time", d, words, len(p.Passages))
	}
}

// execSQL runs SQL on the index at path through a connection of its own, as
// another program (or an older storybot) would.
func execSQL(tb testing.TB, path, query string) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

// An index written before the library (schema 2: no origins, no servers,
// no settings) is upgraded in place when it is opened: its documents keep
// their ids, are counted, stay without the default story added, and are
// replaced, not duplicated, when their file is ingested again.
func TestUpgradeFromSchema2(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/old.db"
	var schema strings.Builder
	for _, f := range []string{"migrations/0001_init.sql", "migrations/0002_vocab.sql"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		schema.Write(b)
	}
	execSQL(t, path, schema.String()+`
		INSERT INTO documents (slug, title, source, text, hash, ingested_at)
			VALUES ('mill', 'The Mill', 'mill.txt', 'The mill stood by the river for a hundred years.', 'old', '2024-01-01T00:00:00Z');
		INSERT INTO passages (doc_id, n, start, "end", text) VALUES (1, 1, 0, 48, 'The mill stood by the river for a hundred years.');
		INSERT INTO passages_fts (rowid, text) VALUES (1, 'The mill stood by the river for a hundred years.');
		PRAGMA user_version = 2;`)
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a schema 2 index: %v", err)
	}
	defer st.Close()
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 || docs[0].Slug != "mill" || docs[0].Words != 10 || docs[0].Passages != 1 || docs[0].Guild != "" {
		t.Fatalf("after the upgrade: %+v, %v; want the mill, counted, for every server", docs, err)
	}
	if ps, err := st.Search(ctx, knowledge.Scope{Guild: "123"}, "mill river", 3); err != nil || len(ps) != 1 {
		t.Errorf("a server searching the upgraded index: %v, %v", ps, err)
	}
	got := ingested(t, st, story(t, "/home/me/mill.txt", "The Mill\n\nThe mill stood by the river for two hundred years.", knowledge.ParseOptions{}))
	if !slices.Equal(got, []string{"mill replaced"}) {
		t.Errorf("its file ingested again: %q, want the old document replaced", got)
	}
	// Now it has an origin: another mill.txt is another document.
	got = ingested(t, st, story(t, "/elsewhere/mill.txt", storyText("mill"), knowledge.ParseOptions{}))
	if !slices.Equal(got, []string{"mill-2 added"}) {
		t.Errorf("another mill.txt: %q, want mill-2 added", got)
	}
	// The rebuilt table still takes its passages with it.
	if err := st.Remove(ctx, knowledge.Everything, "mill"); err != nil {
		t.Fatal(err)
	}
	if docs, passages, err := st.Stats(ctx); err != nil || docs != 1 || passages != 1 {
		t.Errorf("after removing the upgraded mill: %d documents, %d passages, %v; want mill-2's 1 and 1", docs, passages, err)
	}
}
