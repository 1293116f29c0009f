package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/config"
)

// inFolderWithDotEnv makes a temporary working folder holding a .env file
// with the given text, and moves the test into it. run reads that file only
// when getenv names it (config.EnvFile), as main's does.
func inFolderWithDotEnv(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

// TestDotEnvBadLines: a .env with a byte-order mark and two bad lines loads
// its good lines, warns of each bad one by line number (and name, when the
// line gives one) on every command, and doctor counts them as problems.
func TestDotEnvBadLines(t *testing.T) {
	dir := inFolderWithDotEnv(t, "\ufeffSTORYBOT_DB=from-dotenv.db\n"+
		"this is garbage sk-hidden-1\n"+
		"OPENAI_MODEL=\"unterminated sk-hidden-2\n"+
		"LOG_LEVEL=warn\r\n")
	vars := map[string]string{"HOME": t.TempDir(), config.EnvFile: ".env"}

	r := runCLI(t, vars, "search", "--json", "backdoor")
	if r.err != nil {
		t.Fatalf("search: %v\n%s", r.err, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "from-dotenv.db")); err != nil {
		t.Errorf("STORYBOT_DB from .env's first line (after the byte-order mark) not used: %v", err)
	}
	wantWarnings := "storybot: .env line 2: not a KEY=value line; the line is ignored\n" +
		"storybot: .env line 3 (OPENAI_MODEL): the double quote opened after = is not closed on the same line; the line is ignored\n"
	if r.stderr != wantWarnings {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, wantWarnings)
	}

	r = runCLI(t, vars, "doctor", "--timeout", "1s")
	if r.err == nil || r.err.Error() != "doctor found 2 problems" {
		t.Errorf("doctor: err = %v, want 2 problems", r.err)
	}
	for _, want := range []string{
		"problem  configuration: .env line 2: not a KEY=value line; the line is ignored\n",
		"problem  configuration: .env line 3 (OPENAI_MODEL): the double quote opened after = is not closed on the same line; the line is ignored\n",
		"ok       configuration: the rest is valid; set: STORYBOT_DB, LOG_LEVEL\n",
		"ok       index: from-dotenv.db holds 1 document",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor printed:\n%s\nwant a line %q", r.stdout, want)
		}
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, "sk-hidden") || strings.Contains(out, "garbage") {
			t.Errorf("a bad line's text is shown:\n%s", out)
		}
	}

	// The real environment wins over the file.
	vars["STORYBOT_DB"] = filepath.Join(t.TempDir(), "from-env.db")
	if r := runCLI(t, vars, "search", "backdoor"); r.err != nil {
		t.Fatal(r.err)
	}
	if _, err := os.Stat(vars["STORYBOT_DB"]); err != nil {
		t.Errorf("STORYBOT_DB from the environment not used: %v", err)
	}
}

func TestDotEnvUnreadable(t *testing.T) {
	inFolderWithDotEnv(t, "")
	if err := os.Remove(".env"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(".env", 0o755); err != nil { // a folder: cannot be read as a file
		t.Fatal(err)
	}
	vars := testEnv(t)
	vars[config.EnvFile] = ".env"
	r := runCLI(t, vars, "version")
	if r.err != nil || !strings.HasPrefix(r.stderr, "storybot: .env ignored: read .env: ") {
		t.Errorf("version with .env a folder: %v, stderr %q; want it to run and warn", r.err, r.stderr)
	}
	r = runCLI(t, vars, "doctor", "--timeout", "1s")
	if !strings.Contains(r.stdout, "problem  configuration: .env ignored: read .env: ") {
		t.Errorf("doctor printed:\n%s\nwant the unreadable .env as a problem", r.stdout)
	}
}

// TestRunReadsOnlyWhatItIsGiven: with no .env file named, run reads none,
// whatever the working folder holds.
func TestRunReadsOnlyWhatItIsGiven(t *testing.T) {
	dir := inFolderWithDotEnv(t, "STORYBOT_DB=from-dotenv.db\nthis is garbage\n")
	vars := map[string]string{"HOME": t.TempDir(), "STORYBOT_DB": filepath.Join(t.TempDir(), "given.db")}
	r := runCLI(t, vars, "search", "backdoor")
	if r.err != nil {
		t.Fatalf("search: %v\n%s", r.err, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "from-dotenv.db")); err == nil {
		t.Error("run read the working folder's .env though getenv named none")
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q, want nothing (the .env was not read)", r.stderr)
	}
}
