package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
)

// TestTurnOfAnAnswer: an answer the bot rendered is read back as the turn
// it was: its question (markdown and all), story, text and quotes, without
// its notice and footer.
func TestTurnOfAnAnswer(t *testing.T) {
	const me = "42"
	for _, tc := range []struct {
		name     string
		a        answer.Answer
		story    string
		question string
		want     []string // in the rebuilt answer
		not      []string
	}{
		{"extractive, one story", answer.Answer{Question: "Who is *Ramos* · story `x`?", Mode: answer.ModeExtractive, Answer: "From the story: “He refused.” [1]",
			Citations: []answer.Citation{{Ref: 1, PassageID: "phantom-secure#7", Quote: "He refused, Motherboard wrote."}}, Notice: answer.NoticeNoModel},
			"phantom-secure", "Who is *Ramos* · story `x`?", []string{"He refused, Motherboard wrote."}, []string{"No model", "Quotes only"}},
		{"a model's, every story", answer.Answer{Question: "What did the FBI ask?", Mode: answer.ModeLLM, Answer: "It asked for a _backdoor_ [1].",
			Citations: []answer.Citation{{Ref: 1, PassageID: "s#1", Quote: "install a backdoor"}}, Notice: "Every quote was checked."},
			"", "What did the FBI ask?", []string{"It asked for a _backdoor_ [1].", "install a backdoor"}, []string{"Every quote", "Written by"}},
		{"a question with links", answer.Answer{Question: "Is https://evil.example/x or discord.gg/abc in it?", Mode: answer.ModeNotFound, Answer: answer.NotFoundText, Notice: answer.NoticeNoPassage},
			"s", "Is (link) or (link) in it?", []string{answer.NotFoundText}, []string{"evil", "discord"}},
		{"not found", answer.Answer{Question: "Why?", Mode: answer.ModeNotFound, Answer: answer.NotFoundText, Notice: answer.NoticeNoPassage},
			"s", "Why?", []string{answer.NotFoundText}, []string{"Not in the story"}},
	} {
		r := renderAnswer(tc.a, nil, askedLine(tc.a.Question, tc.story))
		m := &discordgo.Message{Author: &discordgo.User{ID: me}, Content: r.Messages[0].Content, Embeds: r.Messages[0].Embeds}
		turn, story, ok := turnOf(m, me)
		if !ok || turn.Question != tc.question || story != tc.story {
			t.Errorf("%s: %q %q %v; want %q %q", tc.name, turn.Question, story, ok, tc.question, tc.story)
		}
		for _, w := range tc.want {
			if !strings.Contains(turn.Answer, w) {
				t.Errorf("%s: answer %q lacks %q", tc.name, turn.Answer, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(turn.Answer, n) {
				t.Errorf("%s: answer %q holds %q", tc.name, turn.Answer, n)
			}
		}
		m.Author.ID = "43"
		if _, _, ok := turnOf(m, me); ok {
			t.Errorf("%s: someone else's copy of an answer read as the bot's", tc.name)
		}
	}
	if _, _, ok := turnOf(&discordgo.Message{Author: &discordgo.User{ID: me}, Content: "Slow down a little"}, me); ok {
		t.Errorf("a message that is no answer read as one")
	}
}

func TestThreadName(t *testing.T) {
	long := strings.Repeat("word ", 40)
	for in, want := range map[string]string{
		"Who is\nVincent   Ramos?":      "Who is Vincent Ramos?",
		"Who runs http://evil.example?": "Who runs (link)",
		long:                            strings.TrimSpace(long[:99]) + "…",
	} {
		if got := threadName(in); got != want || length(got) > maxThreadName {
			t.Errorf("threadName(%q) = %q, want %q", in, got, want)
		}
	}
}
