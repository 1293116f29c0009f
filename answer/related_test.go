package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
)

// TestAnswersInOtherWords: the default story never says "sentenced"; it
// says "Ramos landed nine years in prison". Asked alone or as a follow-up
// ("he" after a question about Ramos), the extractive answer quotes that
// sentence, through the related words of the word the story lacks.
func TestAnswersInOtherWords(t *testing.T) {
	ctx := context.Background()
	st := openDefault(t)
	eng := answer.New(answer.Options{Store: st})
	first, err := eng.Ask(ctx, answer.Query{Question: "Who is Vincent Ramos?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []answer.Query{
		{Question: "What was Ramos sentenced to?"},
		{Question: "What was he sentenced to?", History: []answer.Turn{answer.TurnOf(first)}},
	} {
		a, err := eng.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != answer.ModeExtractive || !quotes(a, "nine years in prison") {
			t.Errorf("%q (after %d turns): %s %q; want a quote saying %q", q.Question, len(q.History), a.Mode, a.Answer, "nine years in prison")
		}
	}
}

// TestRelatedWordsDoNotAnswerOffTopic: a question about something the
// story does not tell, whose words it lacks but some of whose related
// words it holds, is still not answered.
func TestRelatedWordsDoNotAnswerOffTopic(t *testing.T) {
	ctx := context.Background()
	st := openDefault(t)
	eng := answer.New(answer.Options{Store: st})
	for _, q := range []string{
		"Which telephone did the queen buy?",        // the story has "phone"
		"What did the wizard conceal in the tower?", // "hide"
		"Why did the knight betray the king?",       // "sell"
		"Which gang did the sheriff catch?",         // "get"
	} {
		lacking, err := st.Lacking(ctx, knowledge.Everything, knowledge.Expandable(q))
		if err != nil || len(lacking) == 0 {
			t.Fatalf("%q: lacking %q, %v: want words the story lacks, for the test to mean anything", q, lacking, err)
		}
		var related []string
		for _, w := range lacking {
			related = append(related, knowledge.Related(w)...)
		}
		if none, err := st.Lacking(ctx, knowledge.Everything, related); err != nil || len(none) == len(related) {
			t.Fatalf("%q: the story holds none of %q (%v): want some, for the test to mean anything", q, related, err)
		}
		a, err := eng.Ask(ctx, answer.Query{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != answer.ModeNotFound {
			t.Errorf("%q: %s %q; want not_found", q, a.Mode, a.Answer)
		}
	}
}

// quotes reports whether one of a's citations holds s.
func quotes(a answer.Answer, s string) bool {
	for _, c := range a.Citations {
		if strings.Contains(c.Quote, s) {
			return true
		}
	}
	return false
}
