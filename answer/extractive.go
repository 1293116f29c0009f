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

// Extractive tuning, chosen on FairytaleQA train and val (see EvalExtractive).
const (
	extractSentences = 3    // sentences returned at most
	extractPassages  = 3    // top passages the sentences come from
	rankBonus        = 0.25 // weight of the best passage over the others
	lengthPenalty    = 0.15 // exponent of the sentence length divisor
	minShare         = 0.35 // a runner-up sentence needs this share of the best score
)

// sentence is a candidate sentence of a retrieved passage.
type sentence struct {
	passage knowledge.Passage
	rank    int // passage rank, 0 = best
	start   int // byte offsets in passage.Text
	end     int
	terms   map[string]bool
	nterms  int
	score   float64
}

// extract picks the sentences of the top passages that best answer the
// question: each is scored by the question's content words it holds, each
// word weighted by how rare it is among the candidate sentences, with a
// bonus for the best passage and a mild penalty for length. It returns at
// most extractSentences citations, best first.
func extract(question string, passages []knowledge.Passage) []Citation {
	if len(passages) > extractPassages {
		passages = passages[:extractPassages]
	}
	var cands []sentence
	for rank, p := range passages {
		for _, sp := range knowledge.Sentences(p.Text) {
			terms := contentTerms(p.Text[sp[0]:sp[1]])
			set := make(map[string]bool, len(terms))
			for _, t := range terms {
				set[t] = true
			}
			cands = append(cands, sentence{passage: p, rank: rank, start: sp[0], end: sp[1], terms: set, nterms: len(terms)})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	df := make(map[string]int)
	for _, c := range cands {
		for t := range c.terms {
			df[t]++
		}
	}
	q := termSet(question)
	n := float64(len(cands))
	for i := range cands {
		c := &cands[i]
		var s float64
		for t := range q {
			if c.terms[t] {
				s += math.Log(1 + n/float64(df[t]))
			}
		}
		if s > 0 {
			s *= 1 + rankBonus/float64(1+c.rank)
			s /= math.Pow(float64(max(c.nterms, 1)), lengthPenalty)
		}
		c.score = s
	}
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cands[order[a]].score > cands[order[b]].score })

	best := cands[order[0]].score
	var picked []sentence
	for _, i := range order {
		c := cands[i]
		if len(picked) == extractSentences {
			break
		}
		if best > 0 && c.score < best*minShare {
			break
		}
		if best <= 0 && c.rank > 0 {
			break // nothing matched: the best passage's opening sentences
		}
		picked = append(picked, c)
	}
	cites := make([]Citation, len(picked))
	for i, c := range picked {
		cites[i] = Citation{Ref: i + 1, PassageID: c.passage.ID, Quote: c.passage.Text[c.start:c.end]}
	}
	return cites
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
