package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIngestSizeCap(t *testing.T) {
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact.txt")
	over := filepath.Join(dir, "over.txt")
	if err := os.WriteFile(exact, []byte(strings.Repeat("a", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(over, []byte(strings.Repeat("a", 1001)), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, size, err := openFile(exact, 1000); err != nil || size != 1000 {
		t.Errorf("openFile of a file at the cap: size %d, %v", size, err)
	} else {
		f.Close()
	}
	if _, _, err := openFile(over, 1000); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("openFile of a file over the cap: err = %v, want the size error", err)
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

func TestCappedStopsAtTheCap(t *testing.T) {
	r := &endless{}
	n, err := io.Copy(io.Discard, &capped{r: r, left: 1 << 20})
	if !errors.Is(err, errTooLarge) || n != 1<<20+1 || r.read != n {
		t.Errorf("reading an endless reader capped at 1 MB: %d bytes read, %d copied, %v; want errTooLarge just past the cap", r.read, n, err)
	}
	n, err = io.Copy(io.Discard, &capped{r: io.LimitReader(&endless{}, 1<<20), left: 1 << 20})
	if err != nil || n != 1<<20 {
		t.Errorf("a reader of exactly the cap: %d bytes, %v", n, err)
	}
}
