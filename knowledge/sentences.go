package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences returns the byte spans [start,end) of the sentences in text, in
// order, trimmed of surrounding (ASCII) white space. Every other byte of
// text lies in exactly one span.
//
// A sentence ends at '.', '!', '?', '…' or "..." (with any closing quotes
// and brackets that follow, straight or curly) when whitespace and then a
// word that does not start in lower case follow. A blank line always ends a
// sentence; a single line break does not. A full stop does not end a
// sentence after a title such as Mr., Mrs. or Dr. Smith, nor inside e.g.
// and i.e., and after initials and short abbreviations (J. R. Tolkien, the
// U.S. Attorney, St. Paul, No. 5) only when a common sentence opener such
// as "The" or "He" follows. Decimals ($1.5 million) and dotted names
// (example.com) never end one, since no space follows the dot.
//
// A quotation opened inside a sentence stays in it: in `said, “Go. Now.”
// Then` the sentence runs to the closing quote, when that closes within
// maxQuoteBytes and the paragraph. The full stops of scripts written
// without spaces (。！？) end a sentence with no space after them.
func Sentences(text string) [][2]int {
	sp := splitter{text: text, start: skipSpace(text, 0), quoteEnd: -1}
	for i := sp.start; i < len(text); {
		// Most bytes only tell whether the sentence has a word yet.
		switch c := text[i]; {
		case c < utf8.RuneSelf && sentenceByte[c] == 0:
			sp.hasWord = sp.hasWord || isASCIIAlnum(c)
			i++
		case c >= utf8.RuneSelf && sp.hasWord && c != 0xE2 && c != 0xE3 && c != 0xEF:
			i++ // no terminator or quote mark starts with this byte
		default:
			i = sp.step(i)
		}
	}
	sp.cut(len(text), len(text))
	return sp.out
}

// splitter is Sentences under way.
type splitter struct {
	text     string
	out      [][2]int
	start    int  // where the sentence being read starts
	hasWord  bool // whether it has a letter or digit yet
	quoteEnd int  // where a quotation opened inside it closes, else before it
}

// cut ends the sentence being read at end, white space trimmed, and
// returns next, where the next one starts.
func (sp *splitter) cut(end, next int) int {
	if end = trimSpaceEnd(sp.text, sp.start, end); end > sp.start {
		sp.out = append(sp.out, [2]int{sp.start, end})
	}
	sp.start, sp.hasWord = next, false
	return next
}

// step reads on from text[i] and returns where to read next.
func (sp *splitter) step(i int) int {
	text, c := sp.text, sp.text[i]
	if sp.hasWord && i > sp.quoteEnd && (c == '"' || c == 0xE2 && hasPrefixAt(text, i, "“")) {
		sp.quoteEnd = quoteClose(text, i)
	}
	switch {
	case c == '\n':
		if j, ok := blankLineAt(text, i); ok {
			return sp.cut(i, skipSpace(text, j))
		}
		return i + 1
	case c == '.' || c == '!' || c == '?' || (c == 0xE2 && hasPrefixAt(text, i, "…")):
		end, next, ok := sentenceEnd(text, sp.start, i, sp.hasWord)
		if ok && end > sp.quoteEnd { // not inside a quotation that closes later
			return sp.cut(end, next)
		}
		return end
	case sp.hasWord && (c == 0xE3 || c == 0xEF) && ideographicStopLen(text, i) > 0:
		end := i
		for n := ideographicStopLen(text, end); n > 0; n = ideographicStopLen(text, end) {
			end += n
		}
		for end < len(text) && closerLen(text, end) > 0 {
			end += closerLen(text, end)
		}
		if end > sp.quoteEnd {
			return sp.cut(end, skipSpace(text, end))
		}
		return end
	case c < utf8.RuneSelf:
		sp.hasWord = sp.hasWord || isASCIIAlnum(c)
		return i + 1
	case sp.hasWord:
		return i + 1 // inside a multi-byte rune; no terminator starts here
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	sp.hasWord = unicode.IsLetter(r) || unicode.IsDigit(r)
	return i + size
}

// sentenceByte is 1 for the ASCII bytes step looks at: line breaks,
// terminators and straight quotes.
var sentenceByte = [utf8.RuneSelf]uint8{'\n': 1, '.': 1, '!': 1, '?': 1, '"': 1}

// blankLineAt reports whether the line break at text[i] starts a blank
// line, and where the line break ending it is.
func blankLineAt(text string, i int) (int, bool) {
	j := i + 1
	for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
		j++
	}
	return j, j < len(text) && text[j] == '\n'
}

// maxQuoteBytes bounds how far a quotation opened inside a sentence may
// run and keep its sentences in that one.
const maxQuoteBytes = 500

// quoteClose returns where the quotation opened by the quote mark at
// text[i] closes: the offset of its closing mark, or -1 when it does not
// close within maxQuoteBytes and the paragraph, or the mark opens nothing
// (a straight quote before a space closes one).
func quoteClose(text string, i int) int {
	open, close := "“", "”"
	if text[i] == '"' {
		open, close = `"`, `"`
		if i+1 >= len(text) || isSpaceByte(text[i+1]) || i > 0 && !isSpaceByte(text[i-1]) && text[i-1] != '(' {
			return -1
		}
	}
	from := i + len(open)
	window := text[from:min(len(text), from+maxQuoteBytes)]
	k := strings.Index(window, close)
	if k < 0 || paragraphBreakIn(window[:k]) {
		return -1
	}
	return from + k
}

// paragraphBreakIn reports whether s holds a blank line.
func paragraphBreakIn(s string) bool {
	for i := strings.IndexByte(s, '\n'); i >= 0; {
		j, blank := blankLineAt(s, i)
		if blank {
			return true
		}
		k := strings.IndexByte(s[j:], '\n')
		if k < 0 {
			return false
		}
		i = j + k
	}
	return false
}

// ideographicStopLen returns the length of the full stop, exclamation or
// question mark of scripts written without spaces at text[i] (。！？ and
// the half-width ｡), or 0.
func ideographicStopLen(text string, i int) int {
	for _, stop := range []string{"。", "！", "？", "｡"} {
		if hasPrefixAt(text, i, stop) {
			return len(stop)
		}
	}
	return 0
}

// sentenceEnd decides whether the terminator at text[i] ends the sentence
// that began at start. It returns the end of the terminator run (with its
// closing quotes and brackets), where the next sentence would start, and
// whether this is a boundary. When it is not, scanning resumes at end.
func sentenceEnd(text string, start, i int, hasWord bool) (end, next int, ok bool) {
	j := i
	onlyDot := true
	dots := 0
	for j < len(text) {
		switch {
		case text[j] == '.':
			dots++
			j++
			continue
		case text[j] == '!' || text[j] == '?':
			onlyDot = false
			j++
			continue
		case hasPrefixAt(text, j, "…"):
			onlyDot = false
			j += len("…")
			continue
		}
		break
	}
	if dots > 1 {
		onlyDot = false // an ellipsis, not a full stop
	}
	for j < len(text) {
		n := closerLen(text, j)
		if n == 0 {
			break
		}
		j += n
	}
	end = j
	if j < len(text) && !isSpaceByte(text[j]) {
		return end, end, false // "U.S", "$1.5", "example.com", "end.”So"
	}
	if !hasWord {
		return end, end, false // a leading "…" or a lone "?"
	}
	next = skipSpace(text, j)
	if next >= len(text) || paragraphBreakBetween(text, j, next) {
		return end, next, true
	}
	first := firstLetter(text, next)
	if unicode.IsLower(first) {
		return end, end, false
	}
	if !onlyDot {
		return end, next, true
	}
	switch abbreviationBefore(text, start, i) {
	case abbrTitle:
		return end, end, false
	case abbrShort:
		if !isSentenceOpener(text, next) {
			return end, end, false
		}
	case abbrNumber:
		if c := text[next]; c >= '0' && c <= '9' {
			return end, end, false
		}
	}
	return end, next, true
}

// Kinds of word that can stand before a full stop.
const (
	abbrNone   = iota // an ordinary word: the stop ends the sentence
	abbrTitle         // Mr., e.g.: never ends a sentence
	abbrShort         // initials, U.S., St.: ends one only before a sentence opener
	abbrNumber        // No., p., vol.: ends one unless a number follows
)

// abbreviationBefore classifies the word that ends right before the full
// stop at text[i] (a word of ASCII letters and inner dots, like "U.S").
func abbreviationBefore(text string, start, i int) int {
	k := i
	for k > start && (isASCIILetter(text[k-1]) || text[k-1] == '.') {
		k--
	}
	if k > start && (text[k-1] >= utf8.RuneSelf || isASCIIAlnum(text[k-1])) {
		return abbrNone // part of a longer word or a number
	}
	w := text[k:i]
	for len(w) > 0 && w[0] == '.' {
		w = w[1:]
	}
	if w == "" {
		return abbrNone
	}
	var buf [8]byte
	if len(w) <= len(buf) {
		lw := buf[:len(w)]
		for n := range len(w) {
			lw[n] = lowerASCII(w[n])
		}
		if titleAbbreviations[string(lw)] {
			return abbrTitle
		}
		if shortAbbreviations[string(lw)] {
			return abbrShort
		}
		if numberAbbreviations[string(lw)] {
			return abbrNumber
		}
	}
	if len(w) == 1 && isASCIILetter(w[0]) {
		return abbrShort // an initial: J. R. Tolkien
	}
	for n := range len(w) {
		if w[n] == '.' {
			return abbrShort // U.S, U.K, a.m
		}
	}
	return abbrNone
}

// titleAbbreviations stand before a name or an example and so never end a
// sentence.
var titleAbbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "messrs": true, "mme": true, "mlle": true, "prof": true,
	"rev": true, "hon": true, "capt": true, "col": true, "gen": true, "lt": true, "sgt": true,
	"cpl": true, "sen": true, "rep": true, "gov": true, "fr": true, "e.g": true, "i.e": true,
	"cf": true, "viz": true, "vs": true, "approx": true, "ca": true,
}

// shortAbbreviations usually do not end a sentence, but may.
var shortAbbreviations = map[string]bool{
	"dr": true, "st": true, "sr": true, "jr": true, "mt": true, "ft": true, "ave": true,
	"jan": true, "feb": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "a.m": true, "p.m": true, "dept": true,
	"univ": true, "inc": true, "ltd": true, "co": true, "corp": true, "bros": true,
}

// numberAbbreviations stand before a number: No. 5, p. 12, vol. 2.
var numberAbbreviations = map[string]bool{
	"no": true, "nos": true, "fig": true, "figs": true, "vol": true, "vols": true, "p": true,
	"pp": true, "ch": true, "op": true, "art": true, "sec": true,
}

// sentenceOpeners are words that commonly start a sentence and rarely follow
// an abbreviation inside one, so "in the U.S. The" ends a sentence while
// "the U.S. Attorney" does not.
var sentenceOpeners = map[string]bool{
	"A": true, "An": true, "The": true, "He": true, "She": true, "It": true, "They": true, "We": true,
	"I": true, "You": true, "His": true, "Her": true, "Its": true, "Their": true, "Our": true,
	"My": true, "This": true, "That": true, "These": true, "Those": true, "There": true,
	"Then": true, "But": true, "And": true, "Or": true, "So": true, "Yet": true, "In": true,
	"On": true, "At": true, "As": true, "If": true, "When": true, "While": true, "After": true,
	"Before": true, "Since": true, "Although": true, "However": true, "Meanwhile": true,
	"What": true, "Who": true, "Why": true, "How": true, "Where": true, "Some": true, "Many": true,
	"Most": true, "One": true, "Yes": true, "No": true, "Now": true, "Today": true, "For": true,
	"Still": true, "Later": true, "Earlier": true,
}

func isSentenceOpener(text string, i int) bool {
	for i < len(text) && (text[i] == '"' || text[i] == '\'' || text[i] == '(') {
		i++
	}
	j := i
	for j < len(text) && isASCIILetter(text[j]) {
		j++
	}
	return sentenceOpeners[text[i:j]]
}

// closerLen returns the length of the closing quote or bracket at text[i],
// or 0.
func closerLen(text string, i int) int {
	switch text[i] {
	case '"', '\'', ')', ']', '}':
		return 1
	case 0xE2: // ’ ” › (U+2019 U+201D U+203A)
		if hasPrefixAt(text, i, "’") || hasPrefixAt(text, i, "”") || hasPrefixAt(text, i, "›") {
			return 3
		}
	case 0xE3: // 」 』 〉 》 (U+300D U+300F U+3009 U+300B)
		if hasPrefixAt(text, i, "」") || hasPrefixAt(text, i, "』") || hasPrefixAt(text, i, "〉") || hasPrefixAt(text, i, "》") {
			return 3
		}
	case 0xEF: // ） (U+FF09)
		if hasPrefixAt(text, i, "）") {
			return 3
		}
	case 0xC2: // »
		if hasPrefixAt(text, i, "»") {
			return 2
		}
	}
	return 0
}

// firstLetter returns the first letter at or after i, skipping opening
// quotes, brackets and dashes; 0 if a letter does not come first.
func firstLetter(text string, i int) rune {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) {
			return r
		}
		if !unicode.IsPunct(r) {
			return 0
		}
		i += size
	}
	return 0
}

// paragraphBreakBetween reports whether text[i:j], which is all space,
// holds a blank line.
func paragraphBreakBetween(text string, i, j int) bool {
	nl := 0
	for k := i; k < j; k++ {
		if text[k] == '\n' {
			nl++
		}
	}
	return nl >= 2
}

func skipSpace(text string, i int) int {
	for i < len(text) && isSpaceByte(text[i]) {
		i++
	}
	return i
}

func trimSpaceEnd(text string, start, end int) int {
	for end > start && isSpaceByte(text[end-1]) {
		end--
	}
	return end
}

func hasPrefixAt(text string, i int, prefix string) bool {
	return len(text)-i >= len(prefix) && text[i:i+len(prefix)] == prefix
}

func isSpaceByte(c byte) bool { return asciiSpace[c] == 1 }

// asciiSpace is 1 for the ASCII white space bytes, 0 for the others.
var asciiSpace = [256]uint8{' ': 1, '\n': 1, '\t': 1, '\r': 1, '\f': 1, '\v': 1}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isASCIIAlnum(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' }

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
