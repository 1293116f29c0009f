package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/answer"
)

// The default story never says "sentenced": it says "Ramos landed nine
// years in prison in May 2019". These are the issue's example, asked as a
// user would on the command line.
const (
	prisonTerm   = "Ramos landed nine years in prison in May 2019"
	askedAbout   = "Who is Vincent Ramos?"
	inOtherWords = "What was he sentenced to?"
)

// TestChatInOtherWords pipes the two questions into the storybot binary:
// the follow-up quotes the prison term.
func TestChatInOtherWords(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := storybotCommand(ctx, t.TempDir(), testEnv(t), "chat")
	cmd.Stdin = strings.NewReader(askedAbout + "\n" + inOtherWords + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr.String())
	}
	_, second, ok := strings.Cut(stdout.String(), "> "+inOtherWords)
	if !ok || !strings.Contains(second, "[1] phantom-secure#11") || !strings.Contains(second, prisonTerm) {
		t.Errorf("transcript:\n%s\nwant the follow-up answered first with %q", stdout.String(), prisonTerm)
	}
}

// TestAskHistoryInOtherWords replays the first question's ask --json
// output with --history; asked alone with the name, the question finds
// the same sentence.
func TestAskHistoryInOtherWords(t *testing.T) {
	vars := testEnv(t)
	r := runCLI(t, vars, "ask", "--json", askedAbout)
	if r.err != nil {
		t.Fatal(r.err)
	}
	file := filepath.Join(t.TempDir(), "history.json")
	if err := os.WriteFile(file, []byte("["+r.stdout+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--history", file, inOtherWords}, {"What was Ramos sentenced to?"}} {
		a := askHistoryJSON(t, vars, args...)
		if a.Mode != answer.ModeExtractive || !quoted(a, prisonTerm) {
			t.Errorf("ask %q: %s %+v; want a quote of %q", args, a.Mode, a.Citations, prisonTerm)
		}
	}
}

// quoted reports whether a citation of a holds s.
func quoted(a answer.Answer, s string) bool {
	for _, c := range a.Citations {
		if strings.Contains(c.Quote, s) {
			return true
		}
	}
	return false
}
