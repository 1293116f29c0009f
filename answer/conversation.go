package answer

import (
	"context"
	"strings"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/prompts"
)

// Turn is one earlier exchange of a conversation: what was asked, and what
// storybot answered (its verified text; an extractive answer's quotes).
type Turn struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Bounds on the earlier turns the engine reads: the latest MaxTurns, within
// HistoryTokens estimated tokens (see EstimateTokens). Older turns are left
// out; a single turn over the budget is cut.
const (
	MaxTurns      = 6
	HistoryTokens = 1000
)

// FollowUp says how the earlier turns of a conversation join the search for
// a question asked in it. The question weighs most: the words of the
// turns before it are added to the search with a lower weight, so that
// they tell what "he", "that" or "what about…" refer to without dragging
// the answer back to the previous one. DefaultFollowUp has the weights
// chosen on Doc2Dial (BENCHMARKS.md).
type FollowUp struct {
	// Concat pastes the earlier turns in front of the question as one text
	// of full weight: the naive way, kept to be measured against.
	Concat bool
	// Question and Answer weigh the words of the previous turn's question
	// and answer, from 0 (left out) to 1 (as much as the question's).
	Question, Answer float64
	// Decay multiplies both weights for each turn further back.
	Decay float64
	// Turns is how many earlier turns are read, latest first.
	Turns int
	// Norm, above 0, scales down the weight of an earlier text with more
	// distinct content words than Norm times the question's, in
	// proportion: a long quoted answer does not outweigh a short question
	// by the number of its words.
	Norm float64
}

// DefaultFollowUp returns the weighting the engine uses unless told
// otherwise. Any small weights do about as well on Doc2Dial's tuning half
// (MRR 0.79 to 0.80 from 0.05 to 0.2). Norm is neutral there, where
// answers are short; without it a quoted answer of 40 words drags a
// follow-up of two words back to its own passage (TestLongAnswerDoesNotDragBack),
// and 2 is the value that keeps both of that test's follow-ups right.
func DefaultFollowUp() FollowUp {
	return FollowUp{Question: 0.1, Answer: 0.05, Decay: 0.5, Turns: 3, Norm: 2}
}

// TurnAlone is the weighting that ignores the earlier turns.
func TurnAlone() FollowUp { return FollowUp{} }

// Concatenated is the naive weighting: the earlier turns pasted in front of
// the question.
func Concatenated() FollowUp { return FollowUp{Concat: true, Turns: MaxTurns} }

// texts returns what to search for question asked after history (oldest
// first): the question at weight 1, then each earlier turn's question and
// answer, latest first, at their weights.
func (f FollowUp) texts(question string, history []Turn) []knowledge.Weighted {
	texts := []knowledge.Weighted{{Text: question, Weight: 1}}
	n := min(f.Turns, len(history))
	if n == 0 {
		return texts
	}
	earlier := history[len(history)-n:]
	if f.Concat {
		var b strings.Builder
		for _, t := range earlier {
			b.WriteString(t.Question + "\n" + t.Answer + "\n")
		}
		return []knowledge.Weighted{{Text: b.String() + question, Weight: 1}}
	}
	q, a := f.Question, f.Answer
	nq := distinctTerms(question)
	scale := func(text string, w float64) knowledge.Weighted {
		if f.Norm > 0 {
			if n := distinctTerms(text); n > 0 {
				w *= min(1, f.Norm*float64(max(nq, 1))/float64(n))
			}
		}
		return knowledge.Weighted{Text: text, Weight: w}
	}
	for i := len(earlier) - 1; i >= 0; i-- {
		texts = append(texts, scale(earlier[i].Question, q), scale(spoken(earlier[i].Answer), a))
		q, a = q*f.Decay, a*f.Decay
	}
	return texts
}

// spoken is an answer's text without its [n] markers and the label of an
// extractive answer: what it says.
func spoken(answer string) string {
	answer = strings.TrimSpace(answer)
	for _, l := range []string{ExtractiveLabel, ClosestLabel} {
		answer = strings.TrimPrefix(answer, l)
	}
	return strings.TrimSpace(markerRe.ReplaceAllString(answer, ""))
}

// bounded returns the latest turns of history that MaxTurns and
// HistoryTokens allow, oldest first, empty ones left out, and the last one
// cut to the budget if it alone is over it.
func bounded(history []Turn) []Turn {
	var out []Turn
	used := 0
	for i := len(history) - 1; i >= 0 && len(out) < MaxTurns; i-- {
		t := Turn{Question: strings.TrimSpace(history[i].Question), Answer: strings.TrimSpace(history[i].Answer)}
		if t.Question == "" && t.Answer == "" {
			continue
		}
		cost := EstimateTokens(t.Question) + EstimateTokens(t.Answer)
		if used+cost > HistoryTokens {
			if len(out) == 0 {
				t.Question = cutToBudget(t.Question, HistoryTokens/4)
				t.Answer = cutToBudget(t.Answer, HistoryTokens-EstimateTokens(t.Question))
				out = append(out, t)
			}
			break
		}
		used += cost
		out = append(out, t)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Retrieve returns the k passages the engine reads to answer q, best
// first: for a question with earlier turns, found as FollowUp says. It
// returns an error wrapping knowledge.ErrEmptyQuery for a question with no
// words. A misspelt word is respelt first, as Ask does.
func (e *Engine) Retrieve(ctx context.Context, q Query, k int) ([]knowledge.Passage, error) {
	e = e.within(q.Scope)
	question, _, err := e.store.respelt(ctx, strings.TrimSpace(q.Question))
	if err != nil {
		return nil, err
	}
	return e.retrieve(ctx, question, bounded(q.History), k)
}

// retrieve searches for question after history, and sets e.lacking to
// the question's words the documents lack (see related.go).
func (e *Engine) retrieve(ctx context.Context, question string, history []Turn, k int) ([]knowledge.Passage, error) {
	texts := e.followUp.texts(question, history)
	if len(history) > 0 && len(knowledge.Words(question)) == 0 {
		return nil, knowledge.ErrEmptyQuery
	}
	var err error
	if e.lacking, err = e.store.lacking(ctx, question); err != nil {
		return nil, err
	}
	if texts[0].Text != question { // the turns pasted in front (FollowUp.Concat)
		return e.store.SearchWeighted(ctx, texts, k)
	}
	return e.store.SearchRelated(ctx, texts, e.lacking, k)
}

// earlier is the conversation as the prompt holds it: each earlier
// question with what storybot answered, markers dropped.
func (e *Engine) earlier() []prompts.Turn {
	var out []prompts.Turn
	for _, t := range e.history {
		out = append(out, prompts.Turn{Question: t.Question, Answer: spoken(t.Answer)})
	}
	return out
}

// TurnOf is the turn an answer makes in its conversation: its question,
// and its text unless the story did not say.
func TurnOf(a Answer) Turn {
	t := Turn{Question: a.Question}
	if a.Mode != ModeNotFound {
		t.Answer = a.Answer
	}
	return t
}

// distinctTerms counts the distinct content words of text.
func distinctTerms(text string) int {
	seen := make(map[string]bool)
	for _, t := range contentTerms(text) {
		seen[t] = true
	}
	return len(seen)
}
