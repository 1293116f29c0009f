package knowledge

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// A word, on the query side (Words) and the index side (Terms), is what the
// index's tokenizer, FTS5's "unicode61 remove_diacritics 2", reads as one
// token: a run of token characters, which may go on with (but not start
// with) one of the combining diacritics in U+0300–U+0331 that it strips.
// Token characters are the ASCII letters and digits and every other code
// point except those that SQLite's own Unicode tables (Unicode 6.1, hence
// the name) put in a category other than L*, N* or Co. So "x²" and "Ⅷ" are
// one word each, and so is anything assigned since Unicode 6.1: "it🥰" is
// one word. unicode61_tables.go holds those tables, read from SQLite
// itself; TestUnicode61MatchesFTS5 checks every code point against it.

// nextWord returns the span [start, end) of the first word in text at or
// after byte i, and whether it is all ASCII; start is -1 when there is none.
func nextWord(text string, i int) (start, end int, ascii bool) {
	start = -1
	for i < len(text) && start < 0 {
		if c := text[i]; c < utf8.RuneSelf {
			if isASCIIAlnum(c) {
				start = i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordStart(r) {
			start = i
		}
		i += size
	}
	if start < 0 {
		return -1, -1, true
	}
	ascii = text[start] < utf8.RuneSelf
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if !isASCIIAlnum(c) {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordPart(r) {
			break
		}
		ascii = false
		i += size
	}
	return start, i, ascii
}

// isWordStart reports whether r starts a word. U+FFFD, which invalid UTF-8
// decodes to, does not.
func isWordStart(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r))
	}
	return !unicode.Is(unicode61Separators, r)
}

// isWordPart reports whether r belongs to a word it follows.
func isWordPart(r rune) bool {
	return isWordStart(r) || unicode.Is(unicode61Diacritics, r)
}

// foldRune returns r as the index stores it, in lower case and without
// diacritics, or 0 for a diacritic the index drops.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(lowerASCII(byte(r)))
	}
	if i, ok := slices.BinarySearchFunc(unicode61Folds, r, func(f runeFold, r rune) int { return int(f.r - r) }); ok {
		return unicode61Folds[i].fold
	}
	return unicode.ToLower(r)
}

// lowerRune returns r in lower case, or r itself when the index tells the
// two cases apart (a capital letter newer than SQLite's tables), so that a
// lower-cased word is still the same index term.
func lowerRune(r rune) rune {
	if l := unicode.ToLower(r); l != r && foldRune(l) == foldRune(r) {
		return l
	}
	return r
}

// runeFold is one of the index's folds that unicode.ToLower does not make.
type runeFold struct {
	r, fold rune
}

// upperFirst is s with its first letter in upper case.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
