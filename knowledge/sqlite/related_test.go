package sqlite_test

import (
	"context"
	"slices"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// trialStory never says "sentenced": its prison term is "nine years in
// prison" (passage 2), and passage 1 speaks of time in another sense.
const trialStory = `The Trial

Ada Brook ran the ferry across the estuary for twenty years, and in all that time she never once missed a crossing, whatever the weather and whatever the tide, until the night in the autumn of that last year when the harbour master stopped her boat at the landing stage, searched the hold with two constables and accused her of smuggling brandy for the men who kept the inn on the far shore.

The jury found Ada Brook guilty in March after a trial that lasted four days, and the judge gave her nine years in prison; her lawyer told the reporters outside the court that she would appeal, but the ferry was sold within the month to a company from the city, and the men from the inn were never charged with anything at all.

The estuary is quieter now than it was. The new ferry runs only in the summer months, and the old landing stage, where Ada Brook tied up every evening and sat smoking her pipe while the tide came in, has rotted into the mud, and nobody in the village talks about that winter any more.
`

// twoServers is a store holding trialStory for server A, a story that
// says "sentenced" for server B, and more.
func twoServers(t *testing.T, more ...knowledge.Parsed) *sqlite.Store {
	t.Helper()
	st := openStore(t)
	mine := mustParse(t, "trial.txt", trialStory)
	mine.Doc.Guild = "A"
	theirs := mustParse(t, "sentence.txt", "The Sentence\n\nThe sentence was read aloud, and the whole court was sentenced to silence while the jury took the words in.")
	theirs.Doc.Guild = "B"
	mustIngest(t, st, append([]knowledge.Parsed{mine, theirs}, more...)...)
	return st
}

func TestLacking(t *testing.T) {
	ctx := context.Background()
	st := twoServers(t)

	words := []string{"sentenced", "prison", "ferry", "jailed", "took"}
	tests := []struct {
		name string
		sc   knowledge.Scope
		want []string
	}{
		{"every document", knowledge.Everything, []string{"jailed"}},
		{"server A: B's word does not count", knowledge.Scope{Guild: "A"}, []string{"sentenced", "jailed", "took"}},
		{"server B", knowledge.Scope{Guild: "B"}, []string{"prison", "ferry", "jailed"}},
		{"one document", knowledge.Scope{All: true, Docs: []string{"trial"}}, []string{"sentenced", "jailed", "took"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Lacking(ctx, tt.sc, words)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Lacking(%q) = %q, want %q", words, got, tt.want)
			}
		})
	}
	// A phrase is held as written, not as words apart.
	if got, err := st.Lacking(ctx, knowledge.Everything, []string{"nine years", "years nine"}); err != nil || !slices.Equal(got, []string{"years nine"}) {
		t.Errorf(`Lacking(["nine years", "years nine"]) = %q, %v: want ["years nine"]`, got, err)
	}
	// An irregular form is held when any form is: "took" meets "take".
	if got, err := st.Lacking(ctx, knowledge.Everything, []string{"take"}); err != nil || len(got) != 0 {
		t.Errorf(`Lacking(["take"]) = %q, %v: want none, the story has "took"`, got, err)
	}
}

func TestSearchFindsRelatedWords(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	p := mustParse(t, "trial.txt", trialStory)
	mustIngest(t, st, p)

	const q = "What was Ada Brook sentenced to?"
	ps, err := st.Search(ctx, knowledge.Everything, q, 3)
	if err != nil || len(ps) == 0 {
		t.Fatalf("Search(%q): %v %+v", q, err, ps)
	}
	if ps[0].N != 2 {
		t.Errorf("Search(%q) ranks passage %d first, want 2 (nine years in prison)", q, ps[0].N)
	}
	st.Ranking.Related = 0
	plain, err := st.Search(ctx, knowledge.Everything, q, 3)
	if err != nil || len(plain) == 0 {
		t.Fatalf("Search(%q) without related words: %v %+v", q, err, plain)
	}
	if plain[0].N == 2 {
		t.Errorf("without related words passage 2 is first too: the story no longer shows the gap this test is about")
	}
}

// TestRelatedWordsChangeNothingTheStorySays checks that a question whose
// words the story holds is searched exactly as without related words: on
// the default story, every question of its question set.
func TestRelatedWordsChangeNothingTheStorySays(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, q := range phantomQuestions(t) {
		lacking, err := st.Lacking(ctx, knowledge.Everything, knowledge.Expandable(q))
		if err != nil {
			t.Fatal(err)
		}
		st.Ranking = knowledge.DefaultRanking()
		with, err1 := st.Search(ctx, knowledge.Everything, q, 5)
		st.Ranking.Related = 0
		without, err2 := st.Search(ctx, knowledge.Everything, q, 5)
		if err1 != nil || err2 != nil {
			t.Fatalf("%q: %v %v", q, err1, err2)
		}
		if len(lacking) > 0 {
			continue
		}
		checked++
		if len(with) != len(without) {
			t.Fatalf("%q: %d passages with related words, %d without", q, len(with), len(without))
		}
		for i := range with {
			if with[i].ID != without[i].ID || with[i].Score != without[i].Score {
				t.Errorf("%q: #%d is %s %.4f with related words, %s %.4f without", q, i+1, with[i].ID, with[i].Score, without[i].ID, without[i].Score)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d questions hold all their words in the story, want at least 10 to compare", checked)
	}
}
