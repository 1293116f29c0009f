package knowledge

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

// background.txt counts, for each index term, the passages of three
// public-domain novels (Project Gutenberg: Pride and Prejudice, The
// Adventures of Sherlock Holmes, Treasure Island) that contain it.
//
//go:generate go run gen_background.go -o background.txt ../../shared/datasets/gutenberg/pg1342.txt ../../shared/datasets/gutenberg/pg1661.txt ../../shared/datasets/gutenberg/pg120.txt
//go:embed background.txt
var backgroundText string

// background is how common terms are in ordinary English prose.
type background struct {
	passages float64
	df       map[string]float64
}

// share is the fraction of background passages containing term; terms too
// rare to be listed count as in half a passage.
func (b *background) share(term string) float64 {
	df, ok := b.df[term]
	if !ok {
		df = 0.5
	}
	return df / b.passages
}

// loadBackground parses background.txt once.
var loadBackground = sync.OnceValue(func() *background {
	b := &background{passages: 1, df: make(map[string]float64, 16384)}
	for _, line := range strings.Split(backgroundText, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		term, count, ok := strings.Cut(line, " ")
		n, err := strconv.Atoi(count)
		if !ok || err != nil {
			continue
		}
		if term == "passages" {
			b.passages = float64(n)
			continue
		}
		b.df[term] = float64(n)
	}
	return b
})

// CommonShare returns the share of passages of ordinary English prose (the
// novels of background.txt) that hold the index term: near 1 for "the",
// tiny for a name. A term too rare to be listed counts as in half a
// passage.
func CommonShare(term string) float64 { return loadBackground().share(term) }

// UnknownShare is CommonShare of a term too rare to be listed: a word
// ordinary English does not use has no more.
func UnknownShare() float64 { return loadBackground().share("\x00") }
