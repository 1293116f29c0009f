package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge/sqlite"
)

// TestBackupAndRestore backs up an index, changes it, restores the backup
// and answers from it as it was.
func TestBackupAndRestore(t *testing.T) {
	vars := testEnv(t)
	harbour := writeFile(t, "harbour.txt", []byte("The Harbour\n\nThe harbour master counted forty boats at dawn, and every one of them came home before the storm reached the breakwater that evening."))
	if r := runCLI(t, vars, "ingest", harbour); r.err != nil {
		t.Fatalf("ingest: %v", r.err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	r := runCLI(t, vars, "backup", backup)
	if r.err != nil {
		t.Fatalf("backup: %v\n%s", r.err, r.stderr)
	}
	if want := "backed up " + vars["STORYBOT_DB"] + " to " + backup + ": 1 document, 1 passage, "; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("backup printed %q, want it to start %q", r.stdout, want)
	}

	// An existing file is kept unless --force says otherwise.
	r = runCLI(t, vars, "backup", backup)
	if r.err == nil || r.err.Error() != backup+" exists; give --force to replace it, or choose another name" {
		t.Errorf("backup onto an existing file: %v", r.err)
	}
	if r := runCLI(t, vars, "backup", "--force", backup); r.err != nil {
		t.Errorf("backup --force: %v", r.err)
	}

	// The same file, changed: it replaces its earlier version.
	if err := os.WriteFile(harbour, []byte("The Harbour\n\nNothing about boats any more: this version talks of lighthouses and gulls only, and the keeper counts the gulls."), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, vars, "ingest", harbour); r.err != nil || !strings.Contains(r.stdout, "replaced") {
		t.Fatalf("ingest the changed file: %v %s", r.err, r.stdout)
	}

	// Not while the index is open.
	st, err := sqlite.Open(context.Background(), vars["STORYBOT_DB"])
	if err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, vars, "restore", backup)
	st.Close()
	if r.err == nil || !strings.Contains(r.err.Error(), "is in use") || !strings.Contains(r.err.Error(), "stop storybot first") {
		t.Errorf("restore onto an open index: %v, want it refused", r.err)
	}

	r = runCLI(t, vars, "restore", backup)
	if r.err != nil {
		t.Fatalf("restore: %v", r.err)
	}
	if want := "restored " + vars["STORYBOT_DB"] + " from " + backup + ": 1 document, 1 passage, "; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("restore printed %q, want it to start %q", r.stdout, want)
	}
	r = runCLI(t, vars, "ask", "--json", "How many boats did the harbour master count?")
	if r.err != nil || !strings.Contains(r.stdout, "forty boats") || strings.Contains(r.stdout, "gulls") {
		t.Errorf("ask after the restore: %v\n%s\nwant the backed-up harbour story", r.err, r.stdout)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Errorf("the backup is gone after the restore: %v", err)
	}
}

func TestRestoreRefusesWhatItCannotUse(t *testing.T) {
	vars := testEnv(t)
	if r := runCLI(t, vars, "search", "backdoor"); r.err != nil { // the index, with the default story
		t.Fatal(r.err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if r := runCLI(t, vars, "backup", backup); r.err != nil {
		t.Fatal(r.err)
	}
	newer := filepath.Join(t.TempDir(), "newer.db")
	if r := runCLI(t, vars, "backup", newer); r.err != nil {
		t.Fatal(r.err)
	}
	db, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name, file, want string
	}{
		{"a text file", writeFile(t, "notes.txt", []byte(strings.Repeat("just some notes ", 100))), "is not a storybot index"},
		{"a missing file", filepath.Join(t.TempDir(), "nope.db"), "no index at"},
		{"a newer schema", newer, "written by a newer storybot (schema 999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, vars, "restore", tt.file)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("restore: %v, want %q", r.err, tt.want)
			}
			if r := runCLI(t, vars, "search", "--json", "backdoor"); r.err != nil || !strings.Contains(r.stdout, "phantom-secure#") {
				t.Errorf("the index after a refused restore: %v %s", r.err, r.stdout)
			}
		})
	}
	for _, args := range [][]string{{"backup"}, {"backup", "a.db", "b.db"}, {"restore"}} {
		if r := runCLI(t, vars, args...); !errors.As(r.err, new(usageError)) {
			t.Errorf("%q: %v, want a usage error", args, r.err)
		}
	}
	if r := runCLI(t, vars, "backup", "--db", filepath.Join(t.TempDir(), "none.db"), filepath.Join(t.TempDir(), "b.db")); r.err == nil || !strings.Contains(r.err.Error(), "no index at") {
		t.Errorf("backup of a missing index: %v", r.err)
	}
}
