package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQueryTerms bounds the work one query can ask of the index: a
// 20,000-character paste is searched by its first distinct terms.
const maxQueryTerms = 64

// Query is a user's text turned into a safe FTS5 MATCH expression.
type Query struct {
	// Terms are the distinct lower-cased words searched for, stop words
	// dropped unless nothing else is left.
	Terms []string
	// Match is the FTS5 expression: every term a quoted string, OR-ed, so no
	// user text is ever read as FTS5 syntax (NEAR, *, ^, column filters, AND).
	Match string
	// Expanded is Match with the other irregular forms of its words OR-ed
	// in (took: take, taken), as Search runs it.
	Expanded string
}

// BuildQuery turns any text a user can type into a Query. It returns
// ErrEmptyQuery when the text has no letters or digits.
func BuildQuery(text string) (Query, error) {
	words := Words(text)
	var terms, all []string
	seen := make(map[string]bool)
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		all = append(all, w)
		if !IsStopWord(w) {
			terms = append(terms, w)
		}
	}
	if len(terms) == 0 {
		terms = all
	}
	if len(terms) == 0 {
		return Query{}, ErrEmptyQuery
	}
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	match := orQuoted(terms)
	expanded := match
	if forms := loadLemmas().otherForms(terms); len(forms) > 0 {
		expanded += " OR " + orQuoted(forms)
	}
	return Query{Terms: terms, Match: match, Expanded: expanded}, nil
}

// orQuoted ORs the words as FTS5 strings. Words hold only letters, digits
// and marks, never a double quote, so quoting makes each a plain string.
func orQuoted(words []string) string {
	var b strings.Builder
	for i, t := range words {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('"')
		b.WriteString(t)
		b.WriteByte('"')
	}
	return b.String()
}

// Words splits text into lower-cased words the way the index's unicode61
// tokenizer does: runs of letters, digits and combining marks. Invalid
// UTF-8 and every other character separate words.
func Words(text string) []string {
	var words []string
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		word := r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Co, r))
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			words = append(words, strings.ToLower(text[start:i]))
			start = -1
		}
		i += size
	}
	if start >= 0 {
		words = append(words, strings.ToLower(text[start:]))
	}
	return words
}
