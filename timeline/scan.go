package timeline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The scanner finds temporal expressions in one sentence. It works on
// tokens (words, digit runs, punctuation) so that a number becomes a year
// only in a date's company: after a month ("May 2019"), after a word that
// introduces a time ("in 2015", "since 1998", "mid-2018"), or as a decade
// ("the 1990s"). Counts, money, codes and page numbers ("$118 million",
// "MS-13", "1,000", "page 2019") never do.

type tokKind uint8

const (
	tWord  tokKind = iota // letters
	tNum                  // digits only
	tMixed                // digits with letters or separators: "1990s", "3rd", "1,000", "3.5"
	tPunct                // one other character
)

type token struct {
	text       string
	lower      string
	start, end int // byte offsets in the sentence
	kind       tokKind
	space      bool // preceded by white space or the start of the sentence
}

// tokenize appends the tokens of s to toks[:0]. Unlike knowledge.Words
// (runs of letters and digits, the index's words), a word here is letters
// and combining marks only, a number is digits with "," or "." inside and
// letters after ("1,000", "1990s"), every other mark is a token, and each
// token knows whether a space came before it, because dates are read from
// them: "Oct. 3", "mid-2018", "2019-05-03", "3/2019", "$2015".
func tokenize(toks []token, s string) []token {
	toks = toks[:0]
	space := true
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isSpace(r) {
			space = true
			i += size
			continue
		}
		t := token{start: i, end: i + size, kind: tPunct, space: space}
		switch {
		case isLetter(r):
			t.end, t.kind = wordEnd(s, i+size), tWord
		case r >= '0' && r <= '9':
			t.end, t.kind = numberEnd(s, i+1)
		}
		t.text = s[t.start:t.end]
		switch t.kind {
		case tWord:
			t.lower = lowerWord(t.text)
		case tNum, tMixed:
			t.lower = strings.ToLower(t.text)
		default:
			t.lower = t.text
		}
		toks = append(toks, t)
		i, space = t.end, false
	}
	return toks
}

// isSpace reports whether r separates tokens: in ASCII only space, tab and
// line breaks, so "\f" and "\v" are marks.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}
	return unicode.IsSpace(r)
}

// isLetter reports whether r starts a word.
func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIILetter(byte(r))
	}
	return unicode.IsLetter(r)
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// wordEnd returns the end of the word run that goes on at j: letters and
// combining marks.
func wordEnd(s string, j int) int {
	for j < len(s) && (isASCIILetter(s[j]) || s[j] >= utf8.RuneSelf && isWordRune(s[j:])) {
		j += runeLen(s[j:])
	}
	return j
}

// numberEnd returns the end and kind of the number that goes on at j:
// digits, joined through "," or "." to more digits ("1,000", "3.5"), and
// letters glued on after them ("1990s", "3rd").
func numberEnd(s string, j int) (int, tokKind) {
	kind := tNum
	for j < len(s) {
		d := s[j]
		switch {
		case d >= '0' && d <= '9':
			j++
		case (d == ',' || d == '.') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9':
			j += 2
			kind = tMixed
		case isASCIILetter(d):
			for j < len(s) && isASCIILetter(s[j]) {
				j++
			}
			return j, tMixed
		default:
			return j, kind
		}
	}
	return j, kind
}

func runeLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return n
}

func isWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

// lowerWord returns w in lower case when the scanner may need it: w itself
// when it has no capitals, else its entry in vocabulary, else "" (a
// capitalised word the scanner never looks for, lower-cased without
// allocating).
func lowerWord(w string) string {
	upper := false
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' {
			upper = true
			break
		}
	}
	if !upper {
		return w
	}
	if len(w) > maxVocabLen {
		return ""
	}
	var buf [maxVocabLen]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
		if w[i] >= utf8.RuneSelf {
			return ""
		}
	}
	return vocabulary[string(buf[:len(w)])]
}

// mention is one temporal expression found in a sentence.
type mention struct {
	start, end int // byte offsets of the expression in the sentence
	// date is set for an expression that names its own year ("May 2019").
	date  Date
	fixed bool
	// rel resolves an expression that needs the document date ("last year",
	// "on Thursday", "in March"): the days it may mean, written on ref.
	rel func(ref day) span
	// until is the end of a range ("from 2010 to 2012"), when there is one.
	until *Date
	// month and day are set for a date written without its year ("on March
	// 3", "in May"); an earlier year in the sentence gives it one.
	month, day int
	// prep is the preposition that introduced the date ("in", "by"), or "".
	prep string
	// ahead, when set, resolves the expression in a sentence that looks
	// ahead ("will reopen in March", "takes place on Saturday 14
	// September"): the first such day or month on or after ref, where rel
	// gives the latest on or before it.
	ahead func(ref day) span
	// bound marks a date that only bounds or compares ("since 1987", "by
	// 2030", "more than in 1987"): no event happened then.
	bound bool
	// tense is the tense its sentence tells it in.
	tense tense
}

// resolve returns the days m refers to when the document was written on a
// day in ref. ok is false when m needs a document date and there is none,
// or when the span it gives is too wide to date.
func (m mention) resolve(ref *span) (Date, bool) {
	if m.fixed {
		return m.date, true
	}
	if ref == nil {
		return Date{}, false
	}
	rel := m.relative()
	lo, hi := rel(ref.from), rel(ref.to)
	return dateOf(span{lo.from, hi.to})
}

// relative is how m is read against the document date: looking ahead when
// its sentence tells of the present or the future and m can be read either
// way.
func (m mention) relative() func(ref day) span {
	if m.ahead != nil && (m.tense == present || m.tense == future) {
		return m.ahead
	}
	return m.rel
}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var monthAbbrevs = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var weekdays = map[string]int{
	"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
}

// yearCues are the words after which a bare number is read as a year; the
// prepositions among them belong to the expression ("in 2015").
var yearCues = map[string]bool{
	"in": true, "since": true, "by": true, "until": true, "till": true, "during": true, "from": true,
	"before": true, "after": true, "through": true, "throughout": true, "between": true, "circa": true,
}

// directPeriods introduce a date directly: "early 2019", "summer 2018".
var directPeriods = map[string]bool{
	"spring": true, "summer": true, "autumn": true, "fall": true, "winter": true,
	"early": true, "late": true, "mid": true, "year": true,
}

// ofPeriods introduce a date with "of": "the summer of 2018", "the end of 2018".
var ofPeriods = map[string]bool{
	"spring": true, "summer": true, "autumn": true, "fall": true, "winter": true,
	"end": true, "start": true, "beginning": true, "middle": true, "half": true,
}

// countNouns follow a number that counts things, not a year: "in 2000 people".
var countNouns = map[string]bool{
	"people": true, "men": true, "women": true, "children": true, "feet": true, "percent": true,
	"per": true, "hundred": true, "thousand": true, "million": true, "billion": true, "trillion": true,
}

// notPlurals end in s but are not plural nouns, so they may follow a year.
var notPlurals = map[string]bool{
	"was": true, "is": true, "has": true, "as": true, "this": true, "its": true, "his": true,
	"always": true, "perhaps": true, "thus": true, "whereas": true, "plus": true, "across": true,
	"unless": true, "besides": true, "afterwards": true, "does": true, "says": true, "us": true,
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}

// notThisWeek before a weekday make it some other week's, or any week's:
// "the following Tuesday", "every Sunday", "that Saturday".
var notThisWeek = map[string]bool{
	"the": true, "a": true, "every": true, "each": true, "following": true, "preceding": true,
	"previous": true, "that": true, "same": true, "one": true, "first": true,
}

// relativeWords start the expressions relative resolves.
var relativeWords = []string{"today", "tonight", "yesterday", "tomorrow", "earlier", "later", "this", "last", "next"}

// otherWords are the rest of the words the scanner compares tokens with.
var otherWords = []string{"the", "of", "on", "at", "to", "and", "ago", "day", "days", "week", "weeks", "weekend",
	"month", "months", "year", "years", "night", "morning", "afternoon", "evening",
	"than", "versus", "vs", "compared", "comparison", "with"}

// boundPreps introduce a date that bounds a state or a time ("since 1987",
// "by 2030", "before 2015", "after May 2019") rather than dates a happening.
var boundPreps = map[string]bool{"since": true, "by": true, "before": true, "after": true}

// vocabulary maps every word the scanner looks for to itself, so that a
// capitalised token's lower-case form is found without allocating.
// triggers are the words an expression can start with (besides numbers).
var vocabulary, triggers = func() (map[string]string, map[string]bool) {
	vocab, trig := make(map[string]string), make(map[string]bool)
	for _, m := range []map[string]int{months, monthAbbrevs, weekdays, numberWords} {
		for w := range m {
			vocab[w], trig[w] = w, true
		}
	}
	for _, w := range relativeWords {
		vocab[w], trig[w] = w, true
	}
	for _, m := range []map[string]bool{yearCues, directPeriods, ofPeriods, countNouns, notPlurals} {
		for w := range m {
			vocab[w] = w
		}
	}
	for w := range notThisWeek {
		vocab[w] = w
	}
	for _, m := range []map[string]bool{pastForms, presentForms, futureWords, aheadBeforeTo} {
		for w := range m {
			vocab[w] = w
		}
	}
	for _, w := range otherWords {
		vocab[w] = w
	}
	return vocab, trig
}()

// hintWords are the words, other than month and weekday names, without
// which a text holds no expression the scanner knows: "today", "two years
// ago", "last week", "earlier this year", "last night".
var hintWords = []string{
	"today", "tonight", "yesterday", "tomorrow", "ago", "week", "weekend", "month", "year", "night",
	"morning", "afternoon", "evening",
}

// Kinds of hint, in hints.
const (
	hintAnyCase     = 1 // a hint word, in any case
	hintCapitalised = 2 // a month or weekday name, which counts capitalised
)

// hints maps the words hints looks for to their kind; hintLens has bit n
// set in entry c-'a' when some such word of n letters starts with c, so
// that most words are passed over without a map lookup.
var hints, hintLens = func() (map[string]uint8, [26]uint16) {
	m := make(map[string]uint8)
	var lens [26]uint16
	add := func(w string, kind uint8) {
		m[w] |= kind
		lens[w[0]-'a'] |= 1 << len(w)
	}
	for _, w := range hintWords {
		add(w, hintAnyCase)
	}
	for _, names := range []map[string]int{months, monthAbbrevs, weekdays} {
		for w := range names {
			add(w, hintCapitalised)
		}
	}
	return m, lens
}()

// dateHints appends to hits the offsets in s of every digit run, hint word
// and capitalised month or weekday name: the only places an expression the
// scanner knows can be. Most sentences of a novel have none, and are never
// tokenized.
func dateHints(hits []int, s string) []int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			hits = append(hits, i)
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			continue
		}
		l := c | 0x20
		if l < 'a' || l > 'z' {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z' {
			j++
		}
		if n := j - i; n <= 9 && hintLens[l-'a']&(1<<n) != 0 {
			var buf [9]byte
			for k := range n {
				buf[k] = s[i+k] | 0x20
			}
			if kind := hints[string(buf[:n])]; kind&hintAnyCase != 0 || kind&hintCapitalised != 0 && c <= 'Z' {
				hits = append(hits, i)
			}
		}
		i = j
	}
	return hits
}

// maxVocabLen bounds the words looked up in vocabulary; its longest
// ("afterwards", "throughout") have 10 letters.
const maxVocabLen = 16

// scanner finds the expressions in one sentence after another, reusing
// its token buffer.
type scanner struct {
	toks []token
}

// scan returns the temporal expressions in sentence, in order, not overlapping.
func (sc *scanner) scan(sentence string) []mention {
	sc.toks = tokenize(sc.toks, sentence)
	var out []mention
	floor := 0 // first byte a new expression may start at
	year := 0  // the year of the latest explicit date, for "In 2019, on March 3"
	var marks []tense
	for i := 0; i < len(sc.toks); {
		m, next, ok := sc.at(i, floor)
		if !ok {
			i++
			continue
		}
		if marks == nil {
			marks = tenseMarks(sc.toks)
		}
		m.tense = tenseOf(marks, i, next)
		switch {
		case m.fixed && !m.date.Decade:
			year = m.date.Year
			if m.until != nil {
				year = m.until.Year
			}
		case m.month != 0 && year != 0 && (m.day == 0 || validDay(year, m.month, m.day)):
			m.date, m.fixed, m.rel = Date{Year: year, Month: m.month, Day: m.day}, true, nil
		}
		out = append(out, m)
		floor = m.end
		i = next
	}
	return out
}

// at tries every pattern at token i, most specific first. floor is the
// byte offset where the previous expression ended; cue words before a
// match are included only from there on.
func (sc *scanner) at(i, floor int) (mention, int, bool) {
	switch t := sc.toks[i]; t.kind {
	case tWord:
		if !triggers[t.lower] {
			return mention{}, 0, false
		}
	case tPunct:
		return mention{}, 0, false
	}
	if m, next, ok := sc.iso(i, floor); ok {
		return m, next, true
	}
	if m, next, ok := sc.rangeAt(i, floor); ok {
		return m, next, true
	}
	if m, next, ok := sc.decade(i, floor); ok {
		return m, next, true
	}
	if m, next, ok := sc.relative(i, floor); ok {
		return m, next, true
	}
	return sc.weekday(i, floor)
}

func (sc *scanner) tok(i int) token {
	if i < 0 || i >= len(sc.toks) {
		return token{}
	}
	return sc.toks[i]
}

// adjacent reports whether token i follows token i-1 with no space between.
func (sc *scanner) adjacent(i int) bool { return i > 0 && i < len(sc.toks) && !sc.toks[i].space }

// iso matches 2019-03-03.
func (sc *scanner) iso(i, _ int) (mention, int, bool) {
	t := sc.tok(i)
	if t.kind != tNum || len(t.text) != 4 || i+4 >= len(sc.toks) {
		return mention{}, 0, false
	}
	for k := i + 1; k <= i+4; k++ {
		if !sc.adjacent(k) {
			return mention{}, 0, false
		}
	}
	if sc.tok(i+1).text != "-" || sc.tok(i+3).text != "-" {
		return mention{}, 0, false
	}
	if next := sc.tok(i + 5); sc.adjacent(i+5) && (next.kind != tPunct || next.text == "-") {
		return mention{}, 0, false
	}
	d, ok := isoDate(t.text + "-" + sc.tok(i+2).text + "-" + sc.tok(i+4).text)
	if !ok || sc.badBefore(i) {
		return mention{}, 0, false
	}
	return mention{start: t.start, end: sc.tok(i + 4).end, date: d, fixed: true}, i + 5, true
}

// badBefore reports whether the number at token i is glued to something
// that makes it money, a code or part of a larger number: "$2015",
// "MS-2013", "#1999", "3/2019". "mid-2018" is a year.
func (sc *scanner) badBefore(i int) bool {
	if !sc.adjacent(i) {
		return false
	}
	switch p := sc.tok(i - 1); p.text {
	case "(", "[", "“", "\"", "‘", "'":
		return false
	case "-", "–":
		if q := sc.tok(i - 2); sc.adjacent(i-1) && (q.lower == "mid" || q.kind == tNum && len(q.text) == 4) {
			return false // "mid-2018", the end of "2010–2012"
		}
	}
	return true
}

// badAfter reports whether what follows the number at token i makes it a
// count, a measure or a code rather than a year: "2000 people", "2015%",
// "2015-16".
func (sc *scanner) badAfter(i int) bool {
	n := sc.tok(i + 1)
	if sc.adjacent(i+1) && n.kind == tPunct {
		switch n.text {
		case "%", "°", "/", ":", "$":
			return true
		case "-", "–": // "2010–2012" is a range
			next := sc.tok(i + 2)
			return next.kind != tNum || len(next.text) != 4 || !sc.adjacent(i+2)
		}
	}
	if n.kind != tWord || !unicode.IsLower(firstRune(n.text)) {
		return false
	}
	if countNouns[n.lower] {
		return true
	}
	w := n.lower
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") && !notPlurals[w]
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// year reads token i as a year (1000–2199).
func (sc *scanner) year(i int) (int, bool) {
	t := sc.tok(i)
	if t.kind != tNum || len(t.text) != 4 {
		return 0, false
	}
	y, _ := strconv.Atoi(t.text)
	if y < 1000 || y > 2199 || sc.badBefore(i) || sc.badAfter(i) {
		return 0, false
	}
	return y, true
}

// monthAt reads token i as a month name, capitalised as a name is. Short
// forms ("Oct.") count only when allowAbbrev; the dot is consumed.
func (sc *scanner) monthAt(i int, allowAbbrev bool) (month, next int, ok bool) {
	t := sc.tok(i)
	if t.kind != tWord || !unicode.IsUpper(firstRune(t.text)) {
		return 0, 0, false
	}
	if m, ok := months[t.lower]; ok {
		return m, i + 1, true
	}
	if m, ok := monthAbbrevs[t.lower]; ok && allowAbbrev {
		if sc.tok(i+1).text == "." && sc.adjacent(i+1) {
			return m, i + 2, true
		}
		return m, i + 1, true
	}
	return 0, 0, false
}

// dayAt reads token i as a day of the month: "3", "3rd", "21st".
func (sc *scanner) dayAt(i int) (int, bool) {
	t := sc.tok(i)
	s := t.lower
	switch t.kind {
	case tNum:
	case tMixed:
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			if strings.HasSuffix(s, suf) {
				s = strings.TrimSuffix(s, suf)
				break
			}
		}
	default:
		return 0, false
	}
	if len(s) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > 31 || sc.badBefore(i) {
		return 0, false
	}
	if n := sc.tok(i + 1); sc.adjacent(i+1) && (n.text == "%" || n.text == ":" || n.text == "/" || n.text == "-") {
		return 0, false
	}
	return d, true
}

// partial is a date as written, perhaps without its year ("March 3") or
// with only a year or a month, which need a cue word ("in 2015", "in May").
type partial struct {
	year, month, day int
	shortYear        int // 1 + a year written with two digits ("’85"), else 0
	start, end       int // byte offsets
	next             int // the token after it
	needsCue         bool
	weekday          int // 1 + the weekday named before a day and month, else 0
}

// shortYear reads an apostrophe and two digits at token i ("’85").
func (sc *scanner) shortYear(i int) (int, bool) {
	a, n := sc.tok(i), sc.tok(i+1)
	if a.text != "’" && a.text != "'" || n.kind != tNum || len(n.text) != 2 || !sc.adjacent(i+1) || sc.badAfter(i+1) {
		return 0, false
	}
	yy, _ := strconv.Atoi(n.text)
	return yy + 1, true
}

// explicit matches one date as written at token i: "March 3, 2019",
// "3 March 2019", "October 2018", "Oct. 2018", "October of 2018",
// "March 3", "3 March", a month alone, a year alone.
func (sc *scanner) explicit(i int) (partial, bool) {
	t := sc.tok(i)
	if m, j, ok := sc.monthAt(i, true); ok {
		p := partial{month: m, start: t.start, end: sc.tok(j - 1).end, next: j}
		if sc.tok(j).lower == "of" { // "October of 2018"
			if y, ok := sc.year(j + 1); ok {
				p.year, p.end, p.next = y, sc.tok(j+1).end, j+2
				return p, true
			}
		}
		if d, ok := sc.dayAt(j); ok && validDay(2000, m, d) { // 2000 allows 29 February
			p.day, p.end, p.next = d, sc.tok(j).end, j+1
			k := j + 1
			if sc.tok(k).text == "," {
				k++
			}
			if y, ok := sc.year(k); ok && validDay(y, m, d) {
				p.year, p.end, p.next = y, sc.tok(k).end, k+1
			} else if sc.badAfter(j) {
				return partial{}, false // "May 5 people"
			}
			return p, true
		}
		k := j
		if sc.tok(k).text == "," { // "in March, 1883"
			k++
		}
		if y, ok := sc.year(k); ok {
			p.year, p.end, p.next = y, sc.tok(k).end, k+1
			return p, true
		}
		if yy, ok := sc.shortYear(k); ok { // "in January, ’85"
			p.shortYear, p.end, p.next = yy, sc.tok(k+1).end, k+2
			return p, true
		}
		if _, full := months[t.lower]; !full {
			return partial{}, false
		}
		p.needsCue = true
		return p, true
	}
	if d, ok := sc.dayAt(i); ok {
		k := i + 1
		if sc.tok(k).lower == "of" {
			k++
		}
		m, j, ok := sc.monthAt(k, true)
		if !ok || !validDay(2000, m, d) {
			return partial{}, false
		}
		p := partial{month: m, day: d, start: t.start, end: sc.tok(j - 1).end, next: j}
		k = j
		if sc.tok(k).text == "," {
			k++
		}
		if y, ok := sc.year(k); ok && validDay(y, m, d) {
			p.year, p.end, p.next = y, sc.tok(k).end, k+1
		}
		return p, true
	}
	if y, ok := sc.year(i); ok {
		return partial{year: y, start: t.start, end: t.end, next: i + 1, needsCue: true}, true
	}
	return partial{}, false
}

// cue is what introduces a date: a preposition ("in 2015"), a period word
// ("mid-2018", "early 2019", "the summer of 2018"), or both.
type cue struct {
	prep      string // the preposition, lower-case, or ""
	prepStart int    // where the preposition starts
	modStart  int    // where the period words start, else where the date starts
	ok        bool   // a preposition or a period word is there
}

// cueAt returns the cue before the date at token i, looking no further
// back than floor (the end of the previous expression).
func (sc *scanner) cueAt(i, floor int) cue {
	c := cue{modStart: sc.tok(i).start}
	k := i - 1
	switch prev := sc.tok(k).lower; {
	case prev == "-" && sc.adjacent(i) && sc.adjacent(k) && sc.tok(k-1).lower == "mid":
		k -= 2
	case prev == "of" && ofPeriods[sc.tok(k-1).lower]:
		k -= 2
	case directPeriods[prev]:
		k--
	}
	if k < i-1 {
		if sc.tok(k).lower == "the" {
			k--
		}
		if s := sc.tok(k + 1).start; s >= floor {
			c.modStart, c.ok = s, true
		} else {
			return cue{modStart: sc.tok(i).start}
		}
	}
	p := sc.tok(k)
	if k < 0 || !yearCues[p.lower] || p.start < floor {
		return c
	}
	// "one in 1000" gives odds, not a year.
	if q := sc.tok(k - 1); q.kind == tNum || numberWords[q.lower] > 0 && q.lower != "a" && q.lower != "an" {
		return c
	}
	c.prep, c.prepStart, c.ok = p.lower, p.start, true
	return c
}

// rangeAt matches one explicit date, or a range of two: "from 2010 to
// 2012", "between March and May 2019", "2010–2012", "March to May 2019".
// A range is dated by its start; a start without a year takes the end's.
func (sc *scanner) rangeAt(i, floor int) (mention, int, bool) {
	p, ok := sc.explicit(i)
	if !ok {
		return mention{}, 0, false
	}
	c := sc.cueAt(i, floor)
	if m, next, ok := sc.rangeEnd(p, c); ok {
		return m, next, true
	}
	if p.needsCue {
		if !c.ok || c.prep == "between" {
			return mention{}, 0, false
		}
		// "from 2000 to 3000" counts something.
		if conn := sc.tok(p.next).lower; c.prep == "from" && (conn == "to" || conn == "-" || conn == "–") &&
			sc.tok(p.next+1).kind == tNum {
			return mention{}, 0, false
		}
	}
	p.start = c.modStart
	if p.needsCue && c.prep != "" {
		p.start = c.prepStart // "in 2015", "in May"; but "October 2018" stands alone
	}
	if p.year == 0 && p.day != 0 {
		sc.weekdayBefore(&p, i, floor) // "Saturday 14 September"
	}
	m := mentionOf(p)
	m.prep = c.prep
	m.bound = boundPreps[c.prep] || sc.compared(p.start)
	return m, p.next, true
}

// weekdayBefore gives p, a day and month at token i, the weekday named
// right before it ("Saturday 14 September", "Saturday, September 14"),
// which fixes its year.
func (sc *scanner) weekdayBefore(p *partial, i, floor int) {
	j := i - 1
	if sc.tok(j).text == "," {
		j--
	}
	t := sc.tok(j)
	if wd, ok := weekdays[t.lower]; ok && j >= 0 && t.kind == tWord && unicode.IsUpper(firstRune(t.text)) && t.start >= floor {
		p.weekday, p.start = wd+1, t.start
	}
}

// compared reports whether the expression starting at byte start is
// compared with, not dated by: "than in 1987", "compared with 2015",
// "versus 2010".
func (sc *scanner) compared(start int) bool {
	k := 0
	for k < len(sc.toks) && sc.toks[k].start < start {
		k++
	}
	switch prev := sc.tok(k - 1).lower; prev {
	case "than", "versus", "vs":
		return k > 0
	case "with", "to":
		w := sc.tok(k - 2).lower
		return k > 1 && (w == "compared" || w == "comparison")
	}
	return false
}

// rangeEnd extends the date p into a range when a connector and a second
// date with a year follow it.
func (sc *scanner) rangeEnd(p partial, c cue) (mention, int, bool) {
	if p.shortYear != 0 {
		return mention{}, 0, false
	}
	k := p.next
	switch conn := sc.tok(k); conn.lower {
	case "–", "—":
	case "-":
		if !sc.adjacent(k) || !sc.adjacent(k+1) {
			return mention{}, 0, false
		}
	case "to", "until", "till", "through":
		if c.prep != "from" && p.year != 0 {
			return mention{}, 0, false
		}
	case "and":
		if c.prep != "between" {
			return mention{}, 0, false
		}
	default:
		return mention{}, 0, false
	}
	end, ok := sc.explicit(k + 1)
	if !ok || end.year == 0 {
		return mention{}, 0, false
	}
	from := Date{Year: p.year, Month: p.month, Day: p.day}
	if from.Year == 0 {
		from.Year = end.year
		if end.month != 0 && from.Month > end.month {
			from.Year-- // "between November and February 2019"
		}
		if from.Day != 0 && !validDay(from.Year, from.Month, from.Day) {
			return mention{}, 0, false
		}
	}
	until := Date{Year: end.year, Month: end.month, Day: end.day}
	if !from.span().to.Before(until.span().from) {
		return mention{}, 0, false
	}
	start := c.modStart
	if c.prep != "" {
		start = c.prepStart
	}
	return mention{start: start, end: end.end, date: from, fixed: true, until: &until}, end.next, true
}

// mentionOf turns a partial date into a mention; one without a year is
// read as the latest such month or day on or before the document date.
func mentionOf(p partial) mention {
	m := mention{start: p.start, end: p.end}
	if p.year == 0 {
		m.month, m.day = p.month, p.day
	}
	switch {
	case p.year != 0:
		m.date, m.fixed = Date{Year: p.year, Month: p.month, Day: p.day}, true
	case p.shortYear != 0:
		// The latest year with those two digits, not after the document's.
		month, yy := p.month, p.shortYear-1
		m.month = 0
		m.rel = func(ref day) span {
			y := ref.Year() - (ref.Year()%100-yy+100)%100
			return monthSpan(y, month)
		}
	case p.day != 0:
		month, dd, wd := p.month, p.day, p.weekday-1
		m.rel = func(ref day) span { return daySpan(dayNear(ref, month, dd, wd, -1)) }
		m.ahead = func(ref day) span { return daySpan(dayNear(ref, month, dd, wd, 1)) }
	default:
		month := p.month
		m.rel = func(ref day) span {
			y := ref.Year()
			if month > int(ref.Month()) {
				y--
			}
			return monthSpan(y, month)
		}
		m.ahead = func(ref day) span {
			y := ref.Year()
			if month < int(ref.Month()) {
				y++
			}
			return monthSpan(y, month)
		}
	}
	return m
}

// maxWeekdayYears is how far from the document date dayNear looks for a
// year in which a day and month fall on the weekday named with them: a text
// that names the weekday of a date speaks of the year it is in, or the
// next or last one.
const maxWeekdayYears = 1

// dayNear is the day of the given month and day nearest ref in direction
// dir (-1: the latest on or before it, 1: the first on or after it), on
// weekday wd when wd >= 0 and such a day lies within maxWeekdayYears.
func dayNear(ref day, month, dd, wd, dir int) day {
	if wd >= 0 {
		for n := 0; n <= maxWeekdayYears; n++ {
			y := ref.Year() + dir*n
			if d := mkday(y, month, dd); validDay(y, month, dd) && int(d.Weekday()) == wd && !(dir < 0 && d.After(ref)) && !(dir > 0 && d.Before(ref)) {
				return d
			}
		}
	}
	y := ref.Year()
	for !validDay(y, month, dd) || dir < 0 && mkday(y, month, dd).After(ref) || dir > 0 && mkday(y, month, dd).Before(ref) {
		y += dir
	}
	return mkday(y, month, dd)
}

// decade matches "the 1990s", "1990s", "the 1990’s", "the mid-1990s".
func (sc *scanner) decade(i, floor int) (mention, int, bool) {
	t := sc.tok(i)
	var digits string
	next := i + 1
	switch {
	case t.kind == tMixed && len(t.text) == 5 && t.text[4] == 's':
		digits = t.text[:4]
	case t.kind == tNum && len(t.text) == 4 && (sc.tok(i+1).text == "’" || sc.tok(i+1).text == "'") &&
		sc.adjacent(i+1) && sc.tok(i+2).text == "s" && sc.adjacent(i+2):
		digits, next = t.text, i+3
	default:
		return mention{}, 0, false
	}
	y, err := strconv.Atoi(digits)
	if err != nil || y < 1000 || y > 2190 || y%10 != 0 || sc.badBefore(i) {
		return mention{}, 0, false
	}
	start := sc.cueAt(i, floor).modStart
	if p := sc.tok(i - 1); start == t.start && p.lower == "the" && p.start >= floor {
		start = p.start
	}
	return mention{start: start, end: sc.tok(next - 1).end, date: Date{Year: y, Decade: true}, fixed: true}, next, true
}

// weekday matches "on Thursday", "Thursday", "last Friday", "next Monday".
func (sc *scanner) weekday(i, floor int) (mention, int, bool) {
	t := sc.tok(i)
	wd, ok := weekdays[t.lower]
	if !ok || t.kind != tWord || !unicode.IsUpper(firstRune(t.text)) {
		return mention{}, 0, false
	}
	// "Thursday, March 3, 2019": the date that follows says more.
	k := i + 1
	if sc.tok(k).text == "," {
		k++
	}
	if p, ok := sc.explicit(k); ok && (p.day != 0 || p.year != 0) {
		return mention{}, 0, false
	}
	if notThisWeek[sc.tok(i-1).lower] && i > 0 {
		return mention{}, 0, false // "the following Tuesday", "of a Sunday evening"
	}
	start, dir := t.start, 0
	if p := sc.tok(i - 1); p.start >= floor && i > 0 {
		switch p.lower {
		case "on", "this":
			start = p.start
		case "last":
			start, dir = p.start, -1
		case "next":
			start, dir = p.start, 1
		}
	}
	next := func(ref day) span { // the first such weekday after ref
		fwd := (wd - int(ref.Weekday()) + 7) % 7
		if fwd == 0 {
			fwd = 7
		}
		return daySpan(ref.AddDate(0, 0, fwd))
	}
	rel := func(ref day) span {
		back := (int(ref.Weekday()) - wd + 7) % 7 // days since the latest such weekday
		switch {
		case dir < 0 && back == 0:
			back = 7
		case dir > 0:
			return next(ref)
		}
		return daySpan(ref.AddDate(0, 0, -back))
	}
	m := mention{start: start, end: t.end, rel: rel}
	if dir == 0 {
		m.ahead = next // "the council meets on Thursday"
	}
	return m, i + 1, true
}

// relative matches expressions resolved against the document date:
// "today", "yesterday", "last year", "earlier this week", "this month",
// "last May", "two years ago", "last night".
func (sc *scanner) relative(i, floor int) (mention, int, bool) {
	t := sc.tok(i)
	one := func(rel func(ref day) span, next int) (mention, int, bool) {
		return mention{start: t.start, end: sc.tok(next - 1).end, rel: rel}, next, true
	}
	if n, unit, next, ok := sc.ago(i); ok {
		return one(func(ref day) span { return ago(ref, n, unit) }, next)
	}
	if t.kind != tWord {
		return mention{}, 0, false
	}
	if rel, ok := dayWords[t.lower]; ok {
		return one(rel, i+1)
	}
	// [earlier|later] this/last/next <unit|month>
	k, part := i, ""
	if t.lower == "earlier" || t.lower == "later" {
		part, k = t.lower, i+1
	}
	which := sc.tok(k).lower
	shift, ok := shifts[which]
	if !ok || part != "" && which != "this" {
		return mention{}, 0, false
	}
	if prev := sc.tok(i - 1).lower; i > 0 && (prev == "the" || prev == "at" && which == "last") {
		return mention{}, 0, false // "the last year of his life", "at last month after month"
	}
	unit := sc.tok(k + 1)
	if m, ok := months[unit.lower]; ok && unicode.IsUpper(firstRune(unit.text)) && part == "" {
		return one(func(ref day) span { return nthMonth(ref, m, shift) }, k+2)
	}
	rel := unitSpan(unit.lower, which, shift)
	if rel == nil {
		return mention{}, 0, false
	}
	if part != "" {
		rel = partOf(part, rel)
	}
	return one(rel, k+2)
}

// dayWords name a day near the document date.
var dayWords = map[string]func(ref day) span{
	"today":     daySpan,
	"tonight":   daySpan,
	"yesterday": func(ref day) span { return daySpan(ref.AddDate(0, 0, -1)) },
	"tomorrow":  func(ref day) span { return daySpan(ref.AddDate(0, 0, 1)) },
}

// shifts are the words before a unit ("last year") and the units they move.
var shifts = map[string]int{"this": 0, "last": -1, "next": 1}

// unitSpan resolves "this", "last" or "next" (which, moving shift units)
// before a unit of time, or is nil for a unit it does not take: only
// "last night", only "this morning".
func unitSpan(unit, which string, shift int) func(ref day) span {
	switch unit {
	case "year":
		return func(ref day) span { return yearSpan(ref.Year() + shift) }
	case "month":
		return func(ref day) span { return monthSpan(ref.Year(), int(ref.Month())+shift) }
	case "week":
		return func(ref day) span { return weekSpan(ref.AddDate(0, 0, 7*shift)) }
	case "weekend":
		return func(ref day) span {
			w := weekSpan(ref.AddDate(0, 0, 7*shift))
			return span{w.to.AddDate(0, 0, -1), w.to}
		}
	case "night":
		if which == "last" {
			return func(ref day) span { return daySpan(ref.AddDate(0, 0, -1)) }
		}
	case "morning", "afternoon", "evening":
		if which == "this" {
			return daySpan
		}
	}
	return nil
}

// partOf narrows rel to the part before the document date ("earlier this
// year" ends on it) or after it ("later this year" starts on it).
func partOf(part string, rel func(ref day) span) func(ref day) span {
	return func(ref day) span {
		s := rel(ref)
		if part == "earlier" && ref.Before(s.to) && !ref.Before(s.from) {
			s.to = ref
		}
		if part == "later" && ref.After(s.from) && !ref.After(s.to) {
			s.from = ref
		}
		return s
	}
}

// ago matches "two years ago", "3 days ago", "a month ago".
func (sc *scanner) ago(i int) (n int, unit string, next int, ok bool) {
	t := sc.tok(i)
	switch t.kind {
	case tWord:
		if sc.adjacent(i) && sc.tok(i-1).text == "-" {
			return 0, "", 0, false // "five-and-twenty years ago" is not twenty
		}
		n = numberWords[t.lower]
	case tNum:
		if len(t.text) <= 3 && !sc.badBefore(i) {
			n, _ = strconv.Atoi(t.text)
		}
	}
	u := strings.TrimSuffix(sc.tok(i+1).lower, "s")
	if n == 0 || sc.tok(i+2).lower != "ago" {
		return 0, "", 0, false
	}
	switch u {
	case "day", "week", "month", "year":
		return n, u, i + 3, true
	}
	return 0, "", 0, false
}

func ago(ref day, n int, unit string) span {
	switch unit {
	case "day":
		return daySpan(ref.AddDate(0, 0, -n))
	case "week":
		return weekSpan(ref.AddDate(0, 0, -7*n))
	case "month":
		return monthSpan(ref.Year(), int(ref.Month())-n)
	}
	return yearSpan(ref.Year() - n)
}

// weekSpan is the Monday-to-Sunday week holding d.
func weekSpan(d day) span {
	back := (int(d.Weekday()) + 6) % 7
	mon := d.AddDate(0, 0, -back)
	return span{mon, mon.AddDate(0, 0, 6)}
}

// nthMonth is "this May" (shift 0), "last May" (-1: the latest May before
// the document's month) or "next May" (1: the first one after it).
func nthMonth(ref day, month, shift int) span {
	y, m := ref.Year(), int(ref.Month())
	switch {
	case shift < 0 && month >= m:
		y--
	case shift > 0 && month <= m:
		y++
	}
	return monthSpan(y, month)
}
