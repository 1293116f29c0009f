package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// An index on a read-only volume (or a read-only file) answers: search,
// ask, timeline and docs work, and ingest says it cannot write. As root,
// permissions do not stop writes, so the test mounts the folder read-only
// in a mount namespace of its own and runs TestHelperReadOnlyIndex there.
func TestReadOnlyIndexAnswers(t *testing.T) {
	vars := testEnv(t)
	ingestOK(t, vars, writeFile(t, "mill.txt", tale("mill")))
	runCLI(t, vars, "docs")
	dir := filepath.Dir(vars["STORYBOT_DB"])
	if os.Getuid() != 0 {
		for _, p := range []string{vars["STORYBOT_DB"], dir} {
			if err := os.Chmod(p, 0o555); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		t.Setenv("STORYBOT_RO_DB", vars["STORYBOT_DB"])
		TestHelperReadOnlyIndex(t)
		return
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("running as root without unshare: cannot make a read-only folder")
	}
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" || exit 77
		exec "$1" -test.run '^TestHelperReadOnlyIndex$' -test.v`, dir, os.Args[0])
	cmd.Env = append(os.Environ(), "STORYBOT_RO_DB="+vars["STORYBOT_DB"])
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 77 {
		t.Skipf("cannot mount a read-only folder here: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperReadOnlyIndex") {
		t.Errorf("on a read-only volume: %v\n%s", err, out)
	}
}

// TestHelperReadOnlyIndex is run by TestReadOnlyIndexAnswers where the
// index cannot be written.
func TestHelperReadOnlyIndex(t *testing.T) {
	db := os.Getenv("STORYBOT_RO_DB")
	if db == "" {
		t.Skip("run by TestReadOnlyIndexAnswers")
	}
	vars := map[string]string{"STORYBOT_DB": db, "HOME": t.TempDir()}
	for _, args := range [][]string{
		{"search", "mill valley"}, {"ask", "Who knew the mill?"}, {"timeline"}, {"docs"}, {"docs", "--json"},
	} {
		if r := runCLI(t, vars, args...); r.err != nil || r.stdout == "" {
			t.Errorf("%v on a read-only index: %v\n%s", args, r.err, r.stderr)
		}
	}
	r := runCLI(t, vars, "search", "--json", "mill valley")
	if !strings.Contains(r.stdout, "mill#1") {
		t.Errorf("search does not find the mill story:\n%s", r.stdout)
	}
	for _, args := range [][]string{{"ingest", writeFile(t, "bridge.txt", tale("bridge"))}, {"docs", "remove", "mill"}} {
		r := runCLI(t, vars, args...)
		if r.err == nil || !strings.Contains(r.err.Error(), "is read-only") {
			t.Errorf("%v on a read-only index: %v; want it to say the index is read-only", args[0], r.err)
		}
	}
}
