package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFileSizeCap(t *testing.T) {
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact.txt")
	over := filepath.Join(dir, "over.txt")
	if err := os.WriteFile(exact, []byte(strings.Repeat("a", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(over, []byte(strings.Repeat("a", 1001)), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := readFile(exact, 1000); err != nil || len(data) != 1000 {
		t.Errorf("readFile of a file at the cap: %d bytes, %v", len(data), err)
	}
	if _, err := readFile(over, 1000); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("readFile of a file over the cap: err = %v, want the size error", err)
	}
}

// endless is a reader that never ends, as /dev/zero or a file that keeps
// growing is.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.read += int64(len(p))
	return len(p), nil
}

func TestReadAtMostStopsAtTheCap(t *testing.T) {
	for _, size := range []int64{0, 10, 1 << 20} { // what a stat said: nothing, too little, too much
		r := &endless{}
		if _, err := readAtMost(r, size, 1<<20); !errors.Is(err, errTooLarge) {
			t.Errorf("size hint %d: err = %v, want errTooLarge", size, err)
		}
		if r.read > 2<<20+1024 {
			t.Errorf("size hint %d: read %d bytes of an endless reader with a 1 MB cap", size, r.read)
		}
	}
	data, err := readAtMost(io.LimitReader(&endless{}, 1<<20), 0, 1<<20)
	if err != nil || len(data) != 1<<20 {
		t.Errorf("reader of exactly the cap: %d bytes, %v", len(data), err)
	}
}
