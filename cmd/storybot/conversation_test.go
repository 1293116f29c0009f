package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/answer"
)

// twoShops is a story in which "he" and "she" are told apart only by the
// question before.
const twoShops = `Two Shops on Mill Street

Anna Berg has run the bakery on Mill Street since 1998, baking rye loaves before dawn and selling them to the workers of the paper mill across the road. The town inspectors visited her bakery in March after a neighbour complained about smoke.

Anna Berg was fined two hundred dollars for the smoke, and she paid the fine the same week. She told the local paper that the old oven would be replaced by the end of the summer, and she kept her word.

Tom Lind owns the garage at the far end of Mill Street, where he repairs tractors and the delivery vans of the paper mill. The inspectors also called at his garage in March, after oil was found in the drain behind it.

Tom Lind was fined five hundred dollars for the oil, and he appealed the fine to the town council. The council heard his appeal in June and cut the fine in half because the drain had been cleaned at once.
`

// shopsEnv is an environment whose index holds the two shops (shops#1 to
// shops#4).
func shopsEnv(t *testing.T) map[string]string {
	t.Helper()
	vars := testEnv(t)
	file := filepath.Join(t.TempDir(), "shops.txt")
	if err := os.WriteFile(file, []byte(twoShops), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, vars, "ingest", file); r.err != nil {
		t.Fatalf("ingest: %v\n%s", r.err, r.stderr)
	}
	return vars
}

func askHistoryJSON(t *testing.T, vars map[string]string, args ...string) answer.Answer {
	t.Helper()
	r := runCLI(t, vars, append([]string{"ask", "--json"}, args...)...)
	if r.err != nil {
		t.Fatalf("ask %q: %v\n%s", args, r.err, r.stderr)
	}
	var a answer.Answer
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("ask --json printed %q: %v", r.stdout, err)
	}
	return a
}

// TestAskHistory: a script replays a conversation with --history, here
// the JSON ask printed for the first question, and the follow-up is
// answered about who it refers to.
func TestAskHistory(t *testing.T) {
	vars := shopsEnv(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		first, followUp, passage string
	}{
		{"Who runs the bakery?", "How much was she fined?", "shops#2"},
		{"Who repairs tractors?", "How much was he fined?", "shops#4"},
	} {
		r := runCLI(t, vars, "ask", "--json", "--doc", "shops", tc.first)
		if r.err != nil {
			t.Fatal(r.err)
		}
		file := filepath.Join(dir, "history.json")
		if err := os.WriteFile(file, []byte("["+r.stdout+"]"), 0o644); err != nil {
			t.Fatal(err)
		}
		a := askHistoryJSON(t, vars, "--doc", "shops", "--history", file, tc.followUp)
		if len(a.Citations) == 0 || a.Citations[0].PassageID != tc.passage {
			t.Errorf("%q after %q: %+v; want %s quoted first", tc.followUp, tc.first, a.Citations, tc.passage)
		}
	}
	// The plain form of the file.
	file := filepath.Join(dir, "plain.json")
	os.WriteFile(file, []byte(`[{"question": "Who repairs tractors?", "answer": "Tom Lind repairs tractors."}]`), 0o644)
	if a := askHistoryJSON(t, vars, "--history", file, "Did he appeal?"); len(a.Citations) == 0 || a.Citations[0].PassageID != "shops#4" {
		t.Errorf("Did he appeal? %+v; want shops#4", a.Citations)
	}
}

func TestAskHistoryBadFile(t *testing.T) {
	vars := testEnv(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"missing", filepath.Join(dir, "none.json"), "--history: open"},
		{"not JSON", write("bad.json", `{"question": "x"`), "is not a JSON list of"},
		{"an object", write("object.json", `{"question": "x", "answer": "y"}`), "is not a JSON list of"},
		{"no question", write("empty.json", `[{"question": "Who?", "answer": "A."}, {"answer": "B."}]`), "turn 2 of"},
		{"too large", write("large.json", "["+strings.Repeat(" ", maxHistoryFile)+"]"), "is over 1024 KB"},
	} {
		r := runCLI(t, vars, "ask", "--history", tc.file, "Who is Vincent Ramos?")
		if r.err == nil || !strings.Contains(r.err.Error(), tc.want) || r.stdout != "" {
			t.Errorf("%s: %v, stdout %q; want a usage error saying %q and no answer", tc.name, r.err, r.stdout, tc.want)
		}
	}
}

// TestChat: a conversation piped into chat: follow-ups, /reset, /doc,
// /docs, an unknown command and a line with no words, as a transcript.
func TestChat(t *testing.T) {
	vars := shopsEnv(t)
	input := strings.Join([]string{
		"/doc shops",
		"Who repairs tractors?",
		"How much was he fined?",
		"/reset",
		"/doc nowhere",
		"?!",
		"/frobnicate",
		"/docs",
		"/doc",
		"Who owns the garage?",
		"/quit",
		"Never asked?",
	}, "\n")
	var stdout, stderr bytes.Buffer
	err := runFrom(context.Background(), []string{"chat"}, func(k string) string { return vars[k] }, strings.NewReader(input), &stdout, &stderr)
	if err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	// Each question is echoed and answered in turn.
	want := []string{
		"> /doc shops\nAnswering from shops; the conversation starts again.",
		"> Who repairs tractors?\nFrom the story:\n\n[1] shops#3",
		"> How much was he fined?\nFrom the story:\n\n[1] shops#4",
		"> /reset\nThe conversation starts again.",
		`> /doc nowhere` + "\n" + `There is no document "nowhere"; /docs lists them.`,
		"> ?!\nNothing to ask in that: use some words.",
		"> /frobnicate\n/frobnicate is not a command",
		"* shops  Two Shops on Mill Street",
		"> /doc\nAnswering from every document",
		"> Who owns the garage?\nFrom the story:\n\n[1] shops#3",
	}
	at := 0
	for _, w := range want {
		i := strings.Index(out[at:], w)
		if i < 0 {
			t.Fatalf("transcript lacks, in order, %q:\n%s", w, out)
		}
		at += i + len(w)
	}
	if strings.Contains(out, "Never asked") {
		t.Errorf("chat read past /quit:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") || strings.Contains(out, "> > ") {
		t.Errorf("the transcript has colour codes or prompts:\n%s", out)
	}
}

// TestChatPipedToTheBinary pipes a conversation into the storybot binary
// itself and reads what it prints, as a script would.
func TestChatPipedToTheBinary(t *testing.T) {
	vars := shopsEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := storybotCommand(ctx, t.TempDir(), vars, "chat", "--doc", "shops")
	cmd.Stdin = strings.NewReader("Who runs the bakery?\nHow much was she fined?\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	first, second, ok := strings.Cut(out, "> How much was she fined?")
	if !ok || !strings.Contains(first, "shops#1") || !strings.Contains(second, "[1] shops#2") || !strings.Contains(second, "two hundred dollars") {
		t.Errorf("transcript:\n%s", out)
	}
}
