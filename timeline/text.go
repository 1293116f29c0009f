package timeline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextRunes bounds an event's text; longer clauses are cut at a word.
const maxTextRunes = 160

// clauseBreaks end the clause that tells one happening: "He was arrested in
// 2018, and in 2019 he was sentenced", "pleaded guilty in October 2018 …,
// according to Motherboard".
var clauseBreaks = []string{
	"; ", ": ", " — ", " – ", " -- ",
	", but ", ", while ", ", whereas ", ", although ", ", though ", ", and ",
	", according to ", ", with ", ", which ", ", who ",
}

// leadWords are dropped from the start of an event's text: "However, this
// week …" becomes "This week …".
var leadWords = map[string]bool{
	"however": true, "but": true, "and": true, "so": true, "yet": true, "meanwhile": true,
	"still": true, "also": true, "then": true, "notably": true, "indeed": true, "moreover": true,
	"furthermore": true, "nevertheless": true, "instead": true, "now": true,
}

// eventText is the clause of sentence that holds the expression at
// sentence[start:end], without asides in parentheses, leading connectives
// or closing punctuation, on one line, cut to maxTextRunes.
func eventText(sentence string, start, end int) string {
	lo, hi := 0, len(sentence)
	for _, b := range clauseBreaks {
		if i := strings.LastIndex(sentence[:start], b); i >= 0 && i+len(b) > lo {
			lo = i + len(b)
		}
		if i := strings.Index(sentence[end:], b); i >= 0 && end+i < hi {
			hi = end + i
		}
	}
	if len(strings.Fields(sentence[lo:hi])) < 4 {
		lo, hi = 0, len(sentence) // too short to say what happened
	}
	text := dropAsides(sentence[lo:hi], start-lo, end-lo)
	text = strings.TrimFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:.—–-", r)
	})
	// A hard-wrapped story breaks sentences across lines: the text is
	// shown on one line.
	text = strings.Join(strings.Fields(text), " ")
	if w, rest, ok := strings.Cut(text, " "); ok {
		if word := strings.TrimSuffix(w, ","); leadWords[strings.ToLower(word)] {
			text = rest
		}
	}
	text = balanceQuotes(text)
	if r, size := utf8.DecodeRuneInString(text); unicode.IsLower(r) {
		text = string(unicode.ToUpper(r)) + text[size:]
	}
	return cut(text, maxTextRunes)
}

// dropAsides removes parenthesised asides that do not hold the expression
// at s[start:end]: "in 2015 (it was eventually forced …)".
func dropAsides(s string, start, end int) string {
	var b strings.Builder
	i := 0
	for {
		j := strings.IndexByte(s[i:], '(')
		if j < 0 {
			break
		}
		j += i
		k := closingParen(s, j)
		if k < 0 {
			break // unbalanced: keep the rest as written
		}
		if j <= start && k >= end {
			b.WriteString(s[i : k+1]) // the aside holds the date
		} else {
			b.WriteString(strings.TrimRight(s[i:j], " "))
		}
		i = k + 1
	}
	b.WriteString(s[i:])
	return b.String()
}

// closingParen returns the index of the ')' that closes the '(' at s[open], or -1.
func closingParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// balanceQuotes drops a quotation mark left open or closed by cutting a
// clause out of its sentence.
func balanceQuotes(s string) string {
	for _, q := range [][2]string{{"“", "”"}, {"‘", "’"}} {
		open, close := strings.Count(s, q[0]), strings.Count(s, q[1])
		if open > close && strings.HasPrefix(s, q[0]) {
			s = strings.TrimPrefix(s, q[0])
		}
		if close > open && strings.HasSuffix(s, q[1]) {
			s = strings.TrimSuffix(s, q[1])
		}
	}
	if strings.Count(s, `"`)%2 == 1 {
		s = strings.Trim(s, `"`)
	}
	return strings.TrimSpace(s)
}

// cut shortens s to at most n runes, at a word boundary, marking the cut
// with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count < n-1 {
			count++
			continue
		}
		head := s[:i]
		if j := strings.LastIndexByte(head, ' '); j > len(head)/2 {
			head = head[:j]
		}
		return strings.TrimRight(head, " ,;:—–-") + "…"
	}
	return s
}
