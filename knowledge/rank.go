package knowledge

import (
	"math"
	"sort"
)

// Ranking holds the parameters of Search's ranking: FTS5 finds candidate
// passages, and a re-ranker scores them with BM25 over statistics blended
// with background English, a proximity bonus for query terms close
// together, and a share of the best neighbouring passage's score.
// DefaultRanking holds the values chosen on FairytaleQA train and val.
type Ranking struct {
	// Plain orders by FTS5's own bm25() and skips re-ranking (a baseline).
	Plain bool
	// Candidates is how many passages FTS5 hands the re-ranker.
	Candidates int
	// K1 and B are BM25's term-frequency saturation and length normalisation.
	K1, B float64
	// Background is how many passages' worth of background English
	// document frequencies are blended into the index's own, so that a
	// small index (one short story) still knows "said" is common and
	// "lighthouse" is not. 0 uses the index alone.
	Background float64
	// Proximity weighs the best window of Window tokens: the summed IDF of
	// the distinct query terms in it.
	Proximity float64
	Window    int
	// Bigram weighs query terms that follow each other in the query and
	// appear within a few tokens of each other, in order, in the passage.
	Bigram float64
	// Neighbour is the share of the better neighbouring passage's score
	// added to a passage's own.
	Neighbour float64
}

// DefaultRanking returns the ranking Search uses unless told otherwise.
func DefaultRanking() Ranking {
	return Ranking{
		Candidates: 200,
		K1:         1.2,
		B:          0.75,
		Background: 0,
		Proximity:  0,
		Window:     20,
		Bigram:     0,
		Neighbour:  0,
	}
}

// corpusStats are the index-wide statistics BM25 needs.
type corpusStats struct {
	passages float64            // passages in the index
	avgLen   float64            // mean passage length in tokens
	df       map[string]float64 // passages containing each query term
}

// candidate is a passage FTS5 matched, with what the re-ranker needs.
type candidate struct {
	Passage
	score float64
}

// queryTerm is a distinct index term of the query.
type queryTerm struct {
	term string
	idf  float64
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

// rerank scores the candidates in place and sorts them best first.
func (r Ranking) rerank(terms []string, cands []candidate, st corpusStats, bg *background) {
	qt := make([]queryTerm, len(terms))
	index := make(map[string]int, len(terms))
	n := st.passages + r.Background
	for i, t := range terms {
		df := st.df[t]
		if r.Background > 0 && bg != nil {
			df += r.Background * bg.share(t)
		}
		qt[i] = queryTerm{term: t, idf: math.Log(1 + (n-df+0.5)/(df+0.5))}
		index[t] = i
	}
	avgLen := st.avgLen
	if avgLen <= 0 {
		avgLen = 1
	}
	tf := make([]float64, len(qt))
	var hits []int // query term index per token, -1 for others
	for ci := range cands {
		c := &cands[ci]
		toks := tokenize(c.Text)
		hits = hits[:0]
		clear(tf)
		for _, tok := range toks {
			i, ok := index[tok.term]
			if !ok {
				i = -1
			} else {
				tf[i]++
			}
			hits = append(hits, i)
		}
		norm := r.K1 * (1 - r.B + r.B*float64(len(toks))/avgLen)
		s := 0.0
		for i, f := range tf {
			if f > 0 {
				s += qt[i].idf * f * (r.K1 + 1) / (f + norm)
			}
		}
		if r.Proximity > 0 {
			s += r.Proximity * bestWindow(hits, qt, r.Window)
		}
		if r.Bigram > 0 {
			s += r.Bigram * bigrams(hits, qt)
		}
		c.score = s
	}
	if r.Neighbour > 0 {
		smoothNeighbours(cands, r.Neighbour)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
}

// bestWindow returns the largest summed IDF of distinct query terms found
// together within any window of w tokens.
func bestWindow(hits []int, qt []queryTerm, w int) float64 {
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

// bigrams sums, over pairs of query terms adjacent in the query, the
// smaller IDF of the pair when the passage has them in that order within
// three tokens.
func bigrams(hits []int, qt []queryTerm) float64 {
	const gap = 3
	found := make([]bool, len(qt))
	for i, h := range hits {
		if h < 0 || h+1 >= len(qt) || found[h] {
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

// smoothNeighbours adds share times the better score of a passage's
// neighbours in its document (among the candidates) to its own.
func smoothNeighbours(cands []candidate, share float64) {
	type key struct {
		doc string
		n   int
	}
	own := make(map[key]float64, len(cands))
	for _, c := range cands {
		own[key{c.Doc, c.N}] = c.score
	}
	for i := range cands {
		c := &cands[i]
		nb := max(own[key{c.Doc, c.N - 1}], own[key{c.Doc, c.N + 1}])
		c.score += share * nb
	}
}
