package answer

import (
	"fmt"
	"math"

	"github.com/storybot/storybot/knowledge"
)

// With no model, the extractive answerer abstains when the passages it
// reads do not answer the question: when they lack one of the question's
// numbers or dates ("What happened in 1816?" of a story that has only
// 1815), or when too small a share of the question's words, each weighed
// by how rare it is in ordinary English (knowledge.CommonShare) so that
// "Assipattle" counts for more than "king", stands in them, or in any few
// sentences of them side by side. Search returns any passage that shares
// one word with the question, so without this a question the story
// cannot answer was still answered with the sentences nearest to it. The
// thresholds were chosen on questions asked of other stories (FairytaleQA
// train and val, the even-numbered COVID-QA papers) against the same
// questions asked of their own, so that few answerable questions are
// refused.

// NoticeNotAnswered says why an extractive answer is "the story doesn't
// say".
const NoticeNotAnswered = "The passages of the story that best match your question do not answer it."

// abstainParams tune when the extractive answerer abstains.
type abstainParams struct {
	passages int     // top passages the question's words are looked for in
	coverage float64 // weighted share of the question's words they must hold
	names    float64 // weight of a name of the question against a word's 1
	// facts, when set, means not found when they lack a date (a year, a
	// month, a day of the week) of the question, or with numbers also any
	// other number of it.
	facts, numbers bool
	// idf weighs each word by how rare it is in ordinary English, times
	// the above.
	idf bool
	// window, when above 0, also asks that some run of this many
	// sentences of one passage hold the share near of the question's words.
	window int
	near   float64
}

// defaultAbstain is the tuning chosen on the abstention sets.
func defaultAbstain() abstainParams {
	return abstainParams{passages: 5, coverage: 0.4, names: 2, facts: true, idf: true, window: 2, near: 0.4}
}

// askedWord is a content word of a question with its weight.
type askedWord struct {
	term   string
	weight float64
}

// unanswered returns why the passages (best first) do not answer
// question, or "" when they may.
func (ap abstainParams) unanswered(question string, passages []knowledge.Passage) string {
	ws := readWords(nil, question)
	if len(ws) == 0 || len(passages) == 0 {
		return "nothing to answer from"
	}
	read := passages[:min(ap.passages, len(passages))]
	opens := sentenceOpens(question, ws)
	if why := ap.missingDate(question, ws, opens, read); why != "" {
		return why
	}
	asked := ap.askedWords(ws, opens)
	if len(asked) == 0 {
		return ""
	}
	// Each sentence's mask says which of the asked words it holds.
	var masks []uint64
	var ends []bool // ends[i]: sentence i ends its passage
	var tws []word
	memo := make(map[string]uint64, 256)
	for _, p := range read {
		for _, sp := range knowledge.Sentences(p.Text) {
			tws = readWords(tws, p.Text[sp[0]:sp[1]])
			var m uint64
			for _, w := range tws {
				bits, ok := memo[w.lower]
				if !ok {
					bits = askedBits(asked, supportTerm(w.lower))
					memo[w.lower] = bits
				}
				m |= bits
			}
			masks = append(masks, m)
			ends = append(ends, false)
		}
		if len(ends) > 0 {
			ends[len(ends)-1] = true
		}
	}
	var all uint64
	for _, m := range masks {
		all |= m
	}
	if share := heldShare(asked, all); share < ap.coverage {
		return fmt.Sprintf("they hold too few of its words (%.0f%%)", 100*share)
	}
	if ap.window > 0 && bestWindow(asked, masks, ends, ap.window) < ap.near {
		return "no sentences of theirs hold enough of its words together"
	}
	return ""
}

// missingDate names a year, month or day of the week (with ap.numbers,
// any number) of the question (words ws) that the passages lack, or
// returns "".
func (ap abstainParams) missingDate(question string, ws []word, opens func(int) bool, read []knowledge.Passage) string {
	if !ap.facts {
		return ""
	}
	c := claim{text: question}
	for _, f := range readFacts(question, ws, opens) {
		if f.kind == factMonth || f.kind == factWeekday || f.kind == factNumber && (ap.numbers || isYearFact(f)) {
			c.facts = append(c.facts, f)
		}
	}
	if len(c.facts) == 0 {
		return ""
	}
	var ev evidence
	for _, p := range read {
		pws := readWords(nil, p.Text)
		ev.facts = append(ev.facts, readFacts(p.Text, pws, sentenceOpens(p.Text, pws))...)
	}
	return missingFact(c, ev, background{})
}

// isYearFact reports whether f is a year: a plain number from 1000 to 2099.
func isYearFact(f fact) bool {
	return f.kind == factNumber && f.unit == "" && len(f.key) == 4 && f.key >= "1000" && f.key <= "2099"
}

// maxAsked bounds the words of a question the abstention weighs (one bit
// each of a mask).
const maxAsked = 64

// askedWords are the distinct content words of a question (words ws) with
// their weights, at most maxAsked; the words that frame questions
// ("happen", "tell") are left out.
func (ap abstainParams) askedWords(ws []word, opens func(int) bool) []askedWord {
	var out []askedWord
	seen := make(map[string]bool)
	for i, w := range ws {
		t := supportTerm(w.lower)
		if t == "" || extraStopWords[w.lower] || seen[t] || len(out) == maxAsked {
			continue
		}
		seen[t] = true
		weight := 1.0
		if w.upper && !opens(i) {
			weight = ap.names
		}
		if ap.idf {
			weight *= -math.Log(knowledge.CommonShare(t))
		}
		out = append(out, askedWord{t, weight})
	}
	return out
}

// askedBits is the mask of the asked words that term meets (termsMeet).
func askedBits(asked []askedWord, term string) uint64 {
	if term == "" {
		return 0
	}
	var m uint64
	for i, a := range asked {
		if termsMeet(a.term, term) {
			m |= 1 << i
		}
	}
	return m
}

// heldShare is the weighted share of asked whose bits are in mask.
func heldShare(asked []askedWord, mask uint64) float64 {
	total, have := 0.0, 0.0
	for i, a := range asked {
		total += a.weight
		if mask&(1<<i) != 0 {
			have += a.weight
		}
	}
	if total == 0 {
		return 1
	}
	return have / total
}

// bestWindow is the best weighted share of asked held by n sentences side
// by side within one passage (masks holds each sentence's, ends marks each
// passage's last sentence).
func bestWindow(asked []askedWord, masks []uint64, ends []bool, n int) float64 {
	best := 0.0
	for i := range masks {
		m := masks[i]
		for j := i; j < len(masks)-1 && j-i+1 < n && !ends[j]; j++ {
			m |= masks[j+1]
		}
		best = max(best, heldShare(asked, m))
	}
	return best
}
