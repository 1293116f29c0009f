package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the boilerplate rule; see dropBoilerplate.
const (
	boilerplateShare    = 4    // at most 1/boilerplateShare of the words are dropped…
	maxBoilerplateWords = 2000 // …and never more than this many
	offTopicMinWords    = 6    // distinct content words a block needs to be judged off topic
	offTopicShare       = 0.25 // below this share of its words found in the body, a block is off topic
	adShare             = 0.5  // below this share, advertising words mark a disclosure
	headlineWords       = 12   // longest headline
	minBodyVocabulary   = 30   // a body with fewer content words is too small to compare against
	bodySampleBytes     = 64 << 10
	maxDroppedLen       = 100 // Document.Dropped entries are clipped to about this many bytes
)

// dropBoilerplate drops the blocks of a document that are not part of the
// story, by one general rule, and returns the blocks kept and, clipped for
// display, those dropped.
//
// Only the end of a document is examined (trailingBoilerplate), and its
// start for disclosures (leadingBoilerplate): a paragraph in the middle of
// the body is never dropped, and neither is more than a quarter of the
// document's words (at most 2,000). Each paragraph at the end is compared
// with the body, the text before it (body.kind). It is
//
//   - a disclosure when it uses web-furniture language that the body never
//     uses (affiliate, newsletter, "sign up for", "earn a commission",
//     "share of sales", "all rights reserved", ©, cookie and privacy
//     notices, "click here", "prices are accurate", "related articles", …),
//     or advertising words that stories use too (advertising, sponsored,
//     subscribe, "read more", "buy now", …) while fewer than half of its
//     content words occur in the body;
//   - a headline when it is a heading, or a line without a full stop, of at
//     most twelve words;
//   - off topic when it has six or more distinct content words and fewer
//     than a quarter of them occur in the body;
//   - story otherwise.
//
// Walking back from the last paragraph over disclosures, headlines and
// off-topic paragraphs up to the first story paragraph, the paragraphs
// walked over are dropped if they include a disclosure, starting at the
// first headline or disclosure among them. So an advert's headline, blurb
// and affiliate note go together, while a story that ends on a new subject
// keeps its last paragraph. A headline that is itself a disclosure
// ("Sponsored", "Related articles") takes everything after it along. At
// the start, after a title, disclosures in a row are dropped (a cookie
// notice). Content words are compared by their keys (eachContentKey); a
// body of fewer than 30 distinct content words is too small to judge by,
// and then nothing is dropped.
func dropBoilerplate(blocks []block) ([]block, []string) {
	total := 0
	for _, b := range blocks {
		total += b.words
	}
	budget := min(total/boilerplateShare, maxBoilerplateWords)

	// The trailing window: the last blocks within the budget.
	lo, w := len(blocks), 0
	for lo > 0 && w+blocks[lo-1].words <= budget {
		lo--
		w += blocks[lo].words
	}
	drop := make([]bool, len(blocks))
	dropped := 0
	if start, ok := trailingBoilerplate(blocks, lo); ok {
		for i := start; i < len(blocks); i++ {
			drop[i] = true
			dropped += blocks[i].words
		}
	}

	// The leading window, within what is left of the budget.
	hi, w := 0, 0
	for hi < lo && w+blocks[hi].words <= budget-dropped {
		w += blocks[hi].words
		hi++
	}
	for _, i := range leadingBoilerplate(blocks, hi, lo) {
		drop[i] = true
	}

	var kept []block
	var out []string
	for i, b := range blocks {
		if drop[i] {
			out = append(out, clip(b.text, maxDroppedLen))
			continue
		}
		kept = append(kept, b)
	}
	if len(out) == 0 {
		return blocks, nil
	}
	return kept, out
}

// Kinds of block at the end of a document.
const (
	storyBlock = iota
	offTopicBlock
	headlineBlock
	disclosureBlock
)

// trailingBoilerplate returns where the boilerplate at the end of blocks
// starts, looking only at the window that starts at lo.
func trailingBoilerplate(blocks []block, lo int) (start int, ok bool) {
	// Without disclosure language in the window there is nothing to drop.
	cue := false
	for _, b := range blocks[lo:] {
		if cue = hasCue(b.text); cue {
			break
		}
	}
	if !cue {
		return 0, false
	}
	base := newBody(blocks[:lo], true)
	kind := func(i int) int {
		bd := base.with(blocks[lo:i])
		if len(bd.vocab) < minBodyVocabulary {
			return storyBlock
		}
		return bd.kind(blocks[i])
	}

	// A headline that is a disclosure starts a section of boilerplate.
	start = len(blocks)
	for i := lo; i < len(blocks); i++ {
		if isHeadline(blocks[i]) && kind(i) == disclosureBlock {
			start, ok = i, true
			break
		}
	}

	// The run of non-story blocks at the end, from its first headline or
	// disclosure, when it holds a disclosure.
	first, hasDisclosure := start, false // the run's start, its first headline or disclosure
	for i := start - 1; i >= lo; i-- {
		k := kind(i)
		if k == storyBlock {
			break
		}
		hasDisclosure = hasDisclosure || k == disclosureBlock
		if k != offTopicBlock {
			first = i
		}
	}
	if hasDisclosure || ok && first < start {
		return first, true
	}
	return start, ok
}

// leadingBoilerplate returns the disclosures at the start of the window
// blocks[:hi], after a title; the body is blocks[hi:lo].
func leadingBoilerplate(blocks []block, hi, lo int) []int {
	first := 0
	if first < hi && blocks[first].heading {
		first++
	}
	if first == hi || !hasCue(blocks[first].text) {
		return nil
	}
	bd := newBody(blocks[hi:lo], false)
	if len(bd.vocab) < minBodyVocabulary {
		return nil
	}
	var run []int
	for i := first; i < hi && bd.isDisclosure(blocks[i].text); i++ {
		run = append(run, i)
	}
	return run
}

// isHeadline reports whether b is a headline: a line of at most
// headlineWords words without a full stop.
func isHeadline(b block) bool {
	return b.heading && b.words <= headlineWords
}

// furniturePhrases belong to the furniture of web pages: affiliate
// disclosures, newsletter and cookie notices, copyright lines, link lists.
// They are matched in lower case, with ’ read as '.
var furniturePhrases = []string{
	"affiliate", "newsletter", "sign up for", "sign-up", "subscribe to our", "in your inbox",
	"earn a commission", "earn a small commission", "commission from", "share of sales",
	"share of the revenue", "paid partnership", "sponsored content", "sponsored post",
	"all rights reserved", "©", "cookie policy", "use cookies", "uses cookies", "accept cookies",
	"cookie settings", "privacy policy", "terms of use", "terms of service", "click here",
	"prices are accurate", "at the time of posting", "at the time of publication",
	"promo code", "discount code", "related articles", "related stories",
	"recommended for you", "you may also like", "follow us on", "originally appeared",
	"reprinted with permission", "support our journalism",
}

// adPhrases are advertising words that stories use too.
var adPhrases = []string{
	"advertising", "advertisement", "advertiser", "sponsored", "subscribe", "read more",
	"share this", "coupon", "buy now", "shop now", "limited time", "% off", "free shipping",
}

// hasCue reports whether text has any furniture or advertising phrase.
func hasCue(text string) bool {
	l := lowerText(text)
	for _, p := range furniturePhrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	for _, p := range adPhrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

func lowerText(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "’", "'")
}

// body is the text a block at the end of a document is compared with.
type body struct {
	vocab vocabulary // its content words
	lower []string   // its paragraphs in lower case, to look for phrases in
}

// newBody samples up to bodySampleBytes of blocks, headlines aside, taken
// from the end when fromEnd (the text nearest the end of the document), or
// else from the start.
func newBody(blocks []block, fromEnd bool) body {
	bd := body{vocab: make(vocabulary)}
	size := 0
	for k := range blocks {
		i := k
		if fromEnd {
			i = len(blocks) - 1 - k
		}
		bd.add(blocks[i])
		if size += len(blocks[i].text); size >= bodySampleBytes {
			break
		}
	}
	return bd
}

func (bd *body) add(b block) {
	if isHeadline(b) {
		return
	}
	eachContentKey(b.text, func(key string) { bd.vocab[key] = true })
	bd.lower = append(bd.lower, lowerText(b.text))
}

// with returns bd with blocks added; bd itself is not changed.
func (bd body) with(blocks []block) body {
	if len(blocks) == 0 {
		return bd
	}
	out := body{vocab: make(vocabulary, len(bd.vocab)), lower: bd.lower[:len(bd.lower):len(bd.lower)]}
	for k := range bd.vocab {
		out.vocab[k] = true
	}
	for _, b := range blocks {
		out.add(b)
	}
	return out
}

// uses reports whether the body has the phrase p.
func (bd body) uses(p string) bool {
	for _, l := range bd.lower {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// share is the share of the content words of text found in the body, and
// how many distinct content words text has.
func (bd body) share(text string) (float64, int) {
	keys := contentKeys(text)
	if len(keys) == 0 {
		return 0, 0
	}
	n := 0
	for _, k := range keys {
		if bd.vocab[k] {
			n++
		}
	}
	return float64(n) / float64(len(keys)), len(keys)
}

// isDisclosure reports whether text reads as a disclosure next to the body.
func (bd body) isDisclosure(text string) bool {
	if !hasCue(text) {
		return false
	}
	l := lowerText(text)
	for _, p := range furniturePhrases {
		if strings.Contains(l, p) && !bd.uses(p) {
			return true
		}
	}
	for _, p := range adPhrases {
		if strings.Contains(l, p) && !bd.uses(p) {
			share, _ := bd.share(text)
			return share < adShare
		}
	}
	return false
}

// kind classifies a block at the end of a document.
func (bd body) kind(b block) int {
	switch {
	case bd.isDisclosure(b.text):
		return disclosureBlock
	case isHeadline(b):
		return headlineBlock
	}
	if share, n := bd.share(b.text); n >= offTopicMinWords && share < offTopicShare {
		return offTopicBlock
	}
	return storyBlock
}

// vocabulary is a set of content-word keys.
type vocabulary map[string]bool

// contentKeys returns the distinct content-word keys of text.
func contentKeys(text string) []string {
	var keys []string
	seen := make(map[string]bool)
	eachContentKey(text, func(key string) {
		if !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	})
	return keys
}

// eachContentKey calls fn with the key of each content word in text: a
// word of letters and digits, at least three letters long and not a stop
// word, lower-cased, without a plural s, cut to its first five letters (so
// "Australia" and "Australian", "plan" and "plans" meet). Its words are not
// Words: they only compare blocks with each other, never with the index,
// and numbers such as ² or ½ tell nothing about a block's subject.
func eachContentKey(text string, fn func(string)) {
	var buf [64]byte
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		// Read one word into buf, lower-cased.
		n, letters, digitsOnly := 0, 0, true
		for i < len(text) {
			r, size = rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			if unicode.IsLetter(r) {
				digitsOnly = false
			}
			if n+utf8.UTFMax <= len(buf) {
				n += utf8.EncodeRune(buf[n:], unicode.ToLower(r))
			}
			letters++
			i += size
		}
		w := buf[:n]
		if letters < 3 || digitsOnly || IsStopWord(string(w)) {
			continue
		}
		if len(w) > 3 && w[len(w)-1] == 's' && w[len(w)-2] != 's' {
			w = w[:len(w)-1]
		}
		if len(w) > 5 {
			cut := 5
			for cut > 0 && !utf8.RuneStart(w[cut]) {
				cut--
			}
			w = w[:cut]
		}
		fn(string(w))
	}
}
