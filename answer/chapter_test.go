package answer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fakeopenai"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
	"github.com/storybot/storybot/llm/openai"
)

// chapteredBook indexes a book of twelve chapters, one passage each.
func chapteredBook(t *testing.T) *sqlite.Store {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("The Voyage\n\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&sb, "CHAPTER %d.\n\n", i)
		switch i {
		case 3:
			sb.WriteString("The lighthouse keeper rowed out to the wreck and saved the cabin boy from the rocks.")
		case 12:
			sb.WriteString("Years later the old sailor planted apple trees behind the cottage on the hill.")
		default:
			fmt.Fprintf(&sb, "Day %d passed quietly on the ship.", i)
		}
		sb.WriteString(strings.Repeat(" The wind held steady from the west.", 8) + "\n\n")
	}
	p, err := knowledge.Parse([]byte(sb.String()), knowledge.ParseOptions{Name: "voyage.txt"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.OpenMemory(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestCitationsKnowTheirChapter checks that every citation carries the
// chapter of its passage: extractive quotes, a model's, and a model's
// quote re-attributed to a passage the search did not return.
func TestCitationsKnowTheirChapter(t *testing.T) {
	ctx := context.Background()
	const question = "Who did the lighthouse keeper save from the wreck?"
	t.Run("extractive", func(t *testing.T) {
		st := chapteredBook(t)
		got, err := answer.New(answer.Options{Store: st}).Ask(ctx, answer.Query{Question: question})
		if err != nil || len(got.Citations) == 0 {
			t.Fatalf("Ask: %+v, %v", got, err)
		}
		if c := got.Citations[0]; c.PassageID != "voyage#3" || c.Chapter != "chapter 3" {
			t.Errorf("first citation %+v, want voyage#3 in chapter 3", c)
		}
	})
	for _, tt := range []struct{ name, quote, id, chapter string }{
		{"model", "saved the cabin boy from the rocks", "voyage#3", "chapter 3"},
		{"model, re-attributed", "planted apple trees behind the cottage", "voyage#12", "chapter 12"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := chapteredBook(t)
			srv := fakeopenai.New(t)
			srv.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
				// The answer says what its quote does, so the support check keeps it.
				return fakeopenai.Text(fmt.Sprintf(`{"found": true, "answer": "They %s [1].", "citations": [{"ref": 1, "quote": %q}]}`, tt.quote, tt.quote))
			})
			eng := answer.New(answer.Options{Store: st, Model: openai.New(openai.Options{BaseURL: srv.URL(), Model: "m"})})
			got, err := eng.Ask(ctx, answer.Query{Question: question})
			if err != nil {
				t.Fatal(err)
			}
			if got.Mode != answer.ModeLLM || len(got.Citations) != 1 {
				t.Fatalf("got %+v, want an llm answer with one quote", got)
			}
			if c := got.Citations[0]; c.PassageID != tt.id || c.Chapter != tt.chapter {
				t.Errorf("citation %+v, want %s in %s", c, tt.id, tt.chapter)
			}
		})
	}
}
