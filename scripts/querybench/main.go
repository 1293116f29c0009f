// Command querybench measures storybot's search latency on an index, and
// writes the same FTS5 queries as a script for the sqlite3 shell so the two
// can be timed side by side (scripts/bench-retrieval does both).
//
//	go run ./scripts/querybench -db INDEX.db -queries scripts/querybench/queries.txt -rounds 5 -shell q.sql
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "querybench:", err)
		os.Exit(1)
	}
}

func run() error {
	db := flag.String("db", "", "index to search (not changed)")
	queries := flag.String("queries", "scripts/querybench/queries.txt", "queries, one a line")
	rounds := flag.Int("rounds", 5, "times each query is run")
	k := flag.Int("k", 5, "passages per search")
	long := flag.Bool("long", false, "also time a 20,000-character query")
	shell := flag.String("shell", "", "write the same FTS5 queries, with .timer on, to this sqlite3 script")
	flag.Parse()
	qs, err := readLines(*queries)
	if err != nil {
		return err
	}
	if *long {
		qs = append(qs, longQuery())
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *shell != "" {
		if err := writeShellScript(*shell, qs, *rounds, st.Ranking.Candidates); err != nil {
			return err
		}
	}
	for _, variant := range []struct {
		name  string
		plain bool
	}{{"storybot search (FTS5 candidates + re-ranking)", false}, {"storybot, plain FTS5 bm25 order", true}} {
		st.Ranking.Plain = variant.plain
		var times []time.Duration
		for range *rounds {
			for _, q := range qs {
				start := time.Now()
				if _, err := st.Search(ctx, knowledge.Everything, q, *k); err != nil {
					return fmt.Errorf("search %.40q: %w", q, err)
				}
				times = append(times, time.Since(start))
			}
		}
		fmt.Printf("%-48s %s\n", variant.name, summary(times))
	}
	return nil
}

// summary gives p50 and p99 of the durations, in milliseconds.
func summary(ds []time.Duration) string {
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p*float64(len(ds)-1) + 0.5)
		return float64(ds[i].Microseconds()) / 1000
	}
	return fmt.Sprintf("p50 %7.2f ms  p99 %7.2f ms  (%d searches)", at(0.50), at(0.99), len(ds))
}

// writeShellScript writes the FTS5 candidate query storybot runs for each
// query, with the same MATCH expression and LIMIT, for the sqlite3 shell.
func writeShellScript(path string, qs []string, rounds, limit int) error {
	var b strings.Builder
	b.WriteString(".timer on\n.output /dev/null\n")
	for range rounds {
		for _, q := range qs {
			query, err := knowledge.BuildQuery(q)
			if err != nil {
				return err
			}
			// The candidate query of knowledge.(*Store).candidates, for Search.
			fmt.Fprintf(&b, `SELECT d.slug, p.n, p.start, p."end", p.text, -f.score FROM (`+
				`SELECT rowid AS id, bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH '%s' `+
				`ORDER BY score LIMIT %d) f JOIN passages p ON p.id = f.id JOIN documents d ON d.id = p.doc_id ORDER BY f.score;`+"\n",
				strings.ReplaceAll(query.Expanded, "'", "''"), limit)
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// longQuery is a 20,000-character paste of ordinary prose.
func longQuery() string {
	words := strings.Fields("It is a truth universally acknowledged that a single man in possession of a good fortune must be in want of a wife and however little known the feelings or views of such a man may be on his first entering a neighbourhood this truth is so well fixed in the minds of the surrounding families")
	var b strings.Builder
	for i := 0; b.Len() < 20000; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	return b.String()[:20000]
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
