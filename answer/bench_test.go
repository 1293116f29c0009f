package answer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/internal/fakeopenai"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
	"github.com/storybot/storybot/llm"
	"github.com/storybot/storybot/llm/openai"
)

// novelPath is a public-domain novel (Pride and Prejudice) for prompt-size
// figures on a long document.
const novelPath = "../../shared/datasets/gutenberg/pg1342.txt"

var novelQuestions = []string{
	"Who does Elizabeth Bennet marry?",
	"What did Mr. Collins propose to Elizabeth?",
	"Why did Elizabeth refuse Mr. Darcy's first proposal?",
	"Where does Mr. Bingley take a house?",
	"Who did Lydia run away with?",
	"What did Mr. Darcy write in his letter to Elizabeth?",
	"How many daughters do the Bennets have?",
	"What is Pemberley?",
}

// instantModel answers at once with a reply computed beforehand for each
// prompt, so a benchmark times only storybot's own work.
type instantModel struct {
	mu      sync.Mutex
	replies map[string]string // by user message
	tokens  map[string]int    // estimated prompt tokens, by user message
}

var _ answer.Model = (*instantModel)(nil)

func (m *instantModel) Chat(ctx context.Context, req llm.Request) (llm.Reply, error) {
	user := req.Messages[1].Content
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.replies[user]
	if !ok {
		r = quoteFirstSentence(user)
		m.replies[user] = r
		m.tokens[user] = answer.EstimateTokens(req.Messages[0].Content) + answer.EstimateTokens(user)
	}
	return llm.Reply{Content: r, Model: "instant"}, nil
}

// quoteFirstSentence is a well-behaved model's reply: the first sentence
// of block [1], given as the answer and quoted exactly.
func quoteFirstSentence(user string) string {
	m := blockRe.FindStringSubmatch(user)
	if m == nil {
		return `{"found": false, "answer": "", "citations": []}`
	}
	s := knowledge.Sentences(m[2])[0]
	quote := m[2][s[0]:s[1]]
	return fmt.Sprintf(`{"found": true, "answer": %q, "citations": [{"ref": 1, "quote": %q}]}`, strings.TrimRight(quote, ".")+" [1].", quote)
}

func openNovel(tb testing.TB) *sqlite.Store {
	tb.Helper()
	raw, err := os.ReadFile(novelPath)
	if err != nil {
		tb.Skipf("novel not available: %v", err)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "novel.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	p, err := knowledge.Parse(raw, knowledge.ParseOptions{Name: "pg1342.txt"})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
		tb.Fatal(err)
	}
	return st
}

func storyQuestionTexts() []string {
	var qs []string
	for _, q := range storyQuestions {
		qs = append(qs, q.q)
	}
	return qs
}

// BenchmarkAsk times one question end to end except the model: retrieval,
// packing, prompt rendering, parsing and verification, with a model that
// answers instantly (in-process, and over loopback HTTP through go-openai),
// and without a model (extractive); search-only is the retrieval part of
// that, so the difference is the answering work. It reports the estimated
// prompt size.
//
//	go test ./answer -run '^$' -bench BenchmarkAsk -benchmem
func BenchmarkAsk(b *testing.B) {
	corpora := []struct {
		name      string
		open      func(testing.TB) *sqlite.Store
		questions []string
	}{
		{"story", func(tb testing.TB) *sqlite.Store { return openDefault(tb) }, storyQuestionTexts()},
		{"novel", openNovel, novelQuestions},
	}
	for _, c := range corpora {
		st := c.open(b)
		ctx := context.Background()
		b.Run(c.name+"/instant-model", func(b *testing.B) {
			m := &instantModel{replies: map[string]string{}, tokens: map[string]int{}}
			eng := answer.New(answer.Options{Store: st, Model: m})
			for _, q := range c.questions { // warm the model's replies
				if a, err := eng.Ask(ctx, answer.Query{Question: q}); err != nil || a.Mode != answer.ModeLLM {
					b.Fatalf("%q: %v %+v", q, err, a)
				}
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := eng.Ask(ctx, answer.Query{Question: c.questions[i%len(c.questions)]}); err != nil {
					b.Fatal(err)
				}
			}
			total := 0
			for _, t := range m.tokens {
				total += t
			}
			b.ReportMetric(float64(total)/float64(len(m.tokens)), "prompt-tokens")
		})
		b.Run(c.name+"/http-model", func(b *testing.B) {
			srv := fakeopenai.New(b)
			srv.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
				return fakeopenai.Text(quoteFirstSentence(r.Content("user")))
			})
			eng := answer.New(answer.Options{Store: st, Model: openai.New(openai.Options{BaseURL: srv.URL(), Model: "m"})})
			for i := 0; b.Loop(); i++ {
				if _, err := eng.Ask(ctx, answer.Query{Question: c.questions[i%len(c.questions)]}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/search-only", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := st.Search(ctx, knowledge.Everything, c.questions[i%len(c.questions)], 5); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/extractive", func(b *testing.B) {
			eng := answer.New(answer.Options{Store: st})
			for i := 0; b.Loop(); i++ {
				if _, err := eng.Ask(ctx, answer.Query{Question: c.questions[i%len(c.questions)]}); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The same questions with a typing slip each (respelt, see
		// knowledge.Misspellable).
		misspelt := make([]string, len(c.questions))
		for i, q := range c.questions {
			misspelt[i] = strings.ToLower(fairytaleqa.Misspell(q))
		}
		b.Run(c.name+"/extractive-misspelt", func(b *testing.B) {
			eng := answer.New(answer.Options{Store: st})
			for i := 0; b.Loop(); i++ {
				if _, err := eng.Ask(ctx, answer.Query{Question: misspelt[i%len(misspelt)]}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPromptSize logs the estimated prompt size per question on the story
// and the novel, and checks it stays within the configured budget.
func TestPromptSize(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a novel")
	}
	for _, c := range []struct {
		name      string
		open      func(testing.TB) *sqlite.Store
		questions []string
	}{
		{"story", func(tb testing.TB) *sqlite.Store { return openDefault(tb) }, storyQuestionTexts()},
		{"novel", openNovel, novelQuestions},
	} {
		st := c.open(t)
		m := &instantModel{replies: map[string]string{}, tokens: map[string]int{}}
		const budget = 1800
		eng := answer.New(answer.Options{Store: st, Model: m, ContextTokens: budget})
		for _, q := range c.questions {
			if _, err := eng.Ask(context.Background(), answer.Query{Question: q}); err != nil {
				t.Fatal(err)
			}
		}
		var sizes []string
		total, most := 0, 0
		for _, n := range m.tokens {
			total += n
			most = max(most, n)
			sizes = append(sizes, fmt.Sprint(n))
		}
		t.Logf("%s: %d questions, prompt tokens (estimated) mean %d, max %d: %s", c.name, len(m.tokens), total/len(m.tokens), most, strings.Join(sizes, " "))
		// The system prompt, question and framing add a few hundred tokens
		// to the passages' budget.
		if most > budget+600 {
			t.Errorf("%s: a prompt of %d tokens exceeds the %d-token passage budget by more than the framing", c.name, most, budget)
		}
	}
}
