package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// wrappedBook is a hard-wrapped book in two chapters.
const wrappedBook = `The Ferryman

CHAPTER I.

Tobias kept the ferry at the bend of the river for forty years, and
in all that time he never once crossed after dark, whatever the
traveller offered him and however loud the bell rang on the far bank.

CHAPTER II.

One winter night a stranger rang the bell and offered him a silver
crown, then two, then a gold sovereign, to be taken across the river
before the ice closed it for the season.
`

// TestChaptersOnTheCommandLine checks that ask and search name each
// passage's chapter, as text and as JSON, and show hard-wrapped quotes on
// joined lines while the JSON keeps them as they are.
func TestChaptersOnTheCommandLine(t *testing.T) {
	vars := testEnv(t)
	if r := runCLI(t, vars, "ingest", writeFile(t, "ferryman.txt", []byte(wrappedBook))); r.err != nil {
		t.Fatalf("ingest: %v", r.err)
	}
	const question = "What did the stranger offer to be taken across the river?"
	const joined = "One winter night a stranger rang the bell and offered him a silver crown, then two, then a gold sovereign, to be taken across the river before the ice closed it for the season."

	r := runCLI(t, vars, "ask", question)
	if r.err != nil {
		t.Fatalf("ask: %v", r.err)
	}
	if !strings.Contains(r.stdout, "[1] ferryman#2, chapter 2\n") || !strings.Contains(r.stdout, "“"+joined+"”") {
		t.Errorf("ask printed:\n%s\nwant [1] ferryman#2, chapter 2 and the quote on joined lines", r.stdout)
	}

	r = runCLI(t, vars, "ask", "--json", question)
	a := decodeAsk(t, r.stdout)
	var raw struct {
		Citations []map[string]any `json:"citations"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || len(raw.Citations) == 0 {
		t.Fatalf("ask --json: %v\n%s", err, r.stdout)
	}
	if raw.Citations[0]["chapter"] != "chapter 2" || !strings.Contains(a.Citations[0].Quote, "silver\ncrown") {
		t.Errorf("ask --json citation %v: want chapter 2 and the quote as the file has it", raw.Citations[0])
	}

	r = runCLI(t, vars, "search", "--json", "--k", "1", "gold sovereign")
	var s struct {
		Passages []map[string]any `json:"passages"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || len(s.Passages) != 1 || s.Passages[0]["chapter"] != "chapter 2" {
		t.Errorf("search --json: %v, %s; want ferryman#2 with its chapter", err, r.stdout)
	}
	if r = runCLI(t, vars, "search", "--k", "1", "gold sovereign"); !strings.Contains(r.stdout, "ferryman#2, chapter 2") || !strings.Contains(r.stdout, joined) {
		t.Errorf("search printed:\n%s\nwant the passage's chapter and its lines joined", r.stdout)
	}
}
