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
	offTopicMinWords    = 6    // distinct content words a block needs to be judged off-topic
	offTopicOverlap     = 0.25 // below this share of words also in the body, a block may be off-topic
	disclosureOverlap   = 0.5  // below this share, a block with disclosure language is boilerplate
	headlineWords       = 12   // longest headline-like line
	minBodyVocabulary   = 30   // a shorter body is too small to compare against
	bodySampleBytes     = 64 << 10
	maxDroppedLen       = 100 // Document.Dropped entries are clipped to about this many bytes
)

// dropBoilerplate removes blocks that are not part of the story, by this
// rule:
//
// Only the run of blocks at the end of a document is examined (and, for
// disclosure language only, the run at its start, after a title); a block in
// the middle of the body is never dropped, and neither is more than a
// quarter of the document's words (at most 2,000). Walking back from the
// last block, these blocks may belong to a trailing run of boilerplate:
//
//   - a disclosure: a block with advertising or disclosure language
//     (affiliate, advertising, sponsored, "earn a commission", "share of
//     sales", newsletter, subscribe, sign up, cookie notices, "all rights
//     reserved", ©, "click here", "privacy policy", "read more", "related
//     articles", "prices are accurate", …) of whose content words fewer than
//     half occur in the body;
//   - a headline: a line of at most twelve words without a full stop;
//   - an off-topic block: at least six distinct content words, fewer than a
//     quarter of them in the body, and more of them in the run around it
//     (the blocks after it, and a headline right before it) than in the
//     body.
//
// The body is the text before the block, headlines aside. Content words
// are words other than stop words, compared by their first five letters
// ("Australia" meets "Australian"). The run is dropped only when it holds a
// disclosure, so a story that merely ends on a new subject, or on a short
// line, loses nothing. A body with fewer than 30 distinct content words is
// too small to compare against, and then nothing is dropped.
//
// It returns the blocks kept and, clipped for display, those dropped.
func dropBoilerplate(blocks []block) ([]block, []string) {
	words := make([]int, len(blocks))
	total := 0
	for i, b := range blocks {
		words[i] = countWords(b.text)
		total += words[i]
	}
	budget := min(total/boilerplateShare, maxBoilerplateWords)

	// The trailing window: the last blocks within the budget.
	lo, w := len(blocks), 0
	for lo > 0 && w+words[lo-1] <= budget {
		lo--
		w += words[lo]
	}
	drop := make([]bool, len(blocks))
	dropped := 0
	if lo < len(blocks) {
		base := bodyVocabulary(blocks[:lo], true)
		run := make(vocabulary) // content words of the run walked so far
		start, disclosure := len(blocks), false
		for i := len(blocks) - 1; i >= lo; i-- {
			b := blocks[i]
			keys := contentKeys(b.text)
			body := func() float64 { return base.with(blocks[lo:i]).overlap(keys) }
			headline := isHeadline(b, words[i])
			switch {
			case isDisclosure(b.text) && body() < disclosureOverlap:
				disclosure = true
			case headline:
			case len(keys) >= offTopicMinWords && body() < offTopicOverlap &&
				run.with(headlineBefore(blocks, words, i, lo)).overlap(keys) > body():
			default:
				i = lo // the body ends here
				continue
			}
			start = i
			for _, k := range keys {
				run[k] = true
			}
		}
		if disclosure {
			for i := start; i < len(blocks); i++ {
				drop[i] = true
				dropped += words[i]
			}
		}
	}

	// The leading window: disclosure language only, after a title.
	hi, w := 0, 0
	for hi < lo && w+words[hi] <= budget-dropped {
		w += words[hi]
		hi++
	}
	if hi > 0 {
		body := bodyVocabulary(blocks[hi:lo], false)
		for i := 0; i < hi; i++ {
			if i == 0 && blocks[i].heading {
				continue
			}
			if !isDisclosure(blocks[i].text) || body.overlap(contentKeys(blocks[i].text)) >= disclosureOverlap {
				break
			}
			drop[i] = true
		}
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

// isHeadline reports whether b is a headline-like line.
func isHeadline(b block, words int) bool {
	return b.heading && words <= headlineWords
}

// headlineBefore returns the block before i when it is a headline inside
// the window starting at lo.
func headlineBefore(blocks []block, words []int, i, lo int) []block {
	if i-1 >= lo && isHeadline(blocks[i-1], words[i-1]) {
		return blocks[i-1 : i]
	}
	return nil
}

// disclosurePhrases mark advertising, affiliate disclosures, newsletter and
// cookie notices, copyright lines and link furniture. They are matched in
// lower case, with ’ read as '.
var disclosurePhrases = []string{
	"affiliate", "advertising", "advertisement", "advertiser", "sponsored", "paid partnership",
	"earn a commission", "earn a small commission", "commission from", "share of sales",
	"share of the revenue", "newsletter", "subscribe", "sign up", "sign-up", "cookie policy",
	"use cookies", "uses cookies", "accept cookies", "cookie settings", "all rights reserved",
	"©", "click here", "terms of use", "terms of service", "privacy policy", "follow us",
	"share this", "read more", "related articles", "related stories", "recommended for you",
	"you may also like", "prices are accurate", "at the time of posting", "promo code",
	"coupon", "discount code", "buy now", "shop now", "originally appeared",
	"reprinted with permission", "support our journalism",
}

func isDisclosure(text string) bool {
	l := strings.ReplaceAll(strings.ToLower(text), "’", "'")
	for _, p := range disclosurePhrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// vocabulary is a set of content-word keys.
type vocabulary map[string]bool

// overlap is the share of keys found in v. A vocabulary too small to judge
// by reports full overlap, so nothing is dropped on its word.
func (v vocabulary) overlap(keys []string) float64 {
	if len(v) < minBodyVocabulary {
		return 1
	}
	if len(keys) == 0 {
		return 0
	}
	n := 0
	for _, k := range keys {
		if v[k] {
			n++
		}
	}
	return float64(n) / float64(len(keys))
}

// with returns v plus the content words of blocks, headlines aside; v is
// not changed.
func (v vocabulary) with(blocks []block) vocabulary {
	if len(blocks) == 0 {
		return v
	}
	out := make(vocabulary, len(v))
	for k := range v {
		out[k] = true
	}
	for _, b := range blocks {
		if !isHeadline(b, countWords(b.text)) {
			eachContentKey(b.text, func(key string) { out[key] = true })
		}
	}
	return out
}

// bodyVocabulary collects the content words of blocks, at most
// bodySampleBytes of them, taken from the end when fromEnd (the text
// nearest the trailing window) or else from the start.
func bodyVocabulary(blocks []block, fromEnd bool) vocabulary {
	v := make(vocabulary)
	size := 0
	for k := range blocks {
		i := k
		if fromEnd {
			i = len(blocks) - 1 - k
		}
		if !isHeadline(blocks[i], countWords(blocks[i].text)) {
			eachContentKey(blocks[i].text, func(key string) { v[key] = true })
		}
		if size += len(blocks[i].text); size >= bodySampleBytes {
			break
		}
	}
	return v
}

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
// "Australia" and "Australian", "plan" and "plans" meet).
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
