package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestIngestURL ingests a web page from a local server as a user would:
// the article only, its URL as the source, its publication date as the
// document date, which the timeline then reads ("last year" is 2023), and
// --date winning over it.
func TestIngestURL(t *testing.T) {
	page, err := os.ReadFile("../../knowledge/testdata/web/plain-div-news.html")
	if err != nil {
		t.Fatal(err)
	}
	page = []byte(strings.Replace(string(page), "The repair cost 41 million dollars", "Last year the repair cost 41 million dollars", 1))
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents = append(agents, r.UserAgent())
		if r.URL.Path != "/news/harbour-bridge-reopens" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	url := srv.URL + "/news/harbour-bridge-reopens"

	vars := testEnv(t)
	r := runCLI(t, vars, "ingest", url)
	if r.err != nil {
		t.Fatalf("ingest %s: %v\n%s", url, r.err, r.stderr)
	}
	for _, want := range []string{
		url + `: "Harbour bridge reopens after three-year repair" as harbour-bridge-reopens,`,
		"dated 2024-03-08, the page's publication date",
		"dropped as boilerplate: The Westport Ledger · Local news",
		"Reader comments (3)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("ingest printed:\n%s\nwant %q", r.stdout, want)
		}
	}
	if len(agents) != 1 || agents[0] != "storybot/dev (+https://github.com/storybot/storybot)" {
		t.Errorf("the server saw User-Agents %q", agents)
	}

	s := runCLI(t, vars, "search", "--json", "consultants wasted twelve million")
	if strings.Count(s.stdout, "consultants") > 1 { // once in "query"
		t.Errorf("a reader's comment is indexed: %s", s.stdout)
	}
	tl := timelineOf(t, vars, "--doc", "harbour-bridge-reopens")
	if tl.DocumentDate != "2024-03-08" || tl.DocumentDateSource != "metadata" {
		t.Errorf("timeline document date %q from %q, want 2024-03-08 from metadata", tl.DocumentDate, tl.DocumentDateSource)
	}
	found := false
	for _, e := range tl.Events {
		if e.Expression == "Last year" {
			found = e.Date == "2023"
		}
	}
	if !found {
		t.Errorf("events %+v, want \"Last year\" dated 2023", tl.Events)
	}
	if out := runCLI(t, vars, "timeline", "--doc", "harbour-bridge-reopens"); !strings.Contains(out.stdout, "Document date: 2024-03-08, metadata: the publication date in the page's metadata.") {
		t.Errorf("timeline printed:\n%s", out.stdout)
	}

	if r := runCLI(t, vars, "ingest", "--date", "2020-01-31", url); r.err != nil || strings.Contains(r.stdout, "publication date") {
		t.Fatalf("ingest --date: %v\n%s", r.err, r.stdout)
	}
	if tl := timelineOf(t, vars, "--doc", "harbour-bridge-reopens"); tl.DocumentDate != "2020-01-31" || tl.DocumentDateSource != "configured" {
		t.Errorf("with --date: document date %q from %q, want 2020-01-31, configured", tl.DocumentDate, tl.DocumentDateSource)
	}
}

// TestIngestURLRefused checks that a URL that cannot be ingested says why
// in one sentence, and that nothing is ingested beside it.
func TestIngestURLRefused(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><div hidden>Only hidden words here.</div></body></html>"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	vars := testEnv(t)
	good := writeFile(t, "harbour.txt", []byte("The Harbour\n\nThe harbour master counted forty boats at dawn, and every one of them came home before the storm."))
	tests := []struct{ url, want string }{
		{srv.URL + "/loop", srv.URL + "/loop: more than 5 redirects (a redirect loop?)"},
		{srv.URL + "/report.pdf", "the server sent application/pdf, not a web page or text"},
		{srv.URL + "/missing", srv.URL + "/missing: the server answered 404 Not Found"},
		{srv.URL + "/empty", srv.URL + "/empty: has no text to index"},
		{"ftp://example.com/story.txt", "ftp://example.com/story.txt: only http:// and https:// addresses can be fetched"},
	}
	for _, tt := range tests {
		r := runCLI(t, vars, "ingest", good, tt.url)
		if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || !strings.Contains(r.err.Error(), "the index is unchanged") {
			t.Errorf("ingest %s: err = %v, want %q", tt.url, r.err, tt.want)
		}
	}
	if r := runCLI(t, vars, "search", "--json", "harbour boats"); strings.Count(r.stdout, "harbour") > 1 { // once in "query"
		t.Errorf("a file was ingested beside a refused URL: %s", r.stdout)
	}
}
