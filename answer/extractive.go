package answer

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// ExtractiveLabel opens every extractive answer: what follows are the
// story's own sentences, not words of storybot's.
const ExtractiveLabel = "From the story:"

// extractParams tune the extractive answerer.
type extractParams struct {
	sentences     int     // sentences returned at most
	passages      int     // top passages the sentences come from
	typedPassages int     // top passages a sentence holding the asked-for kind of expression may come from
	rankBonus     float64 // extra weight of the best passage's sentences over the others'
	lengthPenalty float64 // exponent of the sentence-length divisor
	minShare      float64 // a runner-up sentence needs this share of the best score
	next          int     // sentences after the best one added next to it
	coverage      float64 // weight of the share of the question's weight a sentence holds
	rarest        float64 // bonus for holding the rarest question word found
	typeBonus     float64 // bonus for an expression of the kind the question asks for
	near          int     // words within which such an expression is near a question word
	farShare      float64 // share of typeBonus for an expression far from the question's words
	carry         float64 // share of the previous sentence's match a sentence inherits
	follow        float64 // that share when the question asks what came after
}

// defaultExtract is the tuning chosen on FairytaleQA train and val and on
// half of COVID-QA's papers with TestTuneExtractive; FairytaleQA test and
// the other papers were only scored, never tuned on.
func defaultExtract() extractParams {
	return extractParams{sentences: 3, passages: 3, typedPassages: 3, rankBonus: 0.25, lengthPenalty: 0.15, minShare: 0.35, next: 1,
		coverage: 0, rarest: 0, typeBonus: 0, near: 8, farShare: 0.5, carry: 0, follow: 0}
}

// sentence is a candidate sentence of a retrieved passage.
type sentence struct {
	passage knowledge.Passage
	rank    int // passage rank, 0 = best
	idx     int // position among all candidates, in passage order
	start   int // byte offsets in passage.Text
	end     int
	words   []word
	terms   map[string]bool
	nterms  int
	match   float64 // weight of the question's words it holds
	score   float64
}

// extract picks the sentences of the top passages that best answer the
// question. A sentence scores the question's content words it holds, each
// weighted by how rare it is among the retrieved sentences, more when it
// holds more of the question's weight and its rarest word, more again
// when it holds an expression of the kind the question asks for (a date
// for "when", a duration for "how long") near those words; it inherits a
// share of the previous sentence's score (answers often follow the
// sentence that echoes the question), with a bonus for the best passage
// and a mild penalty for length. The best sentence comes first with the
// one after it, then the runners-up, skipping near-repeats of a sentence
// already picked. It returns at most pr.sentences citations.
func extract(question string, passages []knowledge.Passage, pr extractParams) []Citation {
	qws := readWords(nil, question)
	qr := readQuestion(qws)
	asked := make(map[string]float64)
	for _, w := range qws {
		if w.term != "" {
			asked[w.term] = 0
		}
	}
	var all []sentence // every sentence retrieved, in passage order
	for rank, p := range passages {
		for _, sp := range knowledge.Sentences(p.Text) {
			ws := readWords(nil, p.Text[sp[0]:sp[1]])
			set := make(map[string]bool)
			n := 0
			for _, w := range ws {
				if w.term != "" {
					set[w.term] = true
					n++
				}
			}
			all = append(all, sentence{passage: p, rank: rank, idx: len(all), start: sp[0], end: sp[1], words: ws, terms: set, nterms: n})
		}
	}
	df := make(map[string]int)
	for _, c := range all {
		for t := range asked {
			if c.terms[t] {
				df[t]++
			}
		}
	}
	total, rarest := 0.0, ""
	for t := range asked {
		if df[t] == 0 {
			continue
		}
		asked[t] = math.Log(1 + float64(len(all))/float64(df[t]))
		total += asked[t]
		if rarest == "" || asked[t] > asked[rarest] || asked[t] == asked[rarest] && t < rarest {
			rarest = t
		}
	}
	for i := range all {
		c := &all[i]
		for t := range c.terms {
			c.match += asked[t]
		}
		if c.match > 0 {
			c.match *= 1 + pr.coverage*c.match/total
			if c.terms[rarest] {
				c.match *= 1 + pr.rarest
			}
		}
	}
	carry := pr.carry
	if qr.follows {
		carry = pr.follow
	}
	var cands []*sentence
	var exprs []typed
	for i := range all {
		c := &all[i]
		if c.rank >= max(pr.passages, pr.typedPassages) {
			continue
		}
		c.score = c.match
		if i > 0 && all[i-1].passage.ID == c.passage.ID {
			c.score += carry * all[i-1].match
		}
		best := 0.0
		if c.score > 0 && qr.want != typeAny && pr.typeBonus > 0 {
			text := c.passage.Text[c.start:c.end]
			exprs = expressions(qr.want, c.words, text, asked, exprs)
			for _, e := range exprs {
				s := e.strength * pr.farShare
				if nearAsked(c.words, e.at, pr.near, asked) {
					s = e.strength
				}
				best = max(best, s)
			}
			c.score *= 1 + pr.typeBonus*best
		}
		if c.rank >= pr.passages && best < 1 {
			continue
		}
		if c.score > 0 {
			c.score *= 1 + pr.rankBonus/float64(1+c.rank)
			c.score /= math.Pow(float64(max(c.nterms, 1)), pr.lengthPenalty)
		}
		cands = append(cands, c)
	}
	if len(cands) == 0 {
		return nil
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })

	var picked []*sentence
	take := func(c *sentence) {
		for _, p := range picked {
			if p.idx == c.idx || repeats(c, p) {
				return
			}
		}
		if len(picked) < pr.sentences {
			picked = append(picked, c)
		}
	}
	best := cands[0].score
	for i, c := range cands {
		if len(picked) >= pr.sentences || best > 0 && c.score < best*pr.minShare {
			break
		}
		if best <= 0 && c.rank > 0 {
			break // nothing matched: the best passage's opening sentences
		}
		take(c)
		if i > 0 {
			continue
		}
		for d := 1; d <= pr.next; d++ {
			if j := c.idx + d; j < len(all) && all[j].passage.ID == c.passage.ID {
				take(&all[j])
			}
		}
	}
	cites := make([]Citation, len(picked))
	for i, c := range picked {
		cites[i] = Citation{Ref: i + 1, PassageID: c.passage.ID, Quote: c.passage.Text[c.start:c.end]}
	}
	return cites
}

// nearAsked reports whether a question word stands within n words of
// word i.
func nearAsked(ws []word, i, n int, asked map[string]float64) bool {
	for k := max(0, i-n); k < min(len(ws), i+n+1); k++ {
		if ws[k].term != "" && asked[ws[k].term] > 0 {
			return true
		}
	}
	return false
}

// repeats reports whether most of a's content words are in b: a says
// little that b does not.
func repeats(a, b *sentence) bool {
	if len(a.terms) == 0 {
		return false
	}
	shared := 0
	for t := range a.terms {
		if b.terms[t] {
			shared++
		}
	}
	return float64(shared) >= 0.8*float64(len(a.terms))
}

// extractiveText is the answer text of an extractive answer: the label,
// then each quote in curly quotes with its marker.
func extractiveText(cites []Citation) string {
	var b strings.Builder
	b.WriteString(ExtractiveLabel)
	for _, c := range cites {
		b.WriteString(" “")
		b.WriteString(strings.Join(strings.Fields(c.Quote), " "))
		b.WriteString("” [")
		b.WriteString(strconv.Itoa(c.Ref))
		b.WriteString("]")
	}
	return b.String()
}
