package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs storybot in-process with an environment holding only vars, and
// returns what it printed.
type result struct {
	stdout, stderr string
	err            error
}

func runCLI(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	err := run(context.Background(), args, getenv, &stdout, &stderr)
	return result{stdout.String(), stderr.String(), err}
}

// testEnv points STORYBOT_DB at a fresh database in a temporary folder.
func testEnv(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"STORYBOT_DB": filepath.Join(t.TempDir(), "storybot.db"), "HOME": t.TempDir()}
}

func TestHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, testEnv(t), c.name, "--help")
			if r.err != nil {
				t.Fatalf("%s --help: %v", c.name, r.err)
			}
			if !strings.Contains(r.stderr, "Usage: storybot "+c.name) {
				t.Errorf("%s --help printed %q, want its usage", c.name, r.stderr)
			}
		})
	}
	r := runCLI(t, nil, "--help")
	if r.err != nil || !strings.Contains(r.stdout, "search") {
		t.Errorf("storybot --help = %q, %v", r.stdout, r.err)
	}
	if r := runCLI(t, nil, "frobnicate"); !errors.As(r.err, new(usageError)) {
		t.Errorf("unknown command: err = %v, want a usage error", r.err)
	}
}

type searchJSON struct {
	Query    string `json:"query"`
	Passages []struct {
		ID    string   `json:"id"`
		Doc   string   `json:"doc"`
		Text  string   `json:"text"`
		Score *float64 `json:"score"`
	} `json:"passages"`
	Searched string `json:"searched"`
}

func TestSearchJSON(t *testing.T) {
	r := runCLI(t, testEnv(t), "search", "--json", "--k", "3", "When did Ramos plead guilty?")
	if r.err != nil {
		t.Fatalf("search: %v\n%s", r.err, r.stderr)
	}
	var got searchJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("output is not the documented JSON: %v\n%s", err, r.stdout)
	}
	if got.Query != "When did Ramos plead guilty?" {
		t.Errorf("query = %q", got.Query)
	}
	if len(got.Passages) != 3 {
		t.Fatalf("%d passages, want 3", len(got.Passages))
	}
	first := got.Passages[0]
	if !strings.Contains(first.Text, "pleaded guilty in October 2018") {
		t.Errorf("best passage %s does not hold the answer: %q", first.ID, first.Text)
	}
	if first.Doc != "phantom-secure" || !strings.HasPrefix(first.ID, "phantom-secure#") || first.Score == nil {
		t.Errorf("best passage = %+v", first)
	}
	for i := 1; i < len(got.Passages); i++ {
		if *got.Passages[i].Score > *got.Passages[i-1].Score {
			t.Errorf("passages not best first: %v after %v", *got.Passages[i].Score, *got.Passages[i-1].Score)
		}
	}
}

func TestSearchHostileQueriesGiveJSONOrAClearError(t *testing.T) {
	vars := testEnv(t)
	for _, q := range []string{`"unbalanced`, `NEAR(fbi ramos)`, `back*`, `^fbi`, `text: ramos`, `'; DROP TABLE passages; --`,
		"🔐 Ramos", "\u202eRamos", strings.Repeat("(backdoor ", 3000), strings.Repeat("a", 100000)} {
		r := runCLI(t, vars, "search", "--json", q)
		if r.err != nil {
			t.Errorf("search %.40q: %v", q, r.err)
			continue
		}
		var got searchJSON
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Passages == nil {
			t.Errorf("search %.40q: not the documented JSON (%v): %.200s", q, err, r.stdout)
		}
	}
	for _, q := range []string{"", "   ", "((( )))", "***", "🔐🔐"} {
		r := runCLI(t, vars, "search", "--json", q)
		if !errors.As(r.err, new(usageError)) || strings.Contains(r.err.Error(), "\n") {
			t.Errorf("search %q: err = %v, want a one-line usage error", q, r.err)
		}
	}
}

func TestSearchReadable(t *testing.T) {
	r := runCLI(t, testEnv(t), "search", "Lamborghini")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.HasPrefix(r.stdout, "1. phantom-secure#") || !strings.Contains(r.stdout, "Lamborghini") {
		t.Errorf("readable output:\n%s", r.stdout)
	}
}

// TestSearchRespells: a misspelt word the story lacks is searched as the
// story's word one edit away, and the output says so.
func TestSearchRespells(t *testing.T) {
	vars := testEnv(t)
	r := runCLI(t, vars, "search", "lamborgini")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.HasPrefix(r.stdout, "Read “lamborgini” as “lamborghini”.\n\n1. phantom-secure#") {
		t.Errorf("readable output:\n%s", r.stdout)
	}
	r = runCLI(t, vars, "search", "--json", "lamborgini")
	var got searchJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); r.err != nil || err != nil {
		t.Fatalf("search --json: %v %v\n%s", r.err, err, r.stdout)
	}
	if got.Query != "lamborgini" || got.Searched != "lamborghini" || len(got.Passages) == 0 || !strings.Contains(got.Passages[0].Text, "Lamborghini") {
		t.Errorf("search --json lamborgini = %+v", got)
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIngestBadFilesLeaveTheIndexIntact(t *testing.T) {
	vars := testEnv(t)
	good := writeFile(t, "harbour.txt", []byte("The Harbour\n\nThe harbour master counted forty boats at dawn, and every one of them came home before the storm reached the breakwater that evening."))
	if r := runCLI(t, vars, "ingest", good); r.err != nil {
		t.Fatalf("ingest good file: %v", r.err)
	}
	before := runCLI(t, vars, "search", "--json", "harbour boats storm")

	dir := t.TempDir()
	tests := []struct {
		name string
		file string
		want string
	}{
		{"missing", filepath.Join(dir, "nope.txt"), "no such file"},
		{"empty", writeFile(t, "empty.txt", nil), "no text"},
		{"blank", writeFile(t, "blank.txt", []byte(" \n\n\t\n")), "no text"},
		{"not utf-8", writeFile(t, "latin1.txt", []byte("caf\xe9 au lait, cr\xe8me br\xfbl\xe9e")), "not UTF-8"},
		{"binary", writeFile(t, "image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")), "not UTF-8"},
		{"folder", dir, "folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A good file beside the bad one must not be ingested either.
			changed := writeFile(t, "harbour.txt", []byte("The Harbour\n\nNothing about boats any more: this version talks of lighthouses and gulls only, and it must not replace the old one."))
			r := runCLI(t, vars, "ingest", changed, tt.file)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || !strings.Contains(r.err.Error(), "unchanged") {
				t.Fatalf("ingest %s: err = %v, want %q and that the index is unchanged", tt.name, r.err, tt.want)
			}
			after := runCLI(t, vars, "search", "--json", "harbour boats storm")
			if after.stdout != before.stdout {
				t.Errorf("index changed:\nbefore %s\nafter  %s", before.stdout, after.stdout)
			}
		})
	}
}

func TestIngestReportsWhatItDid(t *testing.T) {
	vars := testEnv(t)
	f := writeFile(t, "harbour.md", []byte("---\ntitle: The Harbour\ndate: 2020-01-03\n---\n\nThe harbour master counted forty boats at dawn, and every one of them came home before the storm reached the breakwater that evening."))
	r := runCLI(t, vars, "ingest", f)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, `"The Harbour" as harbour, 1 passage (added)`) {
		t.Errorf("first ingest printed:\n%s", r.stdout)
	}
	r = runCLI(t, vars, "ingest", f)
	if r.err != nil || !strings.Contains(r.stdout, "unchanged") {
		t.Errorf("second ingest printed %q, %v; want unchanged", r.stdout, r.err)
	}
	r = runCLI(t, vars, "search", "--json", "--doc", "harbour", "boats")
	if r.err != nil || !strings.Contains(r.stdout, "harbour#1") {
		t.Errorf("search --doc harbour: %q, %v", r.stdout, r.err)
	}
	if r := runCLI(t, vars, "ingest", "--date", "May 2019", f); !errors.As(r.err, new(usageError)) {
		t.Errorf("--date 'May 2019': err = %v, want a usage error", r.err)
	}
}

func TestIngestDropsBoilerplateAndSaysSo(t *testing.T) {
	vars := testEnv(t)
	f := writeFile(t, "phantom.txt", mustRead(t, "../../knowledge/story/phantom-secure.txt"))
	r := runCLI(t, vars, "ingest", f)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, "dropped as boilerplate") || !strings.Contains(r.stdout, "--keep-all") {
		t.Errorf("ingest did not say what it dropped:\n%s", r.stdout)
	}
	s := runCLI(t, vars, "search", "--json", "--k", "20", "cheapest NBN plans affiliate")
	var got searchJSON
	if err := json.Unmarshal([]byte(s.stdout), &got); err != nil {
		t.Fatalf("search: %v, %v", s.err, err)
	}
	for _, p := range got.Passages {
		if strings.Contains(p.Text, "NBN") || strings.Contains(p.Text, "affiliate") {
			t.Errorf("the advertising block is searchable: %s", p.ID)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
