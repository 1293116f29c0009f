//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIngestRefusesWhatIsNotAFile checks that a named pipe, a device and a
// folder are refused at once with a clear message, and the index is left
// as it was.
func TestIngestRefusesWhatIsNotAFile(t *testing.T) {
	vars := testEnv(t)
	good := writeFile(t, "harbour.txt", []byte("The Harbour\n\nThe harbour master counted forty boats at dawn, and every one of them came home before the storm."))
	if r := runCLI(t, vars, "ingest", good); r.err != nil {
		t.Fatalf("ingest good file: %v", r.err)
	}
	before := runCLI(t, vars, "search", "--json", "harbour boats storm")

	fifo := filepath.Join(t.TempDir(), "story.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct{ name, file, want string }{
		{"named pipe", fifo, "named pipe"},
		{"device", os.DevNull, "device"},
		{"folder", t.TempDir(), "folder"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ name, file, want string }{"endless device", "/dev/zero", "device"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan result, 1)
			go func() { done <- runCLI(t, vars, "ingest", good, tt.file) }()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("ingest %s has not returned after 10 s: it waits on what it reads", tt.file)
			}
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || !strings.Contains(r.err.Error(), "unchanged") {
				t.Fatalf("ingest %s: err = %v, want %q and that the index is unchanged", tt.file, r.err, tt.want)
			}
			if after := runCLI(t, vars, "search", "--json", "harbour boats storm"); after.stdout != before.stdout {
				t.Errorf("index changed:\nbefore %s\nafter  %s", before.stdout, after.stdout)
			}
		})
	}
}
