package knowledge

import (
	"math"
	"sort"
)

// Ranking holds the parameters of a search's ranking. FTS5 finds the
// candidate passages (any query word, its own bm25 order); a re-ranker then
// scores them with BM25 over statistics blended with background English,
// adds bonuses for query words that stand close together, and gives each
// passage a share of its better neighbour's score. Words that frame the
// question (its subject, verbs such as say or go) weigh less.
//
// DefaultRanking holds the values chosen by measurement on FairytaleQA train
// and val (BENCHMARKS.md has the figures; scripts/tune reproduces them).
type Ranking struct {
	// Plain orders by FTS5's own bm25() and skips re-ranking: the baseline.
	Plain bool
	// Candidates is how many passages FTS5 hands the re-ranker.
	Candidates int
	// K1 and B are BM25's term-frequency saturation and length normalisation.
	K1, B float64
	// Background is how many passages' worth of background English document
	// frequencies (background.txt) are blended into the index's own, so that
	// a small index, one short story, still knows that "said" is common and
	// "lighthouse" is not. 0 uses the index alone.
	Background float64
	// Proximity weighs the best window of Window tokens: the summed IDF of
	// the distinct query terms in it.
	Proximity float64
	Window    int
	// Bigram weighs pairs of query terms that follow each other in the
	// question and appear, in that order, within three tokens in the passage.
	Bigram float64
	// Neighbour is the share of the better neighbouring passage's score
	// added to a passage's own: answers often sit next to the words a
	// question repeats.
	Neighbour float64
	// Lemmas makes irregular forms one term (took, taken: take; men: man)
	// and searches for all of them.
	Lemmas bool
	// Subject multiplies the IDF of the question's subject terms ("Why did
	// the king…": king). A story names its subject near the answer but also
	// everywhere else; the rest of the question tells the answer's passage
	// apart. 0 leaves them as they are.
	Subject float64
	// GenericVerb multiplies the IDF of verbs that frame a question and
	// name little (say, go, make, take…); 0 leaves them as they are.
	GenericVerb float64
	// Related weighs the related words (see Related) of a question's
	// words that no passage searched holds, as a share of their own IDF;
	// 0 searches for the question's words alone. An index applies it
	// (knowledge/sqlite's SearchWeighted, through WithRelated): only it
	// knows which words it lacks.
	Related float64
}

// DefaultRanking returns the ranking an index uses unless told otherwise.
func DefaultRanking() Ranking {
	return Ranking{
		Candidates:  200,
		K1:          0.9,
		B:           0.4,
		Background:  20,
		Proximity:   0.5,
		Window:      20,
		Bigram:      1,
		Neighbour:   0.2,
		Lemmas:      true,
		Subject:     0.75,
		GenericVerb: 0.75,
		Related:     0.3,
	}
}

// CorpusStats are the index-wide statistics BM25 needs, as an index reads
// them for a Plan. Zero counts mean they could not be read; the candidates
// stand in for the index then.
type CorpusStats struct {
	// Passages is the number of passages in the index.
	Passages float64
	// AvgLen is the mean passage length in tokens.
	AvgLen float64
	// DF is the number of passages holding each term of Plan.Lookup.
	DF map[string]float64
}

// Candidate is a passage the index matched, with the index's own score
// (higher is better).
type Candidate struct {
	Passage
	Score float64
}

// Plan is what one search asks of an index: the candidates matching Match
// (at most Limit of them, in the index's own bm25 order) and, when Stats is
// set, the statistics of the Lookup terms. Rank orders what the index found.
type Plan struct {
	// Match is the FTS5 expression: every word a quoted string, OR-ed.
	Match string
	// Limit is how many candidates Rank wants.
	Limit int
	// Stats says whether Rank needs CorpusStats; without it, any zero value does.
	Stats bool
	// Lookup are the index terms whose document frequencies Rank reads.
	Lookup []string

	k      int
	terms  []string           // the query's index terms (base forms with lemmas)
	weight map[string]float64 // of terms, when some weigh less than 1 (PlanWeighted)
	part   map[string]int     // the text of each term, when there are several
	lem    *lemmaTable        // nil without lemmas
	subj   map[string]bool    // the question's subject terms
}

// Weighted is a text to search for, with a weight from 0 to 1 (see
// PlanWeighted).
type Weighted struct {
	Text   string
	Weight float64
}

// PlanWeighted turns texts into the search an index runs for the best k
// passages: several texts searched as one query, each term weighing (its
// IDF multiplied by) the largest weight of the texts it is in: a follow-up
// question at 1 and the earlier turns of its conversation lower, so that
// they tell what it refers to without outweighing it. Any text is safe.
// The first text is read as a question (its stop words kept when it has
// nothing else, its subject found); the others add only their content
// words, and a text of weight 0 or less adds nothing. Word pairs are only
// looked for within one text. It returns ErrEmptyQuery when the first text
// has no words.
func (r Ranking) PlanWeighted(texts []Weighted, k int) (Plan, error) {
	if len(texts) == 0 {
		return Plan{}, ErrEmptyQuery
	}
	query, err := BuildQuery(texts[0].Text)
	if err != nil {
		return Plan{}, err
	}
	weight, part := weighTerms(&query, texts)
	if k <= 0 {
		k = 5
	}
	p := Plan{Match: query.Match, Limit: k, k: k, terms: queryTerms(query)}
	if r.Plain {
		return p, nil
	}
	p.Limit = max(k, r.Candidates)
	p.Stats = true
	if r.Lemmas {
		p.lem = loadLemmas()
		p.terms = p.lem.canonicalTerms(p.terms)
		p.Match = query.Expanded
	}
	if weight != nil {
		p.weight, p.part = make(map[string]float64), make(map[string]int)
		for w, x := range weight {
			for _, t := range Terms(w) {
				c := p.lem.canonical(t)
				if old, ok := p.weight[c]; !ok || x > old {
					p.weight[c] = x
				}
				if old, ok := p.part[c]; !ok || part[w] < old {
					p.part[c] = part[w]
				}
			}
		}
	}
	p.subj = subjectTerms(texts[0].Text, p.lem)
	for _, t := range p.terms {
		if forms := p.lem.formsOf(t); len(forms) > 0 {
			p.Lookup = append(p.Lookup, forms...)
			continue
		}
		p.Lookup = append(p.Lookup, t)
	}
	return p, nil
}

// weighTerms adds to q the content words of texts after the first that it
// lacks, at most maxQueryTerms in all, and returns each word's weight and
// the text it was taken from (nil when there is only the first text).
func weighTerms(q *Query, texts []Weighted) (weight map[string]float64, part map[string]int) {
	if len(texts) < 2 {
		return nil, nil
	}
	weight, part = make(map[string]float64), make(map[string]int)
	for _, w := range q.Terms {
		weight[w] = texts[0].Weight
	}
	added := false
	for i, t := range texts[1:] {
		if t.Weight <= 0 {
			continue
		}
		for _, w := range Words(t.Text) {
			if len(q.Terms) == maxQueryTerms {
				break
			}
			if _, ok := weight[w]; ok || IsStopWord(w) {
				if ok && t.Weight > weight[w] {
					weight[w] = t.Weight
				}
				continue
			}
			weight[w], part[w] = t.Weight, i+1
			q.Terms = append(q.Terms, w)
			added = true
		}
	}
	if added {
		q.Match, q.Expanded = matchOf(q.Terms)
	}
	return weight, part
}

// Rank orders the candidates an index found for p, best first, and returns
// the best p's k of them with Score set (higher is better). It reorders cands.
func (r Ranking) Rank(p Plan, cands []Candidate, st CorpusStats) []Passage {
	if !r.Plain && len(cands) > 0 {
		df := make(map[string]float64, len(p.terms))
		for term, n := range st.DF {
			df[p.lem.canonical(term)] += n
		}
		st.DF = df
		r.rerank(p, cands, st, loadBackground())
	}
	ps := make([]Passage, 0, min(p.k, len(cands)))
	for _, c := range cands[:min(p.k, len(cands))] {
		c.Passage.Score = c.Score
		ps = append(ps, c.Passage)
	}
	return ps
}

// queryTerm is a distinct index term of the query with its weight, and
// the text of the query it comes from (see PlanWeighted).
type queryTerm struct {
	term string
	idf  float64
	part int
}

// queryTerms returns the distinct index terms of the query's words, in
// query order.
func queryTerms(q Query) []string {
	var out []string
	seen := make(map[string]bool)
	for _, w := range q.Terms {
		for _, t := range tokenize(w) {
			if !seen[t.term] {
				seen[t.term] = true
				out = append(out, t.term)
			}
		}
	}
	return out
}

// rerank scores the candidates for p and sorts them best first. p's terms
// are base forms when p.lem is set, which maps passage terms to base forms
// too.
func (r Ranking) rerank(p Plan, cands []Candidate, st CorpusStats, bg *background) {
	terms, lem, subj := p.terms, p.lem, p.subj
	index := make(map[string]int, len(terms))
	for i, t := range terms {
		index[t] = i
	}
	// hits[c][j] is the query term (maxQueryTerms fits int16) of candidate c's j-th token, or -1.
	hits := make([][]int16, len(cands))
	totalLen := 0
	for ci := range cands {
		toks := tokenize(cands[ci].Text)
		h := make([]int16, len(toks))
		for j, tok := range toks {
			h[j] = -1
			if i, ok := index[lem.canonical(tok.term)]; ok {
				h[j] = int16(i)
			}
		}
		hits[ci] = h
		totalLen += len(toks)
	}
	n, avgLen := st.Passages, st.AvgLen
	if n < float64(len(cands)) || avgLen <= 0 {
		n, avgLen = float64(len(cands)), float64(totalLen)/float64(len(cands))
	}
	avgLen = max(avgLen, 1)

	qt := make([]queryTerm, len(terms))
	for i, t := range terms {
		df := min(st.DF[t], n)
		if r.Background > 0 && bg != nil {
			df += r.Background * bg.share(t)
		}
		N := n + r.Background
		qt[i] = queryTerm{term: t, idf: math.Log(1 + (N-df+0.5)/(df+0.5)), part: p.part[t]}
		if w, ok := p.weight[t]; ok {
			qt[i].idf *= w
		}
		if r.GenericVerb > 0 && genericVerbTerms()[t] {
			qt[i].idf *= r.GenericVerb
		}
		if r.Subject > 0 && subj[t] {
			qt[i].idf *= r.Subject
		}
	}

	tf := make([]float64, len(qt))
	for ci := range cands {
		h := hits[ci]
		clear(tf)
		for _, i := range h {
			if i >= 0 {
				tf[i]++
			}
		}
		norm := r.K1 * (1 - r.B + r.B*float64(len(h))/avgLen)
		s := 0.0
		for i, f := range tf {
			if f > 0 {
				s += qt[i].idf * f * (r.K1 + 1) / (f + norm)
			}
		}
		if r.Proximity > 0 {
			s += r.Proximity * bestWindow(h, qt, r.Window)
		}
		if r.Bigram > 0 {
			s += r.Bigram * bigrams(h, qt)
		}
		cands[ci].Score = s
	}
	if r.Neighbour > 0 {
		smoothNeighbours(cands, r.Neighbour)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
}

// bestWindow returns the largest summed IDF of the distinct query terms
// found together within any w consecutive tokens.
func bestWindow(hits []int16, qt []queryTerm, w int) float64 {
	if w <= 0 {
		return 0
	}
	count := make([]int, len(qt))
	cur, best := 0.0, 0.0
	for i, h := range hits {
		if h >= 0 {
			if count[h] == 0 {
				cur += qt[h].idf
			}
			count[h]++
		}
		if j := i - w; j >= 0 && hits[j] >= 0 {
			count[hits[j]]--
			if count[hits[j]] == 0 {
				cur -= qt[hits[j]].idf
			}
		}
		best = max(best, cur)
	}
	return best
}

// bigrams sums, over pairs of query terms next to each other in one text
// of the query, the smaller IDF of the pair when the passage has the first followed by
// the second within three tokens.
func bigrams(hits []int16, qt []queryTerm) float64 {
	const gap = 3
	found := make([]bool, len(qt))
	for i, h := range hits {
		if h < 0 || int(h)+1 >= len(qt) || found[h] || qt[h].part != qt[h+1].part {
			continue
		}
		for j := i + 1; j < len(hits) && j <= i+gap; j++ {
			if hits[j] == h+1 {
				found[h] = true
				break
			}
		}
	}
	s := 0.0
	for i, ok := range found {
		if ok {
			s += min(qt[i].idf, qt[i+1].idf)
		}
	}
	return s
}

// smoothNeighbours adds share times the better score of a passage's two
// neighbours in its document to its own. Neighbours that are not
// candidates matched no query word and count as zero.
func smoothNeighbours(cands []Candidate, share float64) {
	type key struct {
		doc string
		n   int
	}
	own := make(map[key]float64, len(cands))
	for _, c := range cands {
		own[key{c.Doc, c.N}] = c.Score
	}
	for i := range cands {
		c := &cands[i]
		c.Score += share * max(own[key{c.Doc, c.N - 1}], own[key{c.Doc, c.N + 1}])
	}
}
