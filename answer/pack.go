package answer

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// block is one passage as the model sees it, labelled [ref].
type block struct {
	ref     int
	passage knowledge.Passage
	// neighbours are the passages some of whose text was added because
	// the passage is cut mid-thought; quotes from them are re-attributed.
	neighbours []knowledge.Passage
	text       string
}

// EstimateTokens estimates how many model tokens text takes: about four
// characters a token for English prose.
func EstimateTokens(text string) int { return (utf8.RuneCountInString(text) + 3) / 4 }

// pack turns retrieved passages (best first) into labelled blocks that fit
// the token budget. A passage cut mid-thought gets the neighbouring sentence
// that completes it, when that fits. The best passage is always sent, cut
// at a sentence boundary if it alone is over the budget.
func (e *Engine) pack(ctx context.Context, passages []knowledge.Passage) []block {
	retrieved := make(map[string]bool, len(passages))
	for _, p := range passages {
		retrieved[p.ID] = true
	}
	var blocks []block
	used := 0
	for _, p := range passages {
		b := block{passage: p, text: p.Text}
		full := e.withNeighbours(ctx, p, retrieved)
		if cost := EstimateTokens(full.text); used+cost <= e.budget {
			b = full
		} else if cost := EstimateTokens(p.Text); used+cost > e.budget {
			if len(blocks) > 0 {
				continue // a later, shorter passage may still fit
			}
			b.text = cutToBudget(p.Text, e.budget)
		}
		b.ref = len(blocks) + 1
		used += EstimateTokens(b.text)
		blocks = append(blocks, b)
	}
	return blocks
}

// withNeighbours adds the sentence before a passage that starts
// mid-sentence and the sentence after one that ends mid-thought.
func (e *Engine) withNeighbours(ctx context.Context, p knowledge.Passage, skip map[string]bool) block {
	b := block{passage: p, text: p.Text}
	if startsMidThought(p.Text) {
		if prev, ok := e.neighbour(ctx, p, -1, skip); ok {
			if s := knowledge.Sentences(prev.Text); len(s) > 0 {
				last := s[len(s)-1]
				b.text = prev.Text[last[0]:last[1]] + " " + b.text
				b.neighbours = append(b.neighbours, prev)
			}
		}
	}
	if endsMidThought(p.Text) {
		if next, ok := e.neighbour(ctx, p, +1, skip); ok {
			if s := knowledge.Sentences(next.Text); len(s) > 0 {
				b.text += " " + next.Text[s[0][0]:s[0][1]]
				b.neighbours = append(b.neighbours, next)
			}
		}
	}
	return b
}

// neighbour fetches the passage delta places from p, unless it is missing
// or is in skip (sent as a block of its own).
func (e *Engine) neighbour(ctx context.Context, p knowledge.Passage, delta int, skip map[string]bool) (knowledge.Passage, bool) {
	n := p.N + delta
	if n < 1 {
		return knowledge.Passage{}, false
	}
	id := knowledge.PassageID(p.Doc, n)
	if skip[id] {
		return knowledge.Passage{}, false
	}
	q, err := e.store.Passage(ctx, id)
	if err != nil {
		if !errors.Is(err, knowledge.ErrNotFound) {
			e.log.Warn("neighbouring passage unavailable", "id", id, "err", err)
		}
		return knowledge.Passage{}, false
	}
	return q, true
}

// endsMidThought reports whether text stops without finishing a sentence,
// or on a colon that announces what follows.
func endsMidThought(text string) bool {
	t := strings.TrimRightFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'”’)]»`, r)
	})
	if t == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	return !strings.ContainsRune(".!?…", r)
}

// startsMidThought reports whether text begins in the middle of a sentence
// (with a lower-case letter).
func startsMidThought(text string) bool {
	for _, r := range text {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
		if unicode.IsDigit(r) {
			return false
		}
	}
	return false
}

// cutToBudget keeps the whole sentences of text that fit in budget tokens
// (at least the first sentence, itself cut at a word if need be).
func cutToBudget(text string, budget int) string {
	end := 0
	for _, s := range knowledge.Sentences(text) {
		if EstimateTokens(text[:s[1]]) > budget {
			break
		}
		end = s[1]
	}
	if end > 0 {
		return text[:end]
	}
	limit := budget * 4
	if limit >= len(text) {
		return text
	}
	for limit > 0 && !utf8.RuneStart(text[limit]) {
		limit--
	}
	if i := strings.LastIndexFunc(text[:limit], unicode.IsSpace); i > 0 {
		limit = i
	}
	return text[:limit]
}
