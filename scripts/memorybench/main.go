// Command memorybench measures the peak memory (maximum resident set size)
// of storybot processes, each binary given side by side in one run:
//
//   - ingest of one plain-text file of about 40 MB and one of about 150 MB,
//     made of the Gutenberg novels' texts (header and licence cut, so all
//     of it is indexed), repeated;
//
//   - ask on documents whose passages had no size bound: a 30 MB line
//     without spaces (words joined by commas), a million words without a
//     full stop, and a line of 2 million CJK characters.
//
//     go build -o /tmp/new ./cmd/storybot && git stash && go build -o /tmp/old ./cmd/storybot && git stash pop
//     go run ./scripts/memorybench -bin /tmp/old,/tmp/new
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "memorybench:", err)
		os.Exit(1)
	}
}

func run() error {
	bins := flag.String("bin", "", "storybot binaries to measure, comma-separated")
	novels := flag.String("novels", "../shared/datasets/gutenberg", "folder of Project Gutenberg books (*.txt)")
	rounds := flag.Int("rounds", 3, "runs of each measurement; the median is reported")
	only := flag.String("only", "ingest,ask", "which measurements: ingest, ask")
	makeIn := flag.String("make", "", "only write the documents into this folder (run by memorybench itself)")
	flag.Parse()
	if *makeIn != "" {
		return makeDocuments(*makeIn, *novels)
	}
	if *bins == "" {
		return fmt.Errorf("give -bin")
	}
	dir, err := os.MkdirTemp("", "memorybench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// A child's peak RSS counts the memory of the process that started it,
	// so the documents are made by another process and this one stays small.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if out, err := exec.Command(self, "-make", dir, "-novels", *novels).CombinedOutput(); err != nil {
		return fmt.Errorf("making the documents: %v\n%s", err, out)
	}
	if strings.Contains(*only, "ingest") {
		for _, mb := range []int{40, 150} {
			file := filepath.Join(dir, fmt.Sprintf("novels-%dmb.txt", mb))
			for _, bin := range strings.Split(*bins, ",") {
				m, err := measure(*rounds, func() (*exec.Cmd, func()) {
					db := filepath.Join(dir, "ingest.db")
					return exec.Command(bin, "ingest", "--db", db, file), func() { removeDB(db) }
				})
				if err != nil {
					return fmt.Errorf("%s ingest %dMB: %w", bin, mb, err)
				}
				fmt.Printf("ingest %3d MB  %-24s %s\n", mb, filepath.Base(bin), m)
			}
		}
	}
	if strings.Contains(*only, "ask") {
		for _, name := range []string{"line-30mb.txt", "million-words.txt", "cjk-line.txt"} {
			file := filepath.Join(dir, name)
			q := "Who was Captain Flint and where did Jim hide"
			if name == "cjk-line.txt" {
				q = cjkQuery
			}
			for _, bin := range strings.Split(*bins, ",") {
				db := filepath.Join(dir, "ask.db")
				removeDB(db)
				ingest := exec.Command(bin, "ingest", "--db", db, file)
				out := &tail{}
				ingest.Stdout, ingest.Stderr = out, out
				if err := ingest.Run(); err != nil {
					return fmt.Errorf("%s ingest %s: %v\n%s", bin, name, err, out)
				}
				m, err := measure(*rounds, func() (*exec.Cmd, func()) {
					return exec.Command(bin, "ask", "--db", db, q), func() {}
				})
				if err != nil {
					return fmt.Errorf("%s ask on %s: %w", bin, name, err)
				}
				fmt.Printf("ask on %-18s %-24s %s\n", name, filepath.Base(bin), m)
				removeDB(db)
			}
		}
	}
	return nil
}

// makeDocuments writes the documents measured into dir.
func makeDocuments(dir, novels string) error {
	bodies, err := gutenbergBodies(novels)
	if err != nil {
		return err
	}
	for _, mb := range []int{40, 150} {
		if err := writeRepeated(filepath.Join(dir, fmt.Sprintf("novels-%dmb.txt", mb)), bodies, mb<<20); err != nil {
			return err
		}
	}
	for name, text := range map[string][]byte{
		"line-30mb.txt":     commaLine(bodies, 30<<20),
		"million-words.txt": noFullStops(bodies, 1_000_000),
		"cjk-line.txt":      cjkLine(2_000_000),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), text, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cjkQuery is four characters of cjkLine: FTS5 reads a run of CJK
// characters as one word, so it matches nothing; the ask measures the
// search all the same.
var cjkQuery = string([]rune(string(cjkLine(1004)))[1000:1004])

// tail keeps the last 4 KB written to it.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = append(t.b[:0], t.b[len(t.b)-4096:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

// result is the median of a measurement's runs.
type result struct {
	maxRSS     int64 // KB
	wall, user time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("peak RSS %7.1f MB   wall %6.2f s   user %6.2f s", float64(r.maxRSS)/1024, r.wall.Seconds(), r.user.Seconds())
}

// measure runs the command cmd makes rounds times and returns the median
// of each figure; the cleanup cmd returns runs after each.
func measure(rounds int, cmd func() (*exec.Cmd, func())) (result, error) {
	var rss []int64
	var wall, user []time.Duration
	for range rounds {
		c, cleanup := cmd()
		// Only the end of what it prints is kept: a child's peak RSS counts
		// this process's memory, which the output of an ask quoting a 30 MB
		// passage would swell.
		out := &tail{}
		c.Stdout, c.Stderr = out, out
		start := time.Now()
		err := c.Run()
		took := time.Since(start)
		cleanup()
		if err != nil {
			return result{}, fmt.Errorf("%v\n%s", err, out.String())
		}
		ru := c.ProcessState.SysUsage().(*syscall.Rusage)
		rss = append(rss, ru.Maxrss) // KB on Linux
		wall = append(wall, took)
		user = append(user, c.ProcessState.UserTime())
	}
	return result{median(rss), median(wall), median(user)}, nil
}

func median[T int64 | time.Duration](xs []T) T {
	s := append([]T(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}

func removeDB(db string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
}

// gutenbergBodies returns the texts of the books in dir, each without its
// Project Gutenberg header and licence, one after the other.
func gutenbergBodies(dir string) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no books in %s (%v)", dir, err)
	}
	var all bytes.Buffer
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if i := bytes.Index(b, []byte("*** START OF TH")); i >= 0 {
			if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
				b = b[i+j+1:]
			}
		}
		if i := bytes.Index(b, []byte("*** END OF TH")); i >= 0 {
			b = b[:bytes.LastIndexByte(b[:i], '\n')+1]
		}
		all.Write(b)
		all.WriteString("\n\n")
	}
	return all.Bytes(), nil
}

// writeRepeated writes text to file, repeated until it holds size bytes.
func writeRepeated(file string, text []byte, size int) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	for n := 0; n < size; n += len(text) {
		if _, err := f.Write(text); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// commaLine is the words of text joined by commas into one line of size bytes.
func commaLine(text []byte, size int) []byte {
	words := strings.Join(strings.Fields(string(text)), ",")
	return []byte(strings.Repeat(words+",", size/len(words)+1)[:size] + "\n")
}

// noFullStops is n words of text, without full stops, question or
// exclamation marks or line breaks.
func noFullStops(text []byte, n int) []byte {
	words := strings.Fields(strings.NewReplacer(".", "", "!", "", "?", "").Replace(string(text)))
	var b strings.Builder
	for i := range n {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
	return []byte(b.String())
}

// cjkLine is n CJK ideographs on one line, drawn from 3,000 with a fixed seed.
func cjkLine(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range n {
		b.WriteRune(rune(0x4E00 + r.IntN(3000)))
	}
	b.WriteByte('\n')
	return []byte(b.String())
}
