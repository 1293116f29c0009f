package sqlite

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// TestCorpusStats checks the statistics read from FTS5's own records
// against counts made here from the passages.
func TestCorpusStats(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := st.Passages(ctx, knowledge.Everything, docs[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	tokens := 0
	df := map[string]float64{}
	for _, p := range ps {
		terms := knowledge.Terms(p.Text)
		tokens += len(terms)
		seen := map[string]bool{}
		for _, term := range terms {
			if !seen[term] {
				seen[term] = true
				df[term]++
			}
		}
	}
	got, err := st.corpusStats(ctx, []string{"fbi", "backdoor", "ramo", "lamborghini", "nosuchterm"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Passages != float64(len(ps)) {
		t.Errorf("passages = %v, want %d", got.Passages, len(ps))
	}
	if want := float64(tokens) / float64(len(ps)); math.Abs(got.AvgLen-want) > 1e-9 {
		t.Errorf("mean length = %v, want %v", got.AvgLen, want)
	}
	for _, term := range []string{"fbi", "backdoor", "ramo", "lamborghini", "nosuchterm"} {
		if got.DF[term] != df[term] {
			t.Errorf("df[%s] = %v, want %v", term, got.DF[term], df[term])
		}
	}
}

func TestSqliteVarint(t *testing.T) {
	tests := []struct {
		in   []byte
		want uint64
		n    int
	}{
		{[]byte{0x05}, 5, 1},
		{[]byte{0x81, 0x00}, 128, 2},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, math.MaxUint64, 9},
		{[]byte{0x81}, 0, 0},
		{nil, 0, 0},
	}
	for _, tt := range tests {
		if got, n := sqliteVarint(tt.in); got != tt.want || n != tt.n {
			t.Errorf("sqliteVarint(% x) = %d, %d; want %d, %d", tt.in, got, n, tt.want, tt.n)
		}
	}
}
