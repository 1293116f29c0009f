package knowledge

import "strings"

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
	// in (took: take, taken), as a search with Ranking.Lemmas runs it.
	Expanded string
}

// BuildQuery turns any text a user can type into a Query. It returns
// ErrEmptyQuery when the text has no words (see Words).
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
	match, expanded := matchOf(terms)
	return Query{Terms: terms, Match: match, Expanded: expanded}, nil
}

// matchOf returns the FTS5 expressions of a query's terms: the terms
// themselves, and with their other irregular forms (Query's Match and
// Expanded).
func matchOf(terms []string) (match, expanded string) {
	match = orQuoted(terms)
	expanded = match
	if forms := loadLemmas().otherForms(terms); len(forms) > 0 {
		expanded += " OR " + orQuoted(forms)
	}
	return match, expanded
}

// orQuoted ORs the words as FTS5 strings. A word never holds a double
// quote, so quoting makes each a plain string.
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

// Words returns the words of text, lower-cased, as the index reads them
// (see words.go): each is one index term, Terms(w) of it its only term.
// Any character that is not a word character separates words, invalid
// UTF-8 included.
func Words(text string) []string {
	var words []string
	for i := 0; ; {
		start, end, ascii := nextWord(text, i)
		if start < 0 {
			return words
		}
		i = end
		words = append(words, lowerWord(text[start:end], ascii))
	}
}

// lowerWord is the word w (ascii: of ASCII bytes only) in lower case, as
// Words returns it.
func lowerWord(w string, ascii bool) string {
	if ascii {
		return strings.ToLower(w)
	}
	return strings.Map(lowerRune, w)
}
