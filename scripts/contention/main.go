// Command contention measures what users see while another process ingests
// a large corpus into the index they read: the latency and failures of
// searches and questions, both from a process that keeps the index open
// (as storybot serve does) and from new `storybot search` and `storybot
// ask` processes, and whether a second ingest waits its turn. It measures
// the same with nothing else running, side by side, and, given -old, a
// storybot binary from before the index stopped taking a write lock to
// open (its own index, command-line processes only).
//
//	go build -o /tmp/storybot ./cmd/storybot
//	go run ./scripts/contention -bin /tmp/storybot [-old /tmp/storybot-old] [-rounds 3]
package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "contention:", err)
		os.Exit(1)
	}
}

// bench is one storybot binary and the index it reads while it ingests.
type bench struct {
	bin, db string
	queries []string
	env     []string
}

func run() error {
	bin := flag.String("bin", "", "the storybot binary to measure")
	old := flag.String("old", "", "an older storybot binary to measure the same way (command-line processes only)")
	gutenberg := flag.String("gutenberg", "../shared/datasets/gutenberg", "folder of the novels the corpus is made of")
	copies := flag.Int("copies", 23, "copies of the novels in the corpus (23: about 40 MB)")
	rounds := flag.Int("rounds", 3, "ingests of the corpus to measure during")
	idle := flag.Duration("idle", 5*time.Second, "how long to measure with nothing else running")
	queries := flag.String("queries", "scripts/querybench/queries.txt", "questions, one a line")
	flag.Parse()
	if *bin == "" {
		return errors.New("give -bin, a storybot binary (go build -o /tmp/storybot ./cmd/storybot)")
	}
	qs, err := readLines(*queries)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "contention")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	novels, corpus, err := makeCorpus(work, *gutenberg, *copies)
	if err != nil {
		return err
	}
	fmt.Printf("corpus: %d files, %.1f MB; %d questions about the novels\n", len(corpus), float64(size(corpus))/1e6, len(qs))

	b := &bench{bin: *bin, db: filepath.Join(work, "index.db"), queries: qs, env: []string{"HOME=" + work, "PATH=" + os.Getenv("PATH")}}
	if err := b.prepare(novels); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.db)
	if err != nil {
		return err
	}
	defer st.Close()
	inProcess := &server{st: st, eng: answer.New(answer.Options{Store: st})}

	fmt.Printf("\n== %s, nothing else running (%s)\n", *bin, *idle)
	deadline := time.Now().Add(*idle)
	report(b.sample(inProcess, func() bool { return time.Now().After(deadline) }))

	fmt.Printf("\n== %s, while another process ingests the corpus (%d rounds)\n", *bin, *rounds)
	report(b.duringIngests(inProcess, corpus, *rounds))

	if *old != "" {
		o := &bench{bin: *old, db: filepath.Join(work, "old.db"), queries: qs, env: b.env}
		if err := o.prepare(novels); err != nil {
			return err
		}
		fmt.Printf("\n== %s (older), nothing else running (%s)\n", *old, *idle)
		deadline := time.Now().Add(*idle)
		report(o.sample(nil, func() bool { return time.Now().After(deadline) }))
		fmt.Printf("\n== %s (older), while another process ingests the corpus (%d rounds)\n", *old, *rounds)
		report(o.duringIngests(nil, corpus, *rounds))
	}
	return nil
}

// prepare makes an index with the default story and the novels.
func (b *bench) prepare(novels []string) error {
	if _, err := b.storybot("search", "Ramos"); err != nil { // indexes the default story
		return err
	}
	_, err := b.storybot(append([]string{"ingest"}, novels...)...)
	return err
}

func (b *bench) storybot(args ...string) (string, error) {
	cmd := exec.Command(b.bin, args...)
	cmd.Env = append(b.env, "STORYBOT_DB="+b.db)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("storybot %s: %w: %s", args[0], err, lastLine(string(out)))
	}
	return string(out), nil
}

// server is what a running storybot serve holds: the open index and the
// answering engine.
type server struct {
	st  *sqlite.Store
	eng *answer.Engine
}

// samples are latencies and failures by kind of request.
type samples struct {
	mu    sync.Mutex
	kinds []string
	took  map[string][]time.Duration
	fails map[string][]string
	notes []string
}

func (s *samples) add(kind string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.took == nil {
		s.took, s.fails = map[string][]time.Duration{}, map[string][]string{}
	}
	if !slices.Contains(s.kinds, kind) {
		s.kinds = append(s.kinds, kind)
	}
	if err != nil {
		s.fails[kind] = append(s.fails[kind], lastLine(err.Error()))
		return
	}
	s.took[kind] = append(s.took[kind], d)
}

func (s *samples) note(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// sample asks questions in turn, in every way there is, until done says
// to stop (it is asked between requests).
func (b *bench) sample(srv *server, done func() bool) *samples {
	s := &samples{}
	b.sampleInto(s, srv, done)
	return s
}

func (b *bench) sampleInto(s *samples, srv *server, done func() bool) {
	ctx := context.Background()
	for i := 0; !done(); i++ {
		q := b.queries[i%len(b.queries)]
		if srv != nil {
			start := time.Now()
			_, err := srv.st.Search(ctx, knowledge.Everything, q, 5)
			s.add("search, index kept open (serve)", time.Since(start), err)
			start = time.Now()
			_, err = srv.eng.Ask(ctx, answer.Query{Question: q, Scope: knowledge.Everything})
			s.add("ask, index kept open (serve)", time.Since(start), err)
			start = time.Now()
			st, err := sqlite.Open(ctx, b.db)
			if err == nil {
				err = st.EnsureDefault(ctx)
				st.Close()
			}
			s.add("open the index (a process starting)", time.Since(start), err)
		}
		start := time.Now()
		_, err := b.storybot("search", q)
		s.add("storybot search (a new process)", time.Since(start), err)
		start = time.Now()
		_, err = b.storybot("ask", q)
		s.add("storybot ask (a new process)", time.Since(start), err)
	}
}

// duringIngests ingests the corpus rounds times, each time changing every
// document (with and without --keep-all, so each round rewrites them all),
// while sampling; once the ingest is writing (its write-ahead log, emptied
// before each round, passes 8 MB), a second process ingests a small file,
// which must wait its turn.
func (b *bench) duringIngests(srv *server, corpus []string, rounds int) *samples {
	s := &samples{}
	for r := range rounds {
		if err := b.emptyWAL(); err != nil {
			s.note("round %d: could not empty the write-ahead log: %v", r+1, err)
		}
		args := []string{"ingest"}
		if r%2 == 1 {
			args = append(args, "--keep-all")
		}
		args = append(args, corpus...)
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			_, err := b.storybot(args...)
			done <- err
		}()
		second := make(chan string, 1)
		stop := make(chan struct{})
		go b.secondIngestWhenWriting(r, stop, second)
		var ingestErr error
		finished := false
		b.sampleInto(s, srv, func() bool {
			select {
			case ingestErr = <-done:
				finished = true
			default:
			}
			return finished
		})
		close(stop)
		note := <-second
		s.note("round %d: the corpus ingest took %s (err %v); %s", r+1, time.Since(start).Round(time.Millisecond), ingestErr, note)
	}
	return s
}

// emptyWAL checkpoints the index and truncates its write-ahead log, so its
// size tells when the next ingest starts writing.
func (b *bench) emptyWAL() error {
	db, err := sql.Open("sqlite", b.db)
	if err != nil {
		return err
	}
	defer db.Close()
	var busy, frames, done int
	if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
		return err
	}
	if busy != 0 {
		return errors.New("the index was busy")
	}
	return nil
}

// secondIngestWhenWriting waits (looking every 10 ms) until the index's
// write-ahead log passes 8 MB, the corpus ingest writing, then ingests a
// small file and says how it went; or says it never started, if stop
// comes first.
func (b *bench) secondIngestWhenWriting(round int, stop <-chan struct{}, result chan<- string) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if fi, err := os.Stat(b.db + "-wal"); err == nil && fi.Size() > 8<<20 {
			b.secondIngest(round, result)
			return
		}
		select {
		case <-stop:
			result <- "the write-ahead log never passed 8 MB, so no second ingest"
			return
		case <-tick.C:
		}
	}
}

// secondIngest ingests a small file and says how it went.
func (b *bench) secondIngest(round int, result chan<- string) {
	f := filepath.Join(filepath.Dir(b.db), fmt.Sprintf("small-%d.txt", round))
	os.WriteFile(f, []byte(fmt.Sprintf("Round %d\n\nA small story written while a large ingest runs, in round %d of the benchmark.", round, round)), 0o644)
	start := time.Now()
	out, err := b.storybot("ingest", f)
	if err != nil {
		result <- fmt.Sprintf("a second ingest FAILED after %s: %v", time.Since(start).Round(time.Millisecond), err)
		return
	}
	waited := ""
	if strings.Contains(out, "waiting for another storybot") {
		waited = " (it said it was waiting)"
	}
	result <- fmt.Sprintf("a second ingest, started while it wrote, succeeded in %s%s", time.Since(start).Round(time.Millisecond), waited)
}

func report(s *samples) {
	for _, k := range s.kinds {
		t := slices.Clone(s.took[k])
		slices.Sort(t)
		line := fmt.Sprintf("%-40s n %4d  failures %d", k, len(t)+len(s.fails[k]), len(s.fails[k]))
		if len(t) > 0 {
			line += fmt.Sprintf("  p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms", ms(pct(t, 0.5)), ms(pct(t, 0.99)), ms(t[len(t)-1]))
		}
		fmt.Println(line)
		for i, f := range s.fails[k] {
			if i == 3 {
				fmt.Printf("    … and %d more\n", len(s.fails[k])-3)
				break
			}
			fmt.Printf("    failed: %s\n", f)
		}
	}
	for _, n := range s.notes {
		fmt.Println(n)
	}
}

func pct(t []time.Duration, p float64) time.Duration { return t[int(p*float64(len(t)-1)+0.5)] }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// makeCorpus copies the novels into work/novels, and copies of them under
// other names into work/big.
func makeCorpus(work, gutenberg string, copies int) (novels, corpus []string, err error) {
	files, _ := filepath.Glob(filepath.Join(gutenberg, "pg*.txt"))
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("no novels (pg*.txt) in %s", gutenberg)
	}
	for _, dir := range []string{"novels", "big"} {
		if err := os.MkdirAll(filepath.Join(work, dir), 0o755); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		p := filepath.Join(work, "novels", base+".txt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, nil, err
		}
		novels = append(novels, p)
		for i := 1; i <= copies; i++ {
			p := filepath.Join(work, "big", fmt.Sprintf("%s-c%02d.txt", base, i))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return nil, nil, err
			}
			corpus = append(corpus, p)
		}
	}
	return novels, corpus, nil
}

func size(files []string) int64 {
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
