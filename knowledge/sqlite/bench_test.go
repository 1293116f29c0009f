package sqlite_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// The speed figures in BENCHMARKS.md come from scripts/bench-retrieval,
// which also times the sqlite3 shell; these benchmarks are the quick check:
//
//	go test ./knowledge -run '^$' -bench .

// gutenberg is where CI finds the three public-domain novels.
const gutenberg = "../../../shared/datasets/gutenberg"

func phantomQuestions(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile("../testdata/phantom-questions.json")
	if err != nil {
		tb.Fatal(err)
	}
	var qs []phantomQuestion
	if err := json.Unmarshal(b, &qs); err != nil {
		tb.Fatal(err)
	}
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Question
	}
	return out
}

// BenchmarkSearchDefaultStory is one question about the default story.
func BenchmarkSearchDefaultStory(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	if err := st.EnsureDefault(ctx); err != nil {
		b.Fatal(err)
	}
	qs := phantomQuestions(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Search(ctx, knowledge.Everything, qs[i%len(qs)], 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchRelatedWords is questions about the default story with
// words it lacks, so each search also reads which words it holds and
// looks for related words: "sentenced", "telephone", "conceal".
func BenchmarkSearchRelatedWords(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	if err := st.EnsureDefault(ctx); err != nil {
		b.Fatal(err)
	}
	qs := []string{"What was Ramos sentenced to?", "Which telephone did the company sell?", "What did the agency conceal from the users?"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Search(ctx, knowledge.Everything, qs[i%len(qs)], 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchLongQuery is a 20,000-character paste: 64 distinct terms.
func BenchmarkSearchLongQuery(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	if err := st.EnsureDefault(ctx); err != nil {
		b.Fatal(err)
	}
	q := strings.Repeat(string(knowledge.DefaultStory), 4)[:20000]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Search(ctx, knowledge.Everything, q, 5); err != nil {
			b.Fatal(err)
		}
	}
}

func novels(b *testing.B) []knowledge.Parsed {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join(gutenberg, "pg*.txt"))
	if len(files) == 0 {
		b.Skip("the Gutenberg novels are not here")
	}
	var docs []knowledge.Parsed
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, mustParse(b, filepath.Base(f), string(data)))
	}
	return docs
}

// BenchmarkIngestNovels indexes the three novels (already parsed) into a
// new index file; the MB/s figure counts their cleaned text.
func BenchmarkIngestNovels(b *testing.B) {
	docs := novels(b)
	size := 0
	for _, d := range docs {
		size += len(d.Doc.Text)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := openStore(b)
		mustIngest(b, st, docs...)
		st.Close()
	}
}

// BenchmarkSearchNovels is a question about the novels on their index.
func BenchmarkSearchNovels(b *testing.B) {
	docs := novels(b)
	st := openStore(b)
	mustIngest(b, st, docs...)
	qs := []string{
		"Why did Elizabeth refuse Mr. Collins's proposal?",
		"Where was the blue carbuncle hidden?",
		"Who left the treasure map to Jim Hawkins?",
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Search(ctx, knowledge.Everything, qs[i%len(qs)], 5); err != nil {
			b.Fatal(err)
		}
	}
}
