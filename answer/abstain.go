package answer

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// With no model, the extractive answerer abstains when the passages it
// reads do not answer the question: when they lack one of its dates or
// numbers ("What happened in 1816?" of a story that has only 1815) or
// one of the names it asks about ("Assipattle"), or when its words do
// not stand together in them. Each word of the question weighs by how
// rare it is in ordinary English (knowledge.CommonShare), a name twice,
// and three shares of that weight make one score from 0 to 1:
//
//   - the share that some two sentences side by side hold;
//   - the share of the question's phrases (two words side by side in it,
//     "vaccine candidates") that stand within two words of each other in
//     some sentence;
//   - the share of every two of its words that stand within ten words of
//     each other in some sentence.
//
// A question of another story shares words with this one, but seldom
// its phrases or its words together. Search returns any passage that
// shares one word with the question, so without this a question the
// story cannot answer was still answered with the sentences nearest to
// it. The setting was chosen on questions asked of other stories
// (FairytaleQA train and val, the even-numbered COVID-QA papers) against
// the same questions asked of their own: the highest threshold that
// refuses at most 1.5% of each set's answerable questions, half the
// target, as the held-out sets have refused up to twice what val did.
//
// Between that threshold and a second one the answer is given, but shown
// as the closest passages, which may not answer the question: on the same
// sets, at least one in three of the questions scoring there was a
// question of another story.

// NoticeNotAnswered says why an extractive answer is "the story doesn't
// say".
const NoticeNotAnswered = "The passages of the story that best match your question do not answer it."

// abstainParams tune when the extractive answerer abstains.
type abstainParams struct {
	passages int     // top passages the question's words are looked for in
	names    float64 // weight of a capitalised word of the question against another's 1
	// facts, when set, means not found when they lack a date (a year, a
	// month, a day of the week) of the question, or with numbers also a
	// number it states in digits (see statedNumber).
	facts, numbers bool
	// needNames means not found when they lack a name of the question
	// (see asking): some word of it, and when the name is at most
	// rareRun words long every word of it that ordinary English does not
	// use ("Prince Rua": Rua).
	needNames bool
	rareRun   int
	window    int     // sentences side by side whose share counts
	phrase    float64 // weight of the phrase share in the score, against the window's 1
	pairs     float64 // weight of the share of words together
	close     int     // words apart at most of a phrase's two words
	near      int     // words apart at most of two words together
	// fuzzy, when above 0, lets a capitalised word of the question of at
	// least this many letters that the passages lack meet a capitalised
	// word one letter away ("Ownee", "Onwee"): names are often misspelt.
	fuzzy     int
	threshold float64 // the score below which the answerer abstains
	unsure    float64 // the score below which its sentences may not answer (ClosestLabel)
	// related is the share of a question's word, one the documents
	// searched lack, that its related words hold (see withRelated).
	related float64
}

// defaultAbstain is the tuning chosen on the abstention sets.
func defaultAbstain() abstainParams {
	return abstainParams{passages: 5, names: 2, facts: true, numbers: true, needNames: true, rareRun: 2,
		window: 2, phrase: 0.3, pairs: 0.5, close: 2, near: 10, fuzzy: 5, threshold: 0.27, unsure: 0.42, related: 0.5}
}

// askedWord is a content word of a question with its weight, or (of
// above 0) a related word standing for the question's word of index of−1
// (see withRelated).
type askedWord struct {
	term   string
	lower  string // as written, lower case
	weight float64
	// capital is set for a capitalised word that does not open the
	// question, rare for a word ordinary English does not use.
	capital, rare bool
	of            int
}

// asking is what the abstention reads from a question.
type asking struct {
	words   []askedWord
	phrases [][2]int // the words (indices) of each phrase
	names   [][]int  // the words of each name, one or a run of them ("Green Nils")
}

// unanswered returns why the passages (best first) do not answer
// question, or "" when they may, and then whether they may not (unsure:
// their score is below ap.unsure); lacking are its words that the
// documents searched lack (see withRelated).
func (ap abstainParams) unanswered(question string, passages []knowledge.Passage, lacking []string) (why string, unsure bool) {
	score, why := ap.judge(question, passages, lacking)
	if why == "" && score < ap.threshold {
		why = fmt.Sprintf("they hold too little of its words together (%.2f)", score)
	}
	return why, why == "" && score < ap.unsure
}

// judge scores how well the passages (best first) hold the question's
// words (0 to 1), or says why they cannot answer it.
func (ap abstainParams) judge(question string, passages []knowledge.Passage, lacking []string) (float64, string) {
	ws := readWords(nil, question)
	if len(ws) == 0 || len(passages) == 0 {
		return 0, "nothing to answer from"
	}
	read := passages[:min(ap.passages, len(passages))]
	opens := sentenceOpens(question, ws)
	if why := ap.missingDate(question, ws, opens, read); why != "" {
		return 0, why
	}
	q := ap.asking(question, ws, opens)
	if len(q.words) == 0 {
		return 1, ""
	}
	q.words = withRelated(q.words, lacking, ap.related)
	r := ap.scan(q.words, read)
	if ap.needNames {
		if name := ap.missingName(q, r.exact); name != "" {
			return 0, "they do not name " + name
		}
	}
	win := bestWindow(q.words, r.masks, r.ends, ap.window)
	phr, prs := win, win
	if len(q.phrases) > 0 {
		have, total := 0.0, 0.0
		for _, p := range q.phrases {
			w := min(q.words[p[0]].weight, q.words[p[1]].weight)
			total += w
			have += w * together(q.words, &r.close, p[0], p[1])
		}
		phr = have / total
	}
	if own := ownWords(q.words); own > 1 {
		have, total := 0.0, 0.0
		for a := range own {
			for b := a + 1; b < own; b++ {
				w := min(q.words[a].weight, q.words[b].weight)
				total += w
				have += w * together(q.words, &r.near, a, b)
			}
		}
		prs = have / total
	}
	return (win + ap.phrase*phr + ap.pairs*prs) / (1 + ap.phrase + ap.pairs), ""
}

// missingDate names a year, month or day of the week (with ap.numbers, a
// number stated in digits) of the question (words ws) that the passages
// lack, or returns "".
func (ap abstainParams) missingDate(question string, ws []word, opens func(int) bool, read []knowledge.Passage) string {
	if !ap.facts {
		return ""
	}
	c := claim{text: question}
	for _, f := range readFacts(question, ws, opens) {
		if f.kind == factMonth || f.kind == factWeekday || isYearFact(f) || ap.numbers && statedNumber(f) && !strings.Contains(question, "-"+f.text) {
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

// statedNumber reports whether f is a number of two digits or more,
// written in digits and not an ordinal: "120 days", not "third", "two
// decades" or "5th February", which are as often written otherwise.
func statedNumber(f fact) bool {
	t := strings.TrimLeft(f.text, "$£€¥")
	return f.kind == factNumber && f.unit != "th" && len(f.key) >= 2 && t != "" && t[0] >= '0' && t[0] <= '9'
}

// isYearFact reports whether f is a year: a plain number from 1000 to 2099.
func isYearFact(f fact) bool {
	return f.kind == factNumber && f.unit == "" && len(f.key) == 4 && f.key >= "1000" && f.key <= "2099"
}

// maxAsked bounds the words of a question the abstention weighs (one bit
// each of a mask).
const maxAsked = 64

// framing are the words after "how" that ask for a number ("how many"):
// the answer holds the number, not the word.
var framing = map[string]bool{
	"many": true, "much": true, "long": true, "old": true, "far": true, "often": true,
}

// asking reads the distinct content words of a question (text, its
// words ws) with their weights, at most maxAsked, its phrases and its
// names. The words that frame questions ("happen", "tell", "how many")
// are left out. A name is a capitalised word that does not open the
// question, of three letters or more, or four with a digit ("Assipattle",
// "H5N1", not "U.S." nor "R0"), not joined to digits ("COVID-19", as
// often written "2019-nCoV"); capitalised words side by side make one
// name ("Green Nils", "Respiratory Syncytial Virus").
func (ap abstainParams) asking(text string, ws []word, opens func(int) bool) asking {
	var q asking
	index := make(map[string]int)
	at := make([]int, len(ws)) // at[i]: the asked word word i is, or -1
	for i, w := range ws {
		at[i] = -1
		t := supportTerm(w.lower)
		if t == "" || extraStopWords[w.lower] || i > 0 && ws[i-1].lower == "how" && framing[w.lower] {
			continue
		}
		if k, ok := index[t]; ok {
			at[i] = k
			continue
		}
		if len(q.words) == maxAsked {
			continue
		}
		capital := w.upper && (!opens(i) || afterHyphen(text, ws, i))
		weight := 1.0
		if capital {
			weight = ap.names
		}
		share := knowledge.CommonShare(t)
		weight *= -math.Log(share)
		index[t] = len(q.words)
		at[i] = len(q.words)
		q.words = append(q.words, askedWord{term: t, lower: w.lower, weight: weight, capital: capital, rare: share <= knowledge.UnknownShare()})
	}
	var run []int
	for i, w := range ws {
		if at[i] >= 0 && q.words[at[i]].capital && mayName(text, w) {
			run = append(run, at[i])
			continue
		}
		if len(run) > 0 {
			q.names = append(q.names, run)
			run = nil
		}
	}
	if len(run) > 0 {
		q.names = append(q.names, run)
	}
	for i := 1; i < len(ws); i++ {
		if a, b := at[i-1], at[i]; a >= 0 && b >= 0 && a != b {
			q.phrases = append(q.phrases, [2]int{a, b})
		}
	}
	return q
}

// afterHyphen reports whether word i, capitalised, joins the word before
// it with a hyphen as part of a name ("Golden-Tree", not "MERS-CoV"): a
// capital there opens nothing.
func afterHyphen(text string, ws []word, i int) bool {
	w := ws[i]
	if i == 0 || w.start == 0 || text[w.start-1] != '-' || ws[i-1].end != w.start-1 {
		return false
	}
	raw := text[w.start:w.end]
	return len(raw) > 1 && strings.ToLower(raw[1:]) == raw[1:]
}

// mayName reports whether w, capitalised in text, may be a name (see
// asking).
func mayName(text string, w word) bool {
	n := len(w.lower)
	if hasDigit(w.lower) {
		n--
	}
	after := text[w.end:]
	return n >= 3 && !(len(after) > 1 && after[0] == '-' && after[1] >= '0' && after[1] <= '9')
}

// missingName is the first name of q that the passages lack (see
// needNames), held as written (exact: the asked words they hold so), or
// "".
func (ap abstainParams) missingName(q asking, exact uint64) string {
	for _, run := range q.names {
		held, lacksRare := false, false
		for _, k := range run {
			has := exact&(1<<k) != 0
			held = held || has
			lacksRare = lacksRare || !has && q.words[k].rare && len(run) <= ap.rareRun
		}
		if !held || lacksRare {
			name := q.words[run[0]].lower
			for _, k := range run[1:] {
				name += " " + q.words[k].lower
			}
			return name
		}
	}
	return ""
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// reading is where the passages hold the asked words.
type reading struct {
	masks []uint64 // each sentence's asked words
	ends  []bool   // ends[i]: sentence i ends its passage
	exact uint64   // those some sentence holds as written (the same term)
	// close[a] and near[a] hold the asked words that stand within
	// ap.close and ap.near words of asked word a in some sentence.
	close, near [maxAsked]uint64
}

// scan reads the passages for the asked words, reading each distinct
// word of theirs once.
func (ap abstainParams) scan(asked []askedWord, read []knowledge.Passage) reading {
	var r reading
	memo := make(map[string]int, 256) // a word of theirs, lower case → its index in table
	var table []uint64                // the asked words each distinct word meets
	var keys []string                 // each distinct word, lower case
	var upper []bool                  // whether it stands capitalised somewhere
	var ids []int32                   // every word, by its index in table
	var starts []int                  // the first word of each sentence in ids
	var tws []word
	for _, p := range read {
		for _, sp := range knowledge.Sentences(p.Text) {
			starts = append(starts, len(ids))
			tws = readWords(tws, p.Text[sp[0]:sp[1]])
			for _, w := range tws {
				id, ok := memo[w.lower]
				if !ok {
					id = len(table)
					memo[w.lower] = id
					t := supportTerm(w.lower)
					table = append(table, askedBits(asked, t))
					r.exact |= exactBits(asked, t)
					keys = append(keys, w.lower)
					upper = append(upper, false)
				}
				upper[id] = upper[id] || w.upper
				ids = append(ids, int32(id))
			}
			r.ends = append(r.ends, false)
		}
		if len(r.ends) > 0 {
			r.ends[len(r.ends)-1] = true
		}
	}
	if ap.fuzzy > 0 {
		for i, a := range asked {
			if !a.capital || r.exact&(1<<i) != 0 || len(a.lower) < ap.fuzzy {
				continue
			}
			for id, k := range keys {
				if upper[id] && k[0] == a.lower[0] && oneEditApart(a.lower, k) {
					table[id] |= 1 << i
					r.exact |= 1 << i
				}
			}
		}
	}
	starts = append(starts, len(ids))
	for s := 0; s+1 < len(starts); s++ {
		sent := ids[starts[s]:starts[s+1]]
		var m uint64
		for x, id := range sent {
			b := table[id]
			if b == 0 {
				continue
			}
			m |= b
			closeBy := nearBits(table, sent, x, ap.close)
			nearBy := nearBits(table, sent, x, ap.near)
			for rest := b; rest != 0; rest &= rest - 1 {
				a := bits.TrailingZeros64(rest)
				r.close[a] |= closeBy
				r.near[a] |= nearBy
			}
		}
		r.masks = append(r.masks, m)
	}
	return r
}

// nearBits is the asked words of the words of a sentence (by their index
// in table) within n words of word x.
func nearBits(table []uint64, sent []int32, x, n int) uint64 {
	var m uint64
	for y := max(0, x-n); y <= min(len(sent)-1, x+n); y++ {
		if y != x {
			m |= table[sent[y]]
		}
	}
	return m
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

// exactBits is the mask of the asked words whose term is term.
func exactBits(asked []askedWord, term string) uint64 {
	var m uint64
	for i, a := range asked {
		if term != "" && a.term == term {
			m |= 1 << i
		}
	}
	return m
}

// oneEditApart reports whether a and b differ by one letter added,
// dropped or changed, or two side by side swapped.
func oneEditApart(a, b string) bool {
	if a == b || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) > len(b):
		return a[i+1:] == b[i:]
	case len(a) < len(b):
		return a[i:] == b[i+1:]
	}
	return a[i+1:] == b[i+1:] || i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// heldShare is the weighted share of asked whose bits are in mask; a
// word not held counts the weight of its best related word held.
func heldShare(asked []askedWord, mask uint64) float64 {
	total, have := 0.0, 0.0
	for i, a := range asked {
		if a.of != 0 {
			continue
		}
		total += a.weight
		if mask&(1<<i) != 0 {
			have += a.weight
		}
	}
	have += relatedHeld(asked, mask)
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
