package knowledge

import "unicode/utf8"

// The re-ranker reads term statistics from the FTS5 index, so it must turn
// text into exactly the terms FTS5 stores. This file mirrors the index's
// tokenizer, "porter unicode61 remove_diacritics 2": unicode61 splits text
// into words (see words.go), lower-cases them and strips diacritics; porter
// then stems each token with FTS5's version of the Porter (1980) algorithm,
// which works on bytes, leaves tokens shorter than 3 or longer than 64
// bytes alone, and treats 'y' after any first letter as a vowel in the *v*
// condition. TestStemsMatchFTS5 checks this against SQLite itself.

// maxStemToken is FTS5's FTS5_PORTER_MAX_TOKEN: longer tokens are not stemmed.
const maxStemToken = 64

// tokenSpan is one token of a text: its index term and where it lies.
type tokenSpan struct {
	term       string
	start, end int // byte offsets into the text
}

// tokenize splits text into index terms the way the FTS5 index does.
func tokenize(text string) []tokenSpan {
	var out []tokenSpan
	var buf []byte
	for i := 0; ; {
		start, end, ascii := nextWord(text, i)
		if start < 0 {
			return out
		}
		i = end
		if ascii {
			buf = appendLowerASCII(buf[:0], text[start:end])
		} else {
			buf = appendFolded(buf[:0], text[start:end])
		}
		if tok := stem(buf); tok != "" {
			out = append(out, tokenSpan{term: tok, start: start, end: end})
		}
	}
}

// Terms returns the index terms of text, in order: what FTS5 matches on.
func Terms(text string) []string {
	spans := tokenize(text)
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.term
	}
	return out
}

func appendLowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lowerASCII(s[i]))
	}
	return dst
}

// appendFolded appends the word s as the index stores it: each character
// folded (foldRune), the dropped ones left out.
func appendFolded(dst []byte, s string) []byte {
	for _, r := range s {
		if f := foldRune(r); f != 0 {
			dst = utf8.AppendRune(dst, f)
		}
	}
	return dst
}

// stem applies FTS5's Porter stemmer to a folded token. It may modify b.
func stem(b []byte) string {
	n := len(b)
	if n > maxStemToken || n < 3 {
		return string(b)
	}
	b = append(b, 0, 0) // room for step 1b's "e" and step 1b2's longer endings
	b = b[:n]
	step1a(&b)
	step1b(&b)
	step1c(&b)
	replaceSuffix(&b, step2Rules, mGt0)
	replaceSuffix(&b, step3Rules, mGt0)
	step4(&b)
	step5(&b)
	return string(b)
}

// step1a removes plurals: sses → ss, ies → i, s → "" (but not ss).
func step1a(b *[]byte) {
	s := *b
	n := len(s)
	if s[n-1] != 's' {
		return
	}
	switch {
	case s[n-2] == 'e' && (n > 4 && s[n-4] == 's' && s[n-3] == 's' || n > 3 && s[n-3] == 'i'):
		*b = s[:n-2]
	case s[n-2] == 'e' || s[n-2] != 's':
		*b = s[:n-1]
	}
}

// step1b removes -eed/-ed/-ing and, when -ed or -ing went, mends the stem:
// at → ate, bl → ble, iz → ize, a double consonant halved, or an "e"
// added to a short stem.
func step1b(b *[]byte) {
	if !removeEdIng(b) || replaceSuffix(b, step1b2Rules, nil) {
		return
	}
	s := *b
	n := len(s)
	c := s[n-1]
	if !isVowel(c, false) && c != 'l' && c != 's' && c != 'z' && c == s[n-2] {
		*b = s[:n-1]
	} else if mEq1(s) && oStar(s) {
		*b = append(s, 'e')
	}
}

// step1c turns a final y into i after a vowel.
func step1c(b *[]byte) {
	s := *b
	if n := len(s); s[n-1] == 'y' && hasVowel(s[:n-1]) {
		s[n-1] = 'i'
	}
}

// step5 removes a final e where the stem stays long enough, and halves a
// final ll.
func step5(b *[]byte) {
	s := *b
	if n := len(s); s[n-1] == 'e' {
		if t := s[:n-1]; mGt1(t) || mEq1(t) && !oStar(t) {
			s = t
		}
	}
	if n := len(s); n > 1 && s[n-1] == 'l' && s[n-2] == 'l' && mGt1(s[:n-1]) {
		s = s[:n-1]
	}
	*b = s
}

func isVowel(c byte, yIsVowel bool) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || yIsVowel && c == 'y'
}

// gobbleVC skips one vowel run and the consonant after it, returning the
// index just past that consonant, or 0 if there is no such VC.
func gobbleVC(s []byte, prevCons bool) int {
	cons := prevCons
	i := 0
	for ; i < len(s); i++ {
		cons = !isVowel(s[i], cons)
		if !cons {
			break
		}
	}
	for i++; i < len(s); i++ {
		cons = !isVowel(s[i], cons)
		if cons {
			return i + 1
		}
	}
	return 0
}

func mGt0(s []byte) bool { return gobbleVC(s, false) != 0 }

func mGt1(s []byte) bool {
	n := gobbleVC(s, false)
	return n != 0 && gobbleVC(s[n:], true) != 0
}

func mEq1(s []byte) bool {
	n := gobbleVC(s, false)
	return n != 0 && gobbleVC(s[n:], true) == 0
}

// oStar is Porter's *o: the stem ends consonant-vowel-consonant, the last
// not w, x or y.
func oStar(s []byte) bool {
	n := len(s)
	if s[n-1] == 'w' || s[n-1] == 'x' || s[n-1] == 'y' {
		return false
	}
	mask, cons := 0, false
	for _, c := range s {
		cons = !isVowel(c, cons)
		mask <<= 1
		if cons {
			mask |= 1
		}
	}
	return mask&7 == 5
}

// hasVowel is Porter's *v*, with FTS5's reading of 'y'.
func hasVowel(s []byte) bool {
	for i, c := range s {
		if isVowel(c, i > 0) {
			return true
		}
	}
	return false
}

func mGt1SorT(s []byte) bool {
	c := s[len(s)-1]
	return (c == 's' || c == 't') && mGt1(s)
}

// rule replaces a suffix when the stem before it meets a condition.
type rule struct {
	suffix, out string
	cond        func([]byte) bool // nil: the rule set's condition
}

// replaceSuffix applies the first rule (in order) whose suffix ends b and
// leaves a non-empty stem; it reports whether that rule's condition held.
// As in FTS5, only rules for the second-to-last letter are considered, and
// a matching rule whose condition fails stops the search.
func replaceSuffix(b *[]byte, rules map[byte][]rule, cond func([]byte) bool) bool {
	s := *b
	n := len(s)
	if n < 2 {
		return false
	}
	for _, r := range rules[s[n-2]] {
		if n <= len(r.suffix) || string(s[n-len(r.suffix):]) != r.suffix {
			continue
		}
		c := r.cond
		if c == nil {
			c = cond
		}
		stemPart := s[:n-len(r.suffix)]
		if c != nil && !c(stemPart) {
			return false
		}
		*b = append(stemPart, r.out...)
		return true
	}
	return false
}

// removeEdIng removes -eed/-ed/-ing and reports whether -ed or -ing went.
func removeEdIng(b *[]byte) bool {
	s := *b
	n := len(s)
	switch {
	case n > 3 && string(s[n-3:]) == "eed":
		if mGt0(s[:n-3]) {
			*b = s[:n-1]
		}
		return false
	case n > 2 && string(s[n-2:]) == "ed":
		if hasVowel(s[:n-2]) {
			*b = s[:n-2]
			return true
		}
	case n > 3 && string(s[n-3:]) == "ing":
		if hasVowel(s[:n-3]) {
			*b = s[:n-3]
			return true
		}
	}
	return false
}

func step4(b *[]byte) {
	replaceSuffix(b, step4Rules, mGt1)
}

var step1b2Rules = map[byte][]rule{
	'a': {{"at", "ate", nil}},
	'b': {{"bl", "ble", nil}},
	'i': {{"iz", "ize", nil}},
}

var step2Rules = map[byte][]rule{
	'a': {{"ational", "ate", nil}, {"tional", "tion", nil}},
	'c': {{"enci", "ence", nil}, {"anci", "ance", nil}},
	'e': {{"izer", "ize", nil}},
	'g': {{"logi", "log", nil}},
	'l': {{"bli", "ble", nil}, {"alli", "al", nil}, {"entli", "ent", nil}, {"eli", "e", nil}, {"ousli", "ous", nil}},
	'o': {{"ization", "ize", nil}, {"ation", "ate", nil}, {"ator", "ate", nil}},
	's': {{"alism", "al", nil}, {"iveness", "ive", nil}, {"fulness", "ful", nil}, {"ousness", "ous", nil}},
	't': {{"aliti", "al", nil}, {"iviti", "ive", nil}, {"biliti", "ble", nil}},
}

var step3Rules = map[byte][]rule{
	'a': {{"ical", "ic", nil}},
	's': {{"ness", "", nil}},
	't': {{"icate", "ic", nil}, {"iciti", "ic", nil}},
	'u': {{"ful", "", nil}},
	'v': {{"ative", "", nil}},
	'z': {{"alize", "al", nil}},
}

var step4Rules = map[byte][]rule{
	'a': {{"al", "", nil}},
	'c': {{"ance", "", nil}, {"ence", "", nil}},
	'e': {{"er", "", nil}},
	'i': {{"ic", "", nil}},
	'l': {{"able", "", nil}, {"ible", "", nil}},
	'n': {{"ant", "", nil}, {"ement", "", nil}, {"ment", "", nil}, {"ent", "", nil}},
	'o': {{"ion", "", mGt1SorT}, {"ou", "", nil}},
	's': {{"ism", "", nil}},
	't': {{"ate", "", nil}, {"iti", "", nil}},
	'u': {{"ous", "", nil}},
	'v': {{"ive", "", nil}},
	'z': {{"ize", "", nil}},
}
