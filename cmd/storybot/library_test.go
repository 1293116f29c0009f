package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// docsJSON is the documented output of storybot docs --json.
type docsJSON struct {
	Documents []struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		Date       string `json:"date"`
		Words      int    `json:"words"`
		Passages   int    `json:"passages"`
		Source     string `json:"source"`
		Origin     string `json:"origin"`
		Guild      string `json:"guild"`
		IngestedAt string `json:"ingested_at"`
	} `json:"documents"`
}

func docsOf(t *testing.T, vars map[string]string) docsJSON {
	t.Helper()
	r := runCLI(t, vars, "docs", "--json")
	if r.err != nil {
		t.Fatalf("docs --json: %v\n%s", r.err, r.stderr)
	}
	var got docsJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || got.Documents == nil {
		t.Fatalf("docs --json is not the documented JSON (%v):\n%s", err, r.stdout)
	}
	return got
}

func docIDs(t *testing.T, vars map[string]string) []string {
	t.Helper()
	var ids []string
	for _, d := range docsOf(t, vars).Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

// tale is a short story about word.
func tale(word string) []byte {
	return []byte("The " + word + "\n\nEveryone in the valley knew the " + word + ", and every winter the children asked the oldest woman in the village to tell them again how the " + word + " came to be there.")
}

func ingestOK(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	r := runCLI(t, vars, append([]string{"ingest"}, args...)...)
	if r.err != nil {
		t.Fatalf("ingest %v: %v\n%s", args, r.err, r.stderr)
	}
	return r.stdout
}

// Four ingests of four different files leave four documents, whatever
// their names.
func TestIngestCollidingNames(t *testing.T) {
	vars := testEnv(t)
	root := t.TempDir()
	files := map[string][]byte{
		"a/article.txt": tale("mill"), "b/article.txt": tale("bridge"),
		"物語.txt": tale("temple"), "別.txt": tale("garden"), "🔥.txt": tale("forge"),
		"x/index.html": []byte("<html><head><title>Spring Fair</title></head><body><p>" + string(tale("fair")) + "</p></body></html>"),
		"y/index.html": []byte("<html><head><title>Budget Day</title></head><body><p>" + string(tale("budget")) + "</p></body></html>"),
	}
	var paths []string
	for _, name := range []string{"a/article.txt", "b/article.txt", "物語.txt", "別.txt", "🔥.txt", "x/index.html", "y/index.html"} {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	runCLI(t, vars, "docs") // a fresh index gets the default story
	for _, p := range paths {
		ingestOK(t, vars, p) // one at a time, as a user would
	}
	want := []string{"phantom-secure", "article", "article-2", "物語", "別", "the-forge", "index", "index-2"}
	if got := docIDs(t, vars); !slices.Equal(got, want) {
		t.Errorf("documents %q, want %q", got, want)
	}
	// The listing tells the two article.txt files apart by their paths.
	if r := runCLI(t, vars, "docs"); !strings.Contains(r.stdout, paths[0]) || !strings.Contains(r.stdout, paths[1]) {
		t.Errorf("docs does not show where each article came from:\n%s", r.stdout)
	}
	// The second article again, changed: it replaces its own version.
	if err := os.WriteFile(paths[1], append(tale("bridge"), " It fell in the flood."...), 0o644); err != nil {
		t.Fatal(err)
	}
	out := ingestOK(t, vars, paths[1])
	if !strings.Contains(out, "as article-2") || !strings.Contains(out, "replaced the previous version") {
		t.Errorf("re-ingest of b/article.txt printed:\n%s", out)
	}
	if got := docIDs(t, vars); !slices.Equal(got, want) {
		t.Errorf("after re-ingesting: %q, want %q", got, want)
	}
	// And a search finds each under its own id.
	r := runCLI(t, vars, "search", "--json", "--k", "1", "bridge flood")
	if r.err != nil || !strings.Contains(r.stdout, `"id": "article-2#1"`) {
		t.Errorf("search bridge flood: %v\n%s", r.err, r.stdout)
	}
	out = ingestOK(t, vars, writeFile(t, "article.txt", tale("tower")))
	if !strings.Contains(out, "article is another document, so this one is article-3 (--id names it)") {
		t.Errorf("a numbered id is not explained:\n%s", out)
	}
}

func TestIngestID(t *testing.T) {
	vars := testEnv(t)
	first, second := writeFile(t, "draft.txt", tale("mill")), writeFile(t, "final.txt", tale("tower"))
	if out := ingestOK(t, vars, "--id", "saga", first); !strings.Contains(out, "as saga") {
		t.Errorf("ingest --id saga printed:\n%s", out)
	}
	if out := ingestOK(t, vars, "--id", "saga", second); !strings.Contains(out, "as saga") || !strings.Contains(out, "replaced") {
		t.Errorf("another file under the same --id printed:\n%s", out)
	}
	if got := docIDs(t, vars); !slices.Contains(got, "saga") || slices.Contains(got, "draft") || slices.Contains(got, "final") {
		t.Errorf("documents %q, want saga alone for both files", got)
	}
	for _, args := range [][]string{{"--id", "My Saga", first}, {"--id", "saga", first, second}, {"--id", "a#1", first}} {
		if r := runCLI(t, vars, append([]string{"ingest"}, args...)...); !errors.As(r.err, new(usageError)) {
			t.Errorf("ingest %q: err = %v, want a usage error", args, r.err)
		}
	}
	if r := runCLI(t, vars, "ingest", "--id", "My Saga", first); r.err == nil || !strings.Contains(r.err.Error(), "my-saga") {
		t.Errorf("--id 'My Saga': %v, want a suggestion", r.err)
	}
}

func TestDocsListsAndRemoves(t *testing.T) {
	vars := testEnv(t)
	runCLI(t, vars, "docs") // a fresh index gets the default story
	ingestOK(t, vars, "--date", "2020-05-01", writeFile(t, "mill.txt", tale("mill")))
	ingestOK(t, vars, "--guild", "123456789012345678", writeFile(t, "bridge.txt", tale("bridge")))
	got := docsOf(t, vars)
	if len(got.Documents) != 3 {
		t.Fatalf("docs: %+v; want the default story and two", got.Documents)
	}
	mill, bridge := got.Documents[1], got.Documents[2]
	if _, err := time.Parse(time.RFC3339, mill.IngestedAt); err != nil || mill.ID != "mill" || mill.Title != "The mill" || mill.Date != "2020-05-01" ||
		mill.Words < 20 || mill.Passages != 1 || mill.Source != "mill.txt" || mill.Guild != "" {
		t.Errorf("mill listed as %+v", mill)
	}
	if bridge.Guild != "123456789012345678" {
		t.Errorf("bridge ingested with --guild listed as %+v", bridge)
	}
	r := runCLI(t, vars, "docs")
	for _, want := range []string{"ID", "WORDS", "SERVER", "mill", "The mill", "2020-05-01", "all", "123456789012345678", "phantom-secure"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("docs lacks %q:\n%s", want, r.stdout)
		}
	}

	// One unknown id: nothing is removed.
	r = runCLI(t, vars, "docs", "remove", "mill", "nope")
	if r.err == nil || !strings.Contains(r.err.Error(), `"nope"`) || !strings.Contains(r.err.Error(), "nothing was removed") {
		t.Errorf("docs remove mill nope: %v", r.err)
	}
	if ids := docIDs(t, vars); len(ids) != 3 {
		t.Errorf("after a refused removal: %q", ids)
	}
	r = runCLI(t, vars, "docs", "remove", "mill", "phantom-secure")
	if r.err != nil || !strings.Contains(r.stdout, "removed mill, phantom-secure") {
		t.Fatalf("docs remove: %v %q", r.err, r.stdout)
	}
	// The default story stays removed, whatever runs next.
	for _, args := range [][]string{{"ask", "Who is Ramos?"}, {"search", "Ramos"}, {"timeline"}} {
		runCLI(t, vars, args...)
	}
	if ids := docIDs(t, vars); !slices.Equal(ids, []string{"bridge"}) {
		t.Errorf("after removing two: %q, want bridge alone", ids)
	}
	// Until it is asked for.
	if out := ingestOK(t, vars, "--default-story"); !strings.Contains(out, "as phantom-secure") {
		t.Errorf("ingest --default-story printed:\n%s", out)
	}
	if ids := docIDs(t, vars); !slices.Equal(ids, []string{"bridge", "phantom-secure"}) {
		t.Errorf("after re-seeding: %q", ids)
	}
	if r := runCLI(t, vars, "docs", "remove"); !errors.As(r.err, new(usageError)) {
		t.Errorf("docs remove with no id: %v", r.err)
	}
}

func TestDefaultStoryOff(t *testing.T) {
	vars := testEnv(t)
	vars["STORYBOT_DEFAULT_STORY"] = "false"
	if ids := docIDs(t, vars); len(ids) != 0 {
		t.Errorf("with STORYBOT_DEFAULT_STORY=false a new index holds %q", ids)
	}
	r := runCLI(t, vars, "docs")
	if !strings.Contains(r.stdout, "holds no documents") {
		t.Errorf("docs on an empty index: %q", r.stdout)
	}
	delete(vars, "STORYBOT_DEFAULT_STORY")
	if ids := docIDs(t, vars); !slices.Equal(ids, []string{"phantom-secure"}) {
		t.Errorf("STORYBOT_DEFAULT_STORY unset again: %q, want the story seeded", ids)
	}
}

func TestDocScopesAskSearchAndTimeline(t *testing.T) {
	vars := testEnv(t)
	runCLI(t, vars, "docs") // a fresh index gets the default story
	ingestOK(t, vars, "--date", "2021-01-01", writeFile(t, "mill.txt", []byte("The Mill\n\nThe mill on the river was built in 1850 by the miller's grandfather, and it burned down last year in a storm that also took the old bridge.")))
	ingestOK(t, vars, writeFile(t, "bridge.txt", []byte("The Bridge\n\nThe stone bridge was opened in 1901, and the town paid for it with a tax on flour that the miller never forgave.")))

	r := runCLI(t, vars, "search", "--json", "--doc", "bridge", "mill bridge miller")
	var got searchJSON
	if json.Unmarshal([]byte(r.stdout), &got); r.err != nil || len(got.Passages) == 0 {
		t.Fatalf("search --doc bridge: %v\n%s", r.err, r.stdout)
	}
	for _, p := range got.Passages {
		if p.Doc != "bridge" {
			t.Errorf("search --doc bridge found %s", p.ID)
		}
	}
	r = runCLI(t, vars, "search", "--json", "--doc", "bridge", "--doc", "mill", "mill bridge miller")
	json.Unmarshal([]byte(r.stdout), &got)
	docs := map[string]bool{}
	for _, p := range got.Passages {
		docs[p.Doc] = true
	}
	if len(docs) != 2 || docs["phantom-secure"] {
		t.Errorf("search --doc bridge --doc mill found passages of %v", docs)
	}

	r = runCLI(t, vars, "ask", "--json", "--doc", "mill", "When was the bridge opened?")
	if r.err != nil || strings.Contains(r.stdout, "bridge#") || strings.Contains(r.stdout, "phantom-secure#") {
		t.Errorf("ask --doc mill cites another document: %v\n%s", r.err, r.stdout)
	}
	r = runCLI(t, vars, "ask", "--json", "--doc", "bridge,mill", "When was the bridge opened?")
	if r.err != nil || !strings.Contains(r.stdout, "bridge#1") {
		t.Errorf("ask --doc bridge,mill: %v\n%s", r.err, r.stdout)
	}

	tl := timelineOf(t, vars, "--doc", "mill", "--doc", "bridge")
	var order []string
	for _, e := range tl.Events {
		order = append(order, e.Date+" "+e.Doc)
	}
	if want := []string{"1850 mill", "1901 bridge", "2020 mill"}; !slices.Equal(order, want) {
		t.Errorf("timeline of mill and bridge: %q, want %q", order, want)
	}
	if len(tl.Documents) != 2 || tl.Documents[0].Doc != "mill" || tl.Documents[0].DocumentDate != "2021-01-01" {
		t.Errorf("timeline documents %+v", tl.Documents)
	}
	text := runCLI(t, vars, "timeline", "--doc", "mill,bridge").stdout
	for _, want := range []string{"Timeline of 2 documents", "The Mill (mill): 2021-01-01, configured", `in The Bridge (bridge#1)`} {
		if !strings.Contains(text, want) {
			t.Errorf("timeline lacks %q:\n%s", want, text)
		}
	}

	for _, cmd := range [][]string{{"search", "--doc", "nope", "mill"}, {"ask", "--doc", "nope", "mill?"}, {"timeline", "--doc", "nope"}} {
		r := runCLI(t, vars, cmd...)
		if !errors.As(r.err, new(usageError)) || !strings.Contains(r.err.Error(), `no document "nope"`) {
			t.Errorf("%v: %v, want a usage error naming nope", cmd, r.err)
		}
	}
}
