package knowledge

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chapters: every passage knows the chapter (or section) it belongs to, as
// a short label for citations: "chapter 3", "chapter 1: The Old Sea-dog at
// the Admiral Benbow", "part 2", or a section heading as written ("The
// vote"). markChapters finds the headings that open chapters; passages
// never straddle two (splitPassages).

// maxChapterLen bounds a chapter label, in bytes.
const maxChapterLen = 100

// Ranks of chapter headings: a book's parts hold its chapters, which hold
// sections. The chapters of a document are its headings of one rank
// (chapterRank).
const (
	rankPart    = 1 // "PART ONE", "Book II", "Volume 3"
	rankChapter = 2 // "CHAPTER IV.", "Letter 3", "I. A SCANDAL IN BOHEMIA", "1" over a title line
	rankSection = 3 // "Section 2", a numeral alone ("I.", "14")
)

// chapterWords are the words that open a numbered heading, with its rank.
var chapterWords = map[string]int{
	"part": rankPart, "book": rankPart, "volume": rankPart, "vol": rankPart,
	"chapter": rankChapter, "chap": rankChapter, "letter": rankChapter, "canto": rankChapter,
	"act": rankChapter, "stave": rankChapter, "section": rankSection, "scene": rankSection,
}

// unnumbered are headings that open a chapter of their own without a number.
var unnumbered = map[string]bool{"prologue": true, "epilogue": true}

// chapterHead is a heading that may open a chapter.
type chapterHead struct {
	block   int // index among the blocks
	rank    int
	label   string
	numeral int // the number of a heading that is only a numeral (and a title); 0 for a word's
	keyword bool
}

// markChapters sets, on each block, the chapter it belongs to and whether
// it opens one. Markdown and HTML headings open sections by their level
// (the highest level used below the title); in plain text, lines such as
// "CHAPTER IV.", "Chapter 3: The Storm", "PART ONE--The Old Buccaneer",
// "I. A SCANDAL IN BOHEMIA", or a number alone over a title line (as
// Project Gutenberg books have them). A heading that is followed by
// another of its rank before any text is a table of contents' entry, not
// a chapter; numbered lines without a word must count up from 1.
func markChapters(text string, blocks []block, title string) {
	heads := leveledHeads(blocks, title)
	if len(heads) == 0 {
		heads = plainHeads(text, blocks)
	}
	heads = dropContents(blocks, heads)
	rank := chapterRank(heads)
	if rank == 0 {
		return
	}
	current := ""
	h := 0
	for i := range blocks {
		for h < len(heads) && heads[h].block < i {
			h++
		}
		if h < len(heads) && heads[h].block == i && heads[h].rank == rank {
			current = heads[h].label
			blocks[i].chapterStart = true
		}
		blocks[i].chapter = current
	}
}

// leveledHeads returns the Markdown and HTML headings but the title.
func leveledHeads(blocks []block, title string) []chapterHead {
	var heads []chapterHead
	for i, b := range blocks {
		if b.level == 0 || i == 0 && strings.EqualFold(b.text, title) {
			continue
		}
		label := clip(b.text, maxChapterLen)
		if h, ok := numberedHeading(b.text); ok && h.keyword {
			label = h.label
		}
		heads = append(heads, chapterHead{block: i, rank: b.level, label: label})
	}
	return heads
}

// plainHeads returns the lines of plain text that read as chapter headings.
func plainHeads(text string, blocks []block) []chapterHead {
	var heads []chapterHead
	last := map[int]int{} // the latest numeral accepted, by rank
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if len(b.text) > maxChapterLen || countWords(b.text) > 12 {
			continue
		}
		h, ok := numberedHeading(b.text)
		if !ok {
			continue
		}
		h.block = i
		if !h.keyword {
			// A numeral alone is a chapter's only over a title line, and
			// any numeral line must stand between blank lines.
			if !standsAlone(text, blocks, i) {
				continue
			}
			title := false
			if h.rank == rankSection && i+1 < len(blocks) && blocks[i+1].heading && blocks[i+1].words <= 12 {
				if next, isHead := numberedHeading(blocks[i+1].text); !isHead || !next.keyword {
					h.rank, title = rankChapter, true
					h.label = clip(h.label+": "+titleCase(blocks[i+1].text), maxChapterLen)
				}
			}
			if h.numeral != 1 && h.numeral != last[h.rank]+1 {
				continue
			}
			last[h.rank] = h.numeral
			if title {
				i++ // the title line is no heading of its own
			}
		}
		heads = append(heads, h)
	}
	return heads
}

// standsAlone reports whether block i of plain text has a blank line (or
// the start or end of the text) before and after it.
func standsAlone(text string, blocks []block, i int) bool {
	b := blocks[i]
	if b.start >= b.end || b.end > len(text) {
		return true // not a span of the text (Markdown, HTML)
	}
	before, after := 0, 0
	k := b.start - 1
	for ; k >= 0 && isSpaceByte(text[k]); k-- {
		before += int(btoi(text[k] == '\n'))
	}
	edgeBefore := k < 0
	k = b.end
	for ; k < len(text) && isSpaceByte(text[k]); k++ {
		after += int(btoi(text[k] == '\n'))
	}
	return (edgeBefore || before >= 2) && (k == len(text) || after >= 2)
}

func btoi(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// dropContents drops the headings that are followed by another of the same
// or a higher rank with no text between them: the entries of a table of
// contents, or a heading with nothing under it.
func dropContents(blocks []block, heads []chapterHead) []chapterHead {
	out := heads[:0]
	for k, h := range heads {
		end := len(blocks)
		for _, next := range heads[k+1:] {
			if next.rank <= h.rank {
				end = next.block
				break
			}
		}
		if hasBody(blocks[h.block+1 : end]) {
			out = append(out, h)
		}
	}
	return out
}

// hasBody reports whether blocks hold text other than headings.
func hasBody(blocks []block) bool {
	for _, b := range blocks {
		if !b.heading && b.words > 0 {
			return true
		}
	}
	return false
}

// chapterRank is the rank of the headings that open chapters: chapters when
// there are, else parts, else sections; 0 when there are none.
func chapterRank(heads []chapterHead) int {
	rank := 0
	for _, h := range heads {
		if rank == 0 || h.rank < rank && h.rank >= rankChapter || rank < rankChapter && h.rank == rankChapter {
			rank = h.rank
		}
	}
	return rank
}

// numberedHeading reads a heading line: a chapter word and a number
// ("CHAPTER IV.", "Part One--The Old Buccaneer", "Chapter 3: The Storm"),
// "Prologue", or a numeral with or without a title ("I. A SCANDAL IN
// BOHEMIA", "14."). The label is "<word> <number>[: <title>]", the number
// in digits ("chapter 4") when it can be read.
func numberedHeading(line string) (chapterHead, bool) {
	line = strings.TrimSpace(strings.Trim(line, "[]()*_ "))
	word, rest := cutWord(line)
	var buf [8]byte
	if w := strings.TrimSuffix(word, "."); len(w) <= len(buf) {
		for i := range len(w) {
			buf[i] = lowerASCII(w[i])
		}
		lw := buf[:len(w)]
		if unnumbered[string(lw)] {
			return chapterHead{rank: rankChapter, label: string(lw), keyword: true}, true
		}
		if rank, ok := chapterWords[string(lw)]; ok {
			return keywordHeading(string(lw), rank, rest)
		}
	}
	// A numeral: digits, or capital Roman numerals, with a full stop or a
	// colon before a title ("I. A SCANDAL IN BOHEMIA", not "I Go to Bristol").
	num := strings.TrimRight(word, ".:")
	if rest != "" && num == word {
		return chapterHead{}, false
	}
	n, ok := numeralValue(num)
	if !ok || n == 0 || n > 999 {
		return chapterHead{}, false
	}
	h := chapterHead{rank: rankSection, numeral: n, label: "chapter " + strconv.Itoa(n)}
	if rest != "" {
		t := headingTitle(rest)
		// "1. Introduction" in running text is a list; a chapter's title
		// has no full stop and starts with a capital.
		if t == "" || endsSentence(rest) && hasLower(rest) || !unicode.IsUpper(firstRune(t)) {
			return chapterHead{}, false
		}
		h.rank, h.label = rankChapter, clip(h.label+": "+t, maxChapterLen)
	}
	return h, true
}

// keywordHeading reads the number and title after a chapter word, lw in
// lower case, of the given rank.
func keywordHeading(lw string, rank int, rest string) (chapterHead, bool) {
	num, after := cutWord(rest)
	if strings.EqualFold(num, "the") { // "Chapter the First"
		var ord string
		ord, after = cutWord(after)
		num += " " + ord
	}
	n, ok := readNumber(num)
	if !ok {
		return chapterHead{}, false
	}
	h := chapterHead{rank: rank, keyword: true, label: lw + " " + n}
	if t := headingTitle(after); t != "" {
		h.label += ": " + t
	}
	h.label = clip(h.label, maxChapterLen)
	return h, true
}

// cutWord splits s at its first run of spaces.
func cutWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// headingTitle is the title after a heading's number: "--The Old
// Buccaneer" is "The Old Buccaneer", an all-capitals one in title case.
func headingTitle(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	s = strings.TrimRight(s, " .:;,]")
	if !hasWord(s) {
		return ""
	}
	return titleCase(s)
}

// titleCase writes an all-capitals title in title case ("THE RED-HEADED
// LEAGUE" is "The Red-Headed League"); other titles are kept as written.
func titleCase(s string) string {
	if hasLower(s) {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if i > 0 && smallTitleWords[w] {
			continue
		}
		words[i] = capitalizeParts(w)
	}
	return strings.Join(words, " ")
}

// smallTitleWords stay in lower case inside a title.
var smallTitleWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "in": true, "on": true,
	"at": true, "to": true, "by": true, "for": true, "with": true, "from": true,
}

// capitalizeParts capitalises each part of a hyphenated word.
func capitalizeParts(w string) string {
	parts := strings.Split(w, "-")
	for i, p := range parts {
		parts[i] = upperFirst(p)
	}
	return strings.Join(parts, "-")
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// readNumber reads a chapter's number as digits: "4", "IV", "iv", "Four",
// "Twenty-One", "the First". It keeps a letter ("A") as written and
// refuses anything else.
func readNumber(s string) (string, bool) {
	s = strings.TrimRight(s, ".:;,—–-]")
	if s == "" {
		return "", false
	}
	if n, ok := numeralValue(strings.ToUpper(s)); ok && n > 0 {
		return strconv.Itoa(n), true
	}
	if n, ok := numberWordValue(strings.ToLower(s)); ok {
		return strconv.Itoa(n), true
	}
	if len(s) == 1 && isASCIILetter(s[0]) {
		return strings.ToUpper(s), true // "Appendix A"
	}
	return "", false
}

// numeralValue reads digits or capital Roman numerals.
func numeralValue(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, len(s) <= 3
	}
	return romanValue(s)
}

// romanValue reads a Roman numeral written in capitals, refusing what is
// not one written the usual way (IIII, IC).
func romanValue(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		v := romanDigit(s[i])
		if v == 0 {
			return 0, false
		}
		if i+1 < len(s) && romanDigit(s[i+1]) > v {
			n -= v
		} else {
			n += v
		}
	}
	if n <= 0 || n >= 4000 || toRoman(n) != s {
		return 0, false
	}
	return n, true
}

func romanDigit(c byte) int {
	switch c {
	case 'I':
		return 1
	case 'V':
		return 5
	case 'X':
		return 10
	case 'L':
		return 50
	case 'C':
		return 100
	case 'D':
		return 500
	case 'M':
		return 1000
	}
	return 0
}

func toRoman(n int) string {
	var sb strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			sb.WriteString(p.s)
			n -= p.v
		}
	}
	return sb.String()
}

var (
	unitWords = map[string]int{
		"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
		"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
		"seventeen": 17, "eighteen": 18, "nineteen": 19,
		"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
		"ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
		"fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
	}
	tensWords = map[string]int{
		"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
		"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
	}
)

// numberWordValue reads "four", "twenty-one", "the first", "the twenty-second".
func numberWordValue(s string) (int, bool) {
	s = strings.TrimPrefix(s, "the ")
	if n, ok := unitWords[s]; ok {
		return n, true
	}
	if n, ok := tensWords[s]; ok {
		return n, true
	}
	tens, unit, ok := strings.Cut(s, "-")
	if !ok {
		return 0, false
	}
	t, ok1 := tensWords[tens]
	u, ok2 := unitWords[unit]
	if !ok1 || !ok2 || u >= 10 {
		return 0, false
	}
	return t + u, true
}
