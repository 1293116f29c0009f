package knowledge

import (
	"slices"
	"strings"
	"testing"
)

func TestCountWordsRuns(t *testing.T) {
	ref := func(s string) int {
		n := 0
		for _, f := range strings.Fields(s) {
			n += runWords(len(f))
		}
		return n
	}
	for l := 0; l < 200; l++ {
		for _, s := range []string{strings.Repeat("x", l), "a " + strings.Repeat("y", l) + " b", strings.Repeat("z", l) + "\n\n" + strings.Repeat("w", l+3)} {
			if got, want := countWords(s), ref(s); got != want {
				t.Fatalf("len %d: %d, want %d", l, got, want)
			}
		}
	}
}

// TestLazyBlocks checks that the blocks of a large text, whose long
// paragraphs keep their span as written, are those of the text cleaned
// whole: the same spans, words and headings, and the same text once
// cleaned.
func TestLazyBlocks(t *testing.T) {
	texts := map[string]string{
		"wrapped, dashes and spaces": strings.Repeat("The captain walked to the well-\nknown inn at the end of the  road, and then--\nhe stopped.\tHe looked back at the sea, and at the ships\nthat lay at anchor in the bay, and at the gulls over them.\n\n"+
			"CHAPTER IV.\n\nA line of its own\n\n- an item\n- another item that runs on for a while\n  and wraps\n\n", 200),
		"long runs across lines": strings.Repeat(strings.Repeat("x", 80)+"-\n"+strings.Repeat("y", 80)+" end.\n\n", 100),
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			eager, lazy := plainBlocks(text, 0, false), plainBlocks(text, 0, true)
			if len(eager) != len(lazy) {
				t.Fatalf("%d blocks lazily, %d whole", len(lazy), len(eager))
			}
			raw := 0
			for i, e := range eager {
				l := lazy[i]
				if l.raw {
					raw++
					l.text = cleanSpan(text[l.start:l.end])
				}
				e.words = countWords(e.text) // as Parse counts a cleaned block's words
				if l.text != e.text || l.words != e.words && lazy[i].raw || l.heading != e.heading || l.start != e.start || l.end != e.end {
					t.Fatalf("block %d: lazily %+v, whole %+v", i, l, e)
				}
			}
			if raw == 0 {
				t.Fatal("no block was kept as written; the test shows nothing")
			}
		})
	}
}

// TestLazyBoilerplate checks that the boilerplate rule drops the same
// blocks of a large text whether its long paragraphs were cleaned whole
// or only at its ends (cleanEnds).
func TestLazyBoilerplate(t *testing.T) {
	para := "The miller walked down to the river every morning, and the\nwheel turned, and the village ate the bread he made from the grain\nthe farmers brought him in their carts over the old stone bridge.\n\n"
	text := "We use cookies to improve your experience on our site. By continuing to browse,\nyou accept our cookie policy and our privacy policy.\n\n" +
		strings.Repeat(para, 3000) +
		"Best Budget Headphones of the Year\n\nOur testers picked five pairs under $100 that sound far better than\nthe price suggests, with long battery life and comfortable ear cushions.\n\n" +
		"This article contains affiliate links, and we may earn a commission\nwhen you buy through them.\n"
	run := func(lazy bool) ([]block, []string) {
		blocks := plainBlocks(text, 0, lazy)
		cleanEnds(text, blocks)
		for i := range blocks {
			if !blocks[i].raw {
				blocks[i].words = countWords(blocks[i].text)
			}
		}
		return dropBoilerplate(blocks, text, true)
	}
	eager, eagerDropped := run(false)
	lazy, lazyDropped := run(true)
	if len(eagerDropped) == 0 || !slices.Equal(lazyDropped, eagerDropped) || len(lazy) != len(eager) {
		t.Errorf("dropped lazily %q (%d kept), whole %q (%d kept)", lazyDropped, len(lazy), eagerDropped, len(eager))
	}
}
