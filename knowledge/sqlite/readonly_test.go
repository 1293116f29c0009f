package sqlite_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// newIndex writes an index at path holding the default story and a
// server's story, and closes it.
func newIndex(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	p := story(t, "discord:A:mill.txt", storyText("mill"), knowledge.ParseOptions{})
	p.Doc.Guild = "A"
	mustIngest(t, st, p)
}

// checkReadOnly checks that st answers and refuses every write, saying why.
func checkReadOnly(t *testing.T, st *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	if !st.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if ps, err := st.Search(ctx, knowledge.Everything, "Ramos backdoor", 3); err != nil || len(ps) == 0 {
		t.Errorf("Search: %d passages, %v", len(ps), err)
	}
	if got := ids(t, st, knowledge.Everything); len(got) != 2 {
		t.Errorf("Documents: %q", got)
	}
	if err := st.EnsureDefault(ctx); err != nil {
		t.Errorf("EnsureDefault: %v", err)
	}
	writes := map[string]func() error{
		"Ingest": func() error {
			_, err := st.Ingest(ctx, []knowledge.Parsed{story(t, "/a/new.txt", storyText("tower"), knowledge.ParseOptions{})}, nil)
			return err
		},
		"Remove": func() error { return st.Remove(ctx, knowledge.Everything, "mill") },
		"Bind":   func() error { return st.Bind(ctx, "A", "c", "mill") },
	}
	for name, write := range writes {
		if err := write(); !errors.Is(err, sqlite.ErrReadOnly) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s: %v, want ErrReadOnly", name, err)
		}
	}
}

func TestOpenReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	newIndex(t, path)
	st, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkReadOnly(t, st)
}

func TestOpenReadOnlyRefusesAnIndexThatNeedsMigrating(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	newIndex(t, path)
	if err := setUserVersion(path, 2); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.OpenReadOnly(context.Background(), path)
	if !errors.Is(err, sqlite.ErrReadOnly) || !strings.Contains(err.Error(), "schema 2") {
		t.Errorf("OpenReadOnly of an index at schema 2: %v; want a read-only error naming the schema", err)
	}
}

// An index whose file and folder cannot be written (a read-only volume) is
// opened read-only by Open, and answers. As root, permissions do not stop
// writes, so the test mounts the folder read-only in a mount namespace of
// its own and runs TestHelperReadOnlyVolume there.
func TestOpenOnAReadOnlyVolume(t *testing.T) {
	dir := t.TempDir()
	newIndex(t, filepath.Join(dir, "index.db"))
	if os.Getuid() != 0 {
		for _, p := range []string{filepath.Join(dir, "index.db"), dir} {
			if err := os.Chmod(p, 0o555); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		t.Setenv("STORYBOT_RO_DIR", dir)
		TestHelperReadOnlyVolume(t)
		return
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("running as root without unshare: cannot make a read-only folder")
	}
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$STORYBOT_RO_DIR" "$STORYBOT_RO_DIR" && mount -o remount,bind,ro "$STORYBOT_RO_DIR" || exit 77
		exec "$0" -test.run '^TestHelperReadOnlyVolume$' -test.v`, os.Args[0])
	cmd.Env = append(os.Environ(), "STORYBOT_RO_DIR="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 77 {
		t.Skipf("cannot mount a read-only folder here: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperReadOnlyVolume") {
		t.Errorf("on a read-only volume: %v\n%s", err, out)
	}
}

// TestHelperReadOnlyVolume is run by TestOpenOnAReadOnlyVolume in a
// folder that cannot be written.
func TestHelperReadOnlyVolume(t *testing.T) {
	dir := os.Getenv("STORYBOT_RO_DIR")
	if dir == "" {
		t.Skip("run by TestOpenOnAReadOnlyVolume")
	}
	path := filepath.Join(dir, "index.db")
	if f, err := os.OpenFile(filepath.Join(dir, "probe"), os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		f.Close()
		t.Fatalf("%s can be written; the test needs it read-only", dir)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open on a read-only volume: %v", err)
	}
	defer st.Close()
	checkReadOnly(t, st)
}
