package answer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fakeopenai"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
	"github.com/storybot/storybot/llm/openai"
)

// openDefault opens a real store in a temporary folder holding the
// default story.
func openDefault(tb testing.TB) *sqlite.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "storybot.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.EnsureDefault(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}

// storyQuestions are questions about the default story with a fact the
// answer must carry (written for these tests; the held-back checks use
// their own).
var storyQuestions = []struct{ q, fact string }{
	{"What did the FBI ask Phantom Secure's CEO to do?", "install a backdoor"},
	{"Who is the CEO of Phantom Secure?", "Vincent Ramos"},
	{"How much cash did Ramos agree to forfeit?", "$118 million"},
	{"When did Ramos plead guilty?", "October 2018"},
	{"Which cartel did the FBI want to spy on?", "Sinaloa"},
	{"Why did Ramos say he could not install the backdoor?", "lacked the technical expertise"},
	{"What deal did the FBI offer Ramos?", "less time"},
	{"How long was Ramos sentenced to prison?", "nine years"},
	{"Which company did the FBI ask to build a backdoor into iPhones?", "Apple"},
	{"Who is the FBI Director?", "Christopher Wray"},
}

// TestExtractiveOnDefaultStory runs the extractive answerer over a real
// index: every quote verbatim in the document, and the asked-for fact in
// the answer.
func TestExtractiveOnDefaultStory(t *testing.T) {
	st := openDefault(t)
	ctx := context.Background()
	doc, err := st.Document(ctx, knowledge.Everything, "phantom-secure")
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(answer.Options{Store: st})
	for _, tt := range storyQuestions {
		t.Run(tt.q, func(t *testing.T) {
			got, err := eng.Ask(ctx, answer.Query{Question: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if got.Mode != answer.ModeExtractive {
				t.Fatalf("mode = %q, want extractive", got.Mode)
			}
			for _, c := range got.Citations {
				p, err := st.Passage(ctx, knowledge.Everything, c.PassageID)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(p.Text, c.Quote) || !strings.Contains(doc.Text, c.Quote) {
					t.Errorf("quote %q is not verbatim in %s", c.Quote, c.PassageID)
				}
			}
			if !strings.Contains(got.Answer, tt.fact) {
				t.Errorf("answer %q does not carry %q", got.Answer, tt.fact)
			}
		})
	}
}

// TestModelOnDefaultStory runs the whole path over a real index with a fake
// model that answers with the first sentence of the best block and quotes
// it with straight quotes: one model call, quotes shown as the document's
// own (curly) text.
func TestModelOnDefaultStory(t *testing.T) {
	st := openDefault(t)
	ctx := context.Background()
	srv := fakeopenai.New(t)
	srv.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
		m := blockRe.FindStringSubmatch(r.Content("user"))
		first := knowledge.Sentences(m[2])[0]
		quote := strings.NewReplacer("’", "'", "“", `"`, "”", `"`).Replace(m[2][first[0]:first[1]])
		answer := strings.TrimSuffix(quote, ".") + " [" + m[1] + "]."
		return fakeopenai.Text(fmt.Sprintf(`{"found": true, "answer": %q, "citations": [{"ref": %s, "quote": %q}]}`, answer, m[1], quote))
	})
	eng := answer.New(answer.Options{Store: st, Model: openai.New(openai.Options{BaseURL: srv.URL(), Model: "m"})})
	got, err := eng.Ask(ctx, answer.Query{Question: "What did Ramos' source say about the privacy of clients?"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Mode != answer.ModeLLM || len(got.Citations) != 1 {
		t.Fatalf("got %+v, want an llm answer with one quote", got)
	}
	p, err := st.Passage(ctx, knowledge.Everything, got.Citations[0].PassageID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, got.Citations[0].Quote) {
		t.Errorf("quote %q is not the document's own text", got.Citations[0].Quote)
	}
	if n := srv.ChatCount(); n != 1 {
		t.Errorf("model calls = %d, want 1", n)
	}
}
