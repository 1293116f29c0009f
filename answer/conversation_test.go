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

// twoShops is a story about two shopkeepers, each fined: which fine "she"
// means depends on who was asked about before.
const twoShops = `Two Shops on Mill Street

Anna Berg has run the bakery on Mill Street since 1998, baking rye loaves before dawn and selling them to the workers of the paper mill across the road. The town inspectors visited her bakery in March after a neighbour complained about smoke.

Anna Berg was fined two hundred dollars for the smoke, and she paid the fine the same week. She told the local paper that the old oven would be replaced by the end of the summer, and she kept her word.

Tom Lind owns the garage at the far end of Mill Street, where he repairs tractors and the delivery vans of the paper mill. The inspectors also called at his garage in March, after oil was found in the drain behind it.

Tom Lind was fined five hundred dollars for the oil, and he appealed the fine to the town council. The council heard his appeal in June and cut the fine in half because the drain had been cleaned at once.
`

func shopsEngine(t *testing.T, opts answer.Options) (*answer.Engine, *sqlite.Store) {
	t.Helper()
	p, err := knowledge.Parse([]byte(twoShops), knowledge.ParseOptions{Name: "shops.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Passages) != 4 {
		t.Fatalf("the story has %d passages, want one per paragraph", len(p.Passages))
	}
	st, err := sqlite.OpenMemory(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts.Store = st
	return answer.New(opts), st
}

// TestFollowUpFindsWhatThePronounMeans: "How much was she fined?" is a
// question about Anna after a question about Anna, and about Tom after one
// about Tom; the turn alone cannot tell them apart.
func TestFollowUpFindsWhatThePronounMeans(t *testing.T) {
	ctx := context.Background()
	eng, _ := shopsEngine(t, answer.Options{})
	for _, tt := range []struct {
		first, followUp, passage, want string
	}{
		{"Who runs the bakery?", "How much was she fined?", "shops#2", "two hundred dollars"},
		{"Who repairs tractors?", "How much was he fined?", "shops#4", "five hundred dollars"},
		{"Who owns the garage?", "Did he appeal?", "shops#4", "appeal"},
	} {
		t.Run(tt.first, func(t *testing.T) {
			a1, err := eng.Ask(ctx, answer.Query{Question: tt.first})
			if err != nil {
				t.Fatal(err)
			}
			history := []answer.Turn{{Question: tt.first, Answer: a1.Answer}}
			a2, err := eng.Ask(ctx, answer.Query{Question: tt.followUp, History: history})
			if err != nil {
				t.Fatal(err)
			}
			said := false
			for _, c := range a2.Citations {
				said = said || strings.Contains(c.Quote, tt.want)
			}
			if a2.Mode != answer.ModeExtractive || len(a2.Citations) == 0 || a2.Citations[0].PassageID != tt.passage || !said {
				t.Errorf("%q after %q: %s %+v; want quotes from %s first, one saying %q", tt.followUp, tt.first, a2.Mode, a2.Citations, tt.passage, tt.want)
			}
			if a2.Question != tt.followUp {
				t.Errorf("answer's question %q, want the follow-up as asked", a2.Question)
			}
		})
	}
}

// TestTurnAloneCannotTell: without the history, "she" and "he" find the
// same passage first, so one of them is wrong: what the test above needs
// the history for.
func TestTurnAloneCannotTell(t *testing.T) {
	ctx := context.Background()
	alone := answer.TurnAlone()
	eng, _ := shopsEngine(t, answer.Options{FollowUp: &alone})
	history := []answer.Turn{{Question: "Who runs the bakery?", Answer: "Anna Berg has run the bakery on Mill Street since 1998."}}
	she, err1 := eng.Retrieve(ctx, answer.Query{Question: "How much was she fined?", History: history}, 1)
	he, err2 := eng.Retrieve(ctx, answer.Query{Question: "How much was he fined?"}, 1)
	if err1 != nil || err2 != nil || len(she) != 1 || len(he) != 1 || she[0].ID != he[0].ID {
		t.Errorf("turn alone: she %+v, he %+v (%v, %v); want the same passage for both", she, he, err1, err2)
	}
}

// TestFollowUpWeighsTheTurnMost: a follow-up that names its subject is
// answered about it, not about the previous answer's.
func TestFollowUpWeighsTheTurnMost(t *testing.T) {
	ctx := context.Background()
	eng, _ := shopsEngine(t, answer.Options{})
	history := []answer.Turn{{Question: "Who runs the bakery?", Answer: "Anna Berg has run the bakery on Mill Street since 1998 [1]."}}
	a, err := eng.Ask(ctx, answer.Query{Question: "What did the council do about Tom Lind's appeal?", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Quote, "council") {
		t.Errorf("got %+v; want the council's decision first", a.Citations)
	}
	// Pasting the turns in front of the question drags the answer back.
	concat := answer.Concatenated()
	naive, _ := shopsEngine(t, answer.Options{FollowUp: &concat})
	ps, err := naive.Retrieve(ctx, answer.Query{Question: "And when was it replaced?", History: []answer.Turn{
		{Question: "Who runs the bakery?", Answer: "Anna Berg has run the bakery on Mill Street since 1998."},
	}}, 1)
	if err != nil || len(ps) != 1 || ps[0].N != 1 {
		t.Errorf("naive concatenation: %v %+v; want it to find the previous answer's passage (the point of measuring it)", err, ps)
	}
	ps, err = eng.Retrieve(ctx, answer.Query{Question: "And when was it replaced?", History: []answer.Turn{
		{Question: "Who runs the bakery?", Answer: "Anna Berg has run the bakery on Mill Street since 1998."},
	}}, 1)
	if err != nil || len(ps) != 1 || ps[0].N != 2 {
		t.Errorf("weighted: %v %+v; want the passage about the oven", err, ps)
	}
}

// TestFollowUpEmptyQuestion: a follow-up with no words is refused as a
// question with no words is, whatever came before.
func TestFollowUpEmptyQuestion(t *testing.T) {
	eng, _ := shopsEngine(t, answer.Options{})
	_, err := eng.Ask(context.Background(), answer.Query{Question: " ?! ", History: []answer.Turn{{Question: "Who runs the bakery?", Answer: "Anna Berg."}}})
	if err == nil || !strings.Contains(err.Error(), knowledge.ErrEmptyQuery.Error()) {
		t.Errorf("got %v; want ErrEmptyQuery", err)
	}
}

// TestConversationInThePrompt: with a model, the earlier turns are sent
// apart from the passages, bounded to the latest MaxTurns, without their
// markers and labels; a quote of an earlier answer that is not in the
// passages is still refused.
func TestConversationInThePrompt(t *testing.T) {
	ctx := context.Background()
	srv := fakeopenai.New(t)
	eng, _ := shopsEngine(t, answer.Options{Model: openai.New(openai.Options{BaseURL: srv.URL(), Model: "m"})})
	var history []answer.Turn
	for i := range 10 {
		history = append(history, answer.Turn{Question: fmt.Sprintf("Question %d about the bakery?", i), Answer: fmt.Sprintf("Answer %d [1].", i)})
	}
	history[8].Answer = answer.ClosestLabel + " “Anna Berg has run the bakery on Mill Street since 1998.” [1]"
	history[9].Answer = "The mayor said Anna would be fined a million dollars [1]."
	srv.Respond(always(func(r fakeopenai.Request) fakeopenai.Reply {
		// Quotes the earlier answer, which no passage holds.
		return fakeopenai.Text(`{"found": true, "answer": "She was fined a million dollars [1].", "citations": [{"ref": 1, "quote": "Anna would be fined a million dollars"}]}`)
	}))
	a, err := eng.Ask(ctx, answer.Query{Question: "How much was she fined?", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode == answer.ModeLLM || strings.Contains(a.Answer, "million") {
		t.Errorf("answer %s %q; the earlier answer is not a source", a.Mode, a.Answer)
	}
	reqs := srv.ChatRequests()
	if len(reqs) == 0 {
		t.Fatal("the model was not asked")
	}
	user := reqs[0].Content("user")
	conv, rest, ok := strings.Cut(user, "<conversation>")
	if !ok || !strings.Contains(conv, "[1] ") || strings.Contains(rest, "Passages from the story") {
		t.Fatalf("the conversation does not follow the passages:\n%s", user)
	}
	conv, _, _ = strings.Cut(rest, "</conversation>")
	for i := range 10 {
		in := strings.Contains(conv, fmt.Sprintf("Question %d ", i))
		if want := i >= 10-answer.MaxTurns; in != want {
			t.Errorf("turn %d in the prompt: %v, want %v:\n%s", i, in, want, conv)
		}
	}
	if strings.Contains(conv, "[1]") || strings.Contains(conv, answer.ClosestLabel) || !strings.Contains(conv, "“Anna Berg has run the bakery") {
		t.Errorf("earlier answers keep their markers or labels:\n%s", conv)
	}
	if !strings.Contains(user, "<question>How much was she fined?</question>") {
		t.Errorf("question missing:\n%s", user)
	}
}

// TestHistoryTokenBound: one huge earlier answer does not reach the
// prompt whole, and older turns that do not fit are left out.
func TestHistoryTokenBound(t *testing.T) {
	ctx := context.Background()
	srv := fakeopenai.New(t)
	eng, _ := shopsEngine(t, answer.Options{Model: openai.New(openai.Options{BaseURL: srv.URL(), Model: "m"})})
	srv.Respond(always(func(r fakeopenai.Request) fakeopenai.Reply {
		return fakeopenai.Text(`{"found": false, "answer": "", "citations": []}`)
	}))
	huge := strings.Repeat("The bakery sold rye loaves. ", 2000)
	_, err := eng.Ask(ctx, answer.Query{Question: "When?", History: []answer.Turn{
		{Question: "An old question?", Answer: "An old answer."},
		{Question: "Who runs the bakery?", Answer: huge},
	}})
	if err != nil {
		t.Fatal(err)
	}
	user := srv.ChatRequests()[0].Content("user")
	_, conv, _ := strings.Cut(user, "<conversation>")
	conv, _, _ = strings.Cut(conv, "</conversation>")
	if n := answer.EstimateTokens(conv); n > answer.HistoryTokens+50 {
		t.Errorf("the conversation takes %d tokens of the prompt; want at most about %d", n, answer.HistoryTokens)
	}
	if strings.Contains(conv, "An old") || !strings.Contains(conv, "Who runs the bakery?") {
		t.Errorf("want the latest turn, cut, and not the older one:\n%.300s", conv)
	}
}

// TestLongAnswerDoesNotDragBack: after an answer that quotes a whole
// passage, a short follow-up finds the passage its own words are in, not
// the one quoted before.
func TestLongAnswerDoesNotDragBack(t *testing.T) {
	ctx := context.Background()
	p, err := knowledge.Parse(knowledge.DefaultStory, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if err != nil {
		t.Fatal(err)
	}
	phantom, err := sqlite.OpenMemory(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer phantom.Close()
	shops, _ := shopsEngine(t, answer.Options{})
	for _, tc := range []struct {
		eng               *answer.Engine
		first, next, want string
		phrase            string
	}{
		{answer.New(answer.Options{Store: phantom}), "Who is Vincent Ramos?", "How long did he get in prison?", "phantom-secure#11", "nine years in prison"},
		{shops, "Who runs the bakery on Mill Street, and what did the inspectors find there when they visited her bakery in March, after the neighbour complained?",
			"How much was she fined?", "shops#2", "two hundred dollars"},
	} {
		a, err := tc.eng.Ask(ctx, answer.Query{Question: tc.first})
		if err != nil {
			t.Fatal(err)
		}
		b, err := tc.eng.Ask(ctx, answer.Query{Question: tc.next, History: []answer.Turn{answer.TurnOf(a)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Citations) == 0 || b.Citations[0].PassageID != tc.want || !strings.Contains(b.Citations[0].Quote, tc.phrase) {
			t.Errorf("%q after %q: %+v; want %s quoted first, saying %q", tc.next, tc.first, b.Citations, tc.want, tc.phrase)
		}
	}
}
