package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/fakediscord"
)

// wrappedPassage is the story's second passage, hard-wrapped, in chapter 2.
const wrappedPassage = "At the harbour a sailor shouted that the ship was\nback at last, and everyone in the town ran down to\nthe quay to see it come in."

// chapterAnswerer quotes the wrapped passage as the engine gives a
// citation: with its chapter.
type chapterAnswerer struct{ lib *library }

func (a chapterAnswerer) Ask(_ context.Context, q answer.Query) (answer.Answer, error) {
	p := a.lib.passages[1]
	return answer.Answer{
		Question: q.Question, Mode: answer.ModeLLM, Model: "fake-model",
		Answer:    "A sailor brought the news [1].",
		Citations: []answer.Citation{{Ref: 1, PassageID: p.ID, Quote: p.Text, Chapter: p.Chapter}},
	}, nil
}

// TestChaptersAndUnwrappedQuotesOverDiscord checks that a quote's embed
// and /source name the chapter after the title, and show a hard-wrapped
// passage on joined lines, its words unchanged.
func TestChaptersAndUnwrappedQuotesOverDiscord(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{answer: func(lib *library) bot.Answerer {
		lib.passages[1].Text, lib.passages[1].Chapter = wrappedPassage, "chapter 2"
		return chapterAnswerer{lib}
	}})
	joined := strings.Join(strings.Fields(wrappedPassage), " ")

	hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: "Who saw the ship come in?"}}})
	edits, err := hs.fake.WaitRoute(wait(t), routeEdit, 1)
	if err != nil {
		t.Fatal(err)
	}
	edit := decode[message](t, edits[0])
	if len(edit.Embeds) != 1 {
		t.Fatalf("got %d embeds, want 1 quote", len(edit.Embeds))
	}
	if e := edit.Embeds[0]; e.Title != `\[1\] The Northern Voyage, chapter 2` || strings.TrimPrefix(e.Description, ">>> ") != joined {
		t.Errorf("quote embed titled %q, showing %q; want the chapter after the title and the quote on joined lines", e.Title, e.Description)
	}

	hs.fake.Interact(fakediscord.Interaction{Command: "source", Options: []fakediscord.Option{{Name: "passage", Value: "voyage#2"}}})
	calls, err := hs.fake.WaitRoute(wait(t), routeCallback, 2)
	if err != nil {
		t.Fatal(err)
	}
	src := decode[callback](t, calls[1])
	if len(src.Data.Embeds) != 1 {
		t.Fatalf("source: %s", calls[1].Body)
	}
	if e := src.Data.Embeds[0]; e.Title != "The Northern Voyage, chapter 2" || strings.TrimPrefix(e.Description, ">>> ") != joined {
		t.Errorf("source titled %q, showing %q; want the chapter after the title and the passage on joined lines", e.Title, e.Description)
	}
	checkNoPings(t, hs.fake.Calls())
}
