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
	onTopicShare        = 0.6  // from this share, a paragraph of onTopicMinWords is on the body's subject…
	onTopicMinWords     = 12   // …distinct content words or more
	headlineWords       = 12   // longest headline
	minBodyVocabulary   = 30   // a body with fewer content words is too small to compare against
	bodySampleBytes     = 64 << 10
	maxDroppedLen       = 100 // Document.Dropped entries are clipped to about this many bytes
)

// dropBoilerplate drops the blocks of a document that are not part of the
// story, by one general rule, and returns the blocks kept and, clipped for
// display, those dropped. text is the document's text when the blocks
// have spans into it (spans).
//
// Only the end of a document is examined (trailingBoilerplate), and its
// start for disclosures (leadingBoilerplate): a paragraph in the middle of
// the body is never dropped, and neither is more than a quarter of the
// document's words (at most 2,000). Each paragraph at the end is compared
// with the body, the text before it (body.kind). It is
//
//   - a disclosure when it uses web-furniture language that the body never
//     uses ("affiliate links", "sign up for our", "earn a commission",
//     "share of sales", "all rights reserved", ©, cookie and privacy
//     notices, "click here", "prices are accurate", "related articles", …)
//     and is not a paragraph shown to be on the body's subject (twelve or
//     more content words, 60% of them found in the body), or advertising
//     and web words that stories use too (affiliate, newsletter,
//     advertising, sponsored, subscribe, "read more", "buy now", …) while
//     fewer than half of its content words occur in the body. Cue words
//     match as whole words, a plural s allowed ("affiliates", not
//     "affiliated");
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
// ("Sponsored", "Related articles") takes everything after it along.
//
// At the start, after a title, disclosures in a row that are off topic too
// (body.onTopic) are dropped: a cookie notice, not the lead of an article
// about cookies. A paragraph at either end that mixes story and a
// disclosure is cut in two at a sentence boundary so that the disclosure
// goes alone (mixedCutter): an FAQ answer ending "Read our Terms of Use",
// a cookie notice run into the first paragraph. Content words are compared
// by their keys (eachContentKey); a body of fewer than 30 distinct content
// words is too small to judge by, and then nothing is dropped.
func dropBoilerplate(blocks []block, text string, spans bool) ([]block, []string) {
	total := 0
	for _, b := range blocks {
		total += b.words
	}
	budget := min(total/boilerplateShare, maxBoilerplateWords)
	cut := mixedCutter{text: text, spans: spans}

	// The trailing window: the last blocks within the budget, and the end
	// of the block before them when it is a disclosure that fits too.
	lo, w := len(blocks), 0
	for lo > 0 && w+blocks[lo-1].words <= budget {
		lo--
		w += blocks[lo].words
	}
	from := max(lo-1, 0)
	units, origin, first := cut.split(blocks, from, len(blocks), false, func() body { return newBody(blocks[:from], true) })
	uLo := first[lo]
	if lo > 0 && first[lo]-first[lo-1] == 2 && w+units[uLo-1].words <= budget {
		uLo--
	}
	drop := make([]bool, len(units))
	dropped := 0
	kept := len(units) // the units before it are kept
	if start, ok := trailingBoilerplate(units, uLo); ok {
		kept = start
		for i := start; i < len(units); i++ {
			drop[i] = true
			dropped += units[i].words
		}
	}

	// The leading window, within what is left of the budget, and the start
	// of the block after it when it is a disclosure that fits too.
	hi, w := 0, 0
	for hi < uLo && w+units[hi].words <= budget-dropped {
		w += units[hi].words
		hi++
	}
	end := min(hi+1, uLo)
	lead, leadOrigin, leadFirst := cut.split(units[:uLo], 0, end, true, func() body { return newBody(units[end:kept], false) })
	uHi := leadFirst[hi]
	if hi < uLo && leadFirst[hi+1]-leadFirst[hi] == 2 && w+lead[uHi].words <= budget-dropped {
		uHi++
	}
	for i := range leadOrigin {
		leadOrigin[i] = origin[leadOrigin[i]]
	}
	units = append(lead, units[uLo:]...)
	origin = append(leadOrigin, origin[uLo:]...)
	drop = append(make([]bool, len(lead)), drop[uLo:]...)
	for _, i := range leadingBoilerplate(units, uHi, kept+len(lead)-uLo) {
		drop[i] = true
	}
	return keepUnits(blocks, units, origin, drop)
}

// keepUnits puts blocks back together from their units once the units
// to drop are known: a block whose units all stay stays as it was, one
// whose units all go is dropped whole, and of a block cut in two only the
// unit kept stays, the other listed as dropped. The blocks kept are
// numbered again (seq) so that a dropped unit leaves a gap, as a dropped
// block does: nothing joins across it.
func keepUnits(blocks, units []block, origin []int, drop []bool) ([]block, []string) {
	var kept []block
	var out []string
	seq := 0
	for i := 0; i < len(units); {
		j := i
		for j < len(units) && origin[j] == origin[i] {
			j++
		}
		n := 0
		for k := i; k < j; k++ {
			if !drop[k] {
				n++
			}
		}
		if i > 0 && blocks[origin[i]].seq != blocks[origin[i-1]].seq+1 {
			seq++ // a gap the format parser left
		}
		switch {
		case n == j-i:
			b := blocks[origin[i]]
			b.seq = seq
			kept = append(kept, b)
		case n == 0:
			out = append(out, clip(blocks[origin[i]].text, maxDroppedLen))
		default:
			for k := i; k < j; k++ {
				if drop[k] {
					out = append(out, clip(units[k].text, maxDroppedLen))
					seq++
					continue
				}
				u := units[k]
				u.seq = seq
				kept = append(kept, u)
			}
		}
		seq++
		i = j
	}
	if len(out) == 0 {
		return blocks, nil
	}
	return kept, out
}

// mixedCutter cuts the blocks of a window that mix story and
// disclosure in two, so that the disclosure can go alone: an FAQ answer
// that ends "Read our Terms of Use", a cookie notice run into the first
// paragraph. text is the document's text when the blocks have spans.
type mixedCutter struct {
	text  string
	spans bool
}

// split returns the units of blocks, each block of the window
// blocks[lo:hi] that mixes story and disclosure cut in two (cutMixed); the
// index of the block each unit comes from; and the index of the first
// unit of each block, and of none after the last. The parts are judged
// against the body that against returns, made only when needed.
func (c mixedCutter) split(blocks []block, lo, hi int, lead bool, against func() body) (units []block, origin, first []int) {
	units = make([]block, 0, len(blocks)+1)
	origin = make([]int, 0, len(blocks)+1)
	first = make([]int, 0, len(blocks)+1)
	var bd *body
	for i, b := range blocks {
		first = append(first, len(units))
		if i >= lo && i < hi && hasCue(b.text) {
			if bd == nil {
				v := against()
				bd = &v
			}
			if a, z, ok := c.cutMixed(b, lead, *bd); ok {
				units = append(units, a, z)
				origin = append(origin, i, i)
				continue
			}
		}
		units = append(units, b)
		origin = append(origin, i)
	}
	return units, origin, append(first, len(units))
}

// cutMixed cuts a block in two at a sentence boundary, and reports
// whether it did. At the end of a document (not lead) the cut comes
// before the first sentence with a cue, when what follows it is a
// disclosure and what precedes is story; at the start (lead), after the
// last sentence with a cue, when what precedes is a disclosure and what
// follows is story. Story has at least offTopicMinWords content words, a
// quarter of them or more found in the body.
func (c mixedCutter) cutMixed(b block, lead bool, bd body) (block, block, bool) {
	src, off := b.text, 0
	if c.spans {
		src, off = c.text[b.start:b.end], b.start
	}
	sents := Sentences(src)
	if len(sents) < 2 || len(bd.vocab) < minBodyVocabulary {
		return block{}, block{}, false
	}
	cut := -1 // the first sentence of the second part
	for k, sp := range sents {
		if hasCue(src[sp[0]:sp[1]]) {
			if !lead {
				cut = k
				break
			}
			cut = k + 1
		}
	}
	if cut <= 0 || cut >= len(sents) {
		return block{}, block{}, false
	}
	part := func(from, to int) block {
		t := collapseSpace(src[sents[from][0]:sents[to-1][1]])
		p := block{text: t, words: countWords(t), seq: b.seq}
		if c.spans {
			p.start, p.end = off+sents[from][0], off+sents[to-1][1]
		}
		return p
	}
	a, z := part(0, cut), part(cut, len(sents))
	story, disclosure := a, z
	if lead {
		story, disclosure = z, a
	}
	// The story must be shown to be story, by enough of its words found in
	// the body: "Enjoyed this story?" before "Sign up for our newsletter"
	// goes with it.
	if share, n := bd.share(story.text); n < offTopicMinWords || share < offTopicShare || !bd.isDisclosure(disclosure.text) {
		return block{}, block{}, false
	}
	return a, z, true
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
// blocks[:hi], after a title; the body is blocks[hi:lo], the rest of the
// document that is kept.
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
	for i := first; i < hi && bd.isDisclosure(blocks[i].text) && !bd.onTopic(blocks[i].text); i++ {
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
// They are matched in lower case, with ’ read as ', on word boundaries
// and with an optional plural s (hasPhrase): "affiliate links" but not
// "affiliated".
var furniturePhrases = []string{
	"affiliate link", "affiliate partner", "affiliate partnership", "affiliate commission", "affiliate program",
	"sign up for our", "sign-up", "subscribe to our", "in your inbox",
	"earn a commission", "earn a small commission", "commission from", "share of sales",
	"share of the revenue", "paid partnership", "sponsored content", "sponsored post",
	"all rights reserved", "©", "cookie policy", "use cookie", "uses cookie", "accept cookie", "accept all cookie",
	"cookie setting", "privacy policy", "terms of use", "terms of service", "click here",
	"prices are accurate", "at the time of posting", "promo code", "discount code", "related article", "related stories",
	"recommended for you", "you may also like", "follow us on", "originally appeared",
	"reprinted with permission", "support our journalism",
}

// adPhrases are advertising and web words that stories use too, so they
// mark a disclosure only in a block mostly foreign to the body.
var adPhrases = []string{
	"affiliate", "newsletter", "advertising", "advertisement", "advertiser", "sponsored", "subscribe", "sign up for",
	"read more", "share this", "coupon", "buy now", "shop now", "limited time", "% off", "free shipping",
	"at the time of publication",
}

// hasCue reports whether text has any furniture or advertising phrase.
func hasCue(text string) bool {
	l := lowerText(text)
	for _, p := range furniturePhrases {
		if hasPhrase(l, p) {
			return true
		}
	}
	for _, p := range adPhrases {
		if hasPhrase(l, p) {
			return true
		}
	}
	return false
}

// hasPhrase reports whether the lower-case text l has the phrase p on word
// boundaries, or p followed by an s ("affiliates", "cookies"): a phrase
// that starts or ends with a letter or digit must not run on into one.
func hasPhrase(l, p string) bool {
	first, _ := utf8.DecodeRuneInString(p)
	last, _ := utf8.DecodeLastRuneInString(p)
	for i := 0; i <= len(l)-len(p); {
		j := strings.Index(l[i:], p)
		if j < 0 {
			return false
		}
		j += i
		i = j + 1
		if isWordRune(first) && j > 0 {
			if r, _ := utf8.DecodeLastRuneInString(l[:j]); isWordRune(r) {
				continue
			}
		}
		end := j + len(p)
		if !isWordRune(last) || end == len(l) {
			return true
		}
		if unicode.IsLetter(last) && l[end] == 's' {
			end++
		}
		if r, _ := utf8.DecodeRuneInString(l[end:]); end == len(l) || !isWordRune(r) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

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

// uses reports whether the body has the phrase p (hasPhrase).
func (bd body) uses(p string) bool {
	for _, l := range bd.lower {
		if hasPhrase(l, p) {
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

// isDisclosure reports whether text reads as a disclosure next to the
// body: it has a furniture phrase that the body never uses, and is not
// shown to be on the body's subject (a paragraph of onTopicMinWords
// content words or more, at least onTopicShare of them found in the
// body: "the site's terms of service" in a story about the site), or it has an
// advertising phrase that the body never uses and fewer than adShare of
// its content words are found in the body.
func (bd body) isDisclosure(text string) bool {
	if !hasCue(text) {
		return false
	}
	l := lowerText(text)
	share, n := bd.share(text)
	for _, p := range furniturePhrases {
		if hasPhrase(l, p) && !bd.uses(p) && (n < onTopicMinWords || share < onTopicShare) {
			return true
		}
	}
	for _, p := range adPhrases {
		if hasPhrase(l, p) && !bd.uses(p) && share < adShare {
			return true
		}
	}
	return false
}

// onTopic reports whether text is long enough to judge (offTopicMinWords
// content words) and not off topic: a quarter of its words or more are
// found in the body. The start of a document is where an article says
// what it is about, so a disclosure there must be off topic too: the lead
// of an article on cookie consent is not a cookie notice.
func (bd body) onTopic(text string) bool {
	share, n := bd.share(text)
	return n >= offTopicMinWords && share >= offTopicShare
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
