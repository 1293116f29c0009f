package answer

import (
	"context"
	"math"

	"github.com/storybot/storybot/knowledge"
)

// A question's word that no passage of the documents searched holds
// ("sentenced", of a story that says "nine years in prison") is searched
// for by its related words (knowledge.Related; the store does it, see
// knowledge.Ranking.Related). The extractive answer counts those words
// too, each at a share of what the question's own word would count
// (extractParams.related), and so does the abstention's share of the
// question's words that the passages hold (abstainParams.related): an
// expanded word counts for less than one the question really shares. A
// word the story uses is never expanded.

// lacking returns the words of question that have related words and that
// no passage of the scope holds (see knowledge.Expandable), or nil.
func (s scoped) lacking(ctx context.Context, question string) ([]string, error) {
	words := knowledge.Expandable(question)
	if len(words) == 0 {
		return nil, nil
	}
	return s.st.Lacking(ctx, s.sc, words)
}

// relatedTerms returns the terms (termOf) of the related words of the
// lacking words, but those the question has (asked).
func relatedTerms(lacking []string, asked map[string]float64) map[string]bool {
	var out map[string]bool
	for _, w := range lacking {
		for _, r := range knowledge.Related(w) {
			for _, t := range contentTerms(r) {
				if _, ok := asked[t]; ok {
					continue
				}
				if out == nil {
					out = make(map[string]bool)
				}
				out[t] = true
			}
		}
	}
	return out
}

// withRelated is the abstention's hook: after the asked words it adds,
// for each of them that is one of the lacking words, its related words
// (at most maxAsked in all), each weighing share of the lighter of the
// two words' weights (a common word standing for a rare one says little),
// so that passages holding a related word hold that much of it.
func withRelated(asked []askedWord, lacking []string, share float64) []askedWord {
	if share <= 0 || len(lacking) == 0 {
		return asked
	}
	n := len(asked)
	seen := make(map[string]bool, n)
	for _, a := range asked {
		seen[a.term] = true
	}
	for _, w := range lacking {
		t := supportTerm(w)
		for i := range n {
			if asked[i].term != t || asked[i].of != 0 {
				continue
			}
			for _, r := range knowledge.Related(w) {
				for _, rw := range knowledge.Words(r) {
					a := supportTerm(rw)
					if a == "" || extraStopWords[rw] || seen[a] || len(asked) == maxAsked {
						continue
					}
					seen[a] = true
					asked = append(asked, askedWord{term: a, weight: share * asked[i].weight * lighter(t, a), of: i + 1})
				}
			}
			break
		}
	}
	return asked
}

// relatedHeld sums, over the asked words that mask does not hold, the
// weight of the heaviest of their related words it holds.
func relatedHeld(asked []askedWord, mask uint64) float64 {
	have, of, best := 0.0, 0, 0.0
	for i, a := range asked {
		if a.of == 0 {
			continue
		}
		if a.of != of {
			have += best
			of, best = a.of, 0
		}
		if mask&(1<<i) != 0 && mask&(1<<(a.of-1)) == 0 {
			best = max(best, a.weight)
		}
	}
	return have + best
}

// lighter is how much a related word a weighs against the word t it
// stands for, by their rarity in ordinary English: 1 when a is as rare as
// t or rarer, less when it is more common ("see" for "hear").
func lighter(t, a string) float64 {
	wt, wa := -math.Log(knowledge.CommonShare(t)), -math.Log(knowledge.CommonShare(a))
	if wt <= 0 || wa >= wt {
		return 1
	}
	return max(wa, 0) / wt
}

// ownWords is the number of asked words that are the question's own (the
// related words follow them).
func ownWords(asked []askedWord) int {
	n := 0
	for n < len(asked) && asked[n].of == 0 {
		n++
	}
	return n
}

// together is how much of the question's words a and b some sentence
// holds within reach of each other (reach[x]: the asked words near asked
// word x): 1 for the words themselves, less for a related word of either,
// by its share of the word's weight.
func together(asked []askedWord, reach *[maxAsked]uint64, a, b int) float64 {
	if reach[a]&(1<<b) != 0 {
		return 1
	}
	if asked[len(asked)-1].of == 0 {
		return 0
	}
	best := 0.0
	for x := range asked {
		fx := standsFor(asked, x, a)
		if fx == 0 {
			continue
		}
		for y := range asked {
			if fy := standsFor(asked, y, b); fy > 0 && reach[x]&(1<<y) != 0 {
				best = max(best, fx*fy)
			}
		}
	}
	return best
}

// standsFor is the share of asked word a that asked word x holds: all of
// it for a itself, a related word's weight against a's, or none.
func standsFor(asked []askedWord, x, a int) float64 {
	switch {
	case x == a:
		return 1
	case asked[x].of == a+1:
		return asked[x].weight / asked[a].weight
	}
	return 0
}
