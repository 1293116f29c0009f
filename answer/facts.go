package answer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// A claim's facts are what the support check holds strictly: each must
// stand in the quotes the claim cites, whatever the rest of its wording.
// They are read from a text's words (readWords) with their forms
// normalised, so "$118 million" meets "118 million dollars", "Oct." meets
// "October", "12%" meets "12 per cent" and "Ramos's" meets "Ramos".

// factKind is the kind of a fact.
type factKind uint8

const (
	factNumber  factKind = iota // a value: 118000000, 2018, 12
	factMonth                   // a month: 10
	factWeekday                 // a day of the week: 4
	factName                    // a capitalised word, by its term: ramo
	factIdent                   // a word of letters and digits: covid-19, h1n1
	factAmount                  // a word giving an amount or a date: half, decade, spring
)

// fact is one fact of a text.
type fact struct {
	kind factKind
	key  string // the normalised value
	text string // as written, for a repair request
	// unit qualifies a number: "%" for a share, a currency sign for
	// money, "th" for an ordinal, "" for a plain number.
	unit string
}

// meets reports whether a quote's fact q states the claim's fact f: the
// same kind and value, and for a number the same unit when f names one
// (a plain number in the quote may back money: "118 million in cash"),
// and no ordinal for a plain number ("three" is not "third").
func (f fact) meets(q fact) bool {
	if f.kind != q.kind || f.key != q.key {
		return false
	}
	if f.kind != factNumber {
		return true
	}
	if f.unit == "" {
		return q.unit != "th" // "three" is not "third"
	}
	return f.unit == q.unit || q.unit == "" && f.unit != "%" && f.unit != "th"
}

// smallNumbers are the number words below a hundred that make up others
// ("one" is read with them: a claim's "one", even "one of them", is held
// to its quotes as any number is).
var smallNumbers = map[string]float64{
	"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// ordinalWords are ordinals that count ("third"); "first", "second" and
// "last" are left out, being as often order in a telling as a rank.
var ordinalWords = map[string]float64{
	"third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
	"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fifteenth": 15, "twentieth": 20,
	"hundredth": 100, "thousandth": 1000,
}

// multipliers scale the number before them: "118 million", "two dozen".
var multipliers = map[string]float64{
	"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12,
}

// currencyWords after a number make it money: "118 million dollars".
var currencyWords = map[string]string{
	"dollar": "$", "dollars": "$", "usd": "$", "pound": "£", "pounds": "£", "gbp": "£",
	"euro": "€", "euros": "€", "eur": "€", "yen": "¥", "jpy": "¥", "rupee": "₹", "rupees": "₹", "inr": "₹",
	"peso": "peso", "pesos": "peso", "mxn": "peso", "yuan": "yuan", "renminbi": "yuan", "cny": "yuan",
	"franc": "franc", "francs": "franc", "chf": "franc", "rouble": "rouble", "roubles": "rouble",
	"ruble": "rouble", "rubles": "rouble", "rub": "rouble", "lira": "lira", "lire": "lira", "liras": "lira",
	"real": "real", "reais": "real", "brl": "real", "rand": "rand", "dinar": "dinar", "dinars": "dinar",
	"dirham": "dirham", "dirhams": "dirham", "shekel": "shekel", "shekels": "shekel", "krona": "krona",
	"kronor": "krona", "krone": "krona", "kroner": "krona", "zloty": "zloty", "baht": "baht", "ringgit": "ringgit",
	"naira": "naira", "cad": "C$", "aud": "A$", "nzd": "NZ$", "hkd": "HK$", "bitcoin": "bitcoin",
	"bitcoins": "bitcoin", "btc": "bitcoin",
}

// quantityWords state an amount without a number ("half the money", "a
// decade") or a date without a month ("the spring of 2018"): each must
// stand in the quotes as itself, or in the question ("her half of the
// plum"), unless a hyphen joins it to a word ("double-stranded").
var quantityWords = map[string]bool{
	"half": true, "halves": true, "halved": true, "double": true, "doubled": true, "twice": true,
	"triple": true, "tripled": true, "thrice": true, "pair": true, "decade": true,
	"decades": true, "quarter": true, "quarters": true, "century": true, "centuries": true,
	"dozens": true, "hundreds": true, "thousands": true, "millions": true, "billions": true,
	"quadruple": true, "quadrupled": true, "twofold": true, "threefold": true, "fourfold": true,
	"fivefold": true, "tenfold": true, "hundredfold": true,
	// and times of the year a date may be given by
	"spring": true, "summer": true, "autumn": true, "winter": true, "christmas": true, "easter": true,
}

// suffixes scale digits written with them: "$5m", "3bn", "20k".
var suffixes = map[string]float64{"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}

// months and weekdays by their names and usual abbreviations.
var (
	months = map[string]int{
		"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
		"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
		"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
		"december": 12, "dec": 12,
	}
	weekdays = map[string]int{
		"monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
		"thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
		"sunday": 7, "sun": 7,
	}
	// ambiguousDates are month names that are also common words ("May
	// I", "March on"), shortDates abbreviations that are ("the Sun").
	ambiguousDates = map[string]bool{"may": true, "march": true}
	shortDates     = map[string]bool{"mar": true, "sat": true, "sun": true, "wed": true}
)

// discourseWords open sentences without naming anything; capitalised at
// a sentence start they are not taken for names.
var discourseWords = map[string]bool{
	"yes": true, "later": true, "then": true, "finally": true, "eventually": true, "afterwards": true,
	"afterward": true, "meanwhile": true, "however": true, "instead": true, "also": true, "soon": true,
	"still": true, "overall": true, "moreover": true, "furthermore": true, "nevertheless": true,
	"according": true, "first": true, "second": true, "next": true, "last": true, "lastly": true,
	"today": true, "yesterday": true, "once": true, "together": true, "sadly": true,
	"unfortunately": true, "fortunately": true, "basically": true, "essentially": true, "specifically": true,
	"notably": true, "similarly": true, "likewise": true, "additionally": true, "thus": true, "therefore": true,
	"hence": true, "indeed": true, "in": true, "both": true, "many": true, "several": true, "one": true,
	"besides": true, "apart": true, "although": true, "though": true, "despite": true, "unlike": true,
	"whereas": true, "whilst": true, "unless": true, "until": true, "since": true, "rather": true,
	"perhaps": true, "otherwise": true, "nonetheless": true, "consequently": true, "accordingly": true,
	"initially": true, "originally": true, "previously": true, "recently": true, "currently": true,
	"ultimately": true, "subsequently": true, "reportedly": true, "allegedly": true, "apparently": true,
	"clearly": true, "importantly": true, "separately": true, "earlier": true, "including": true,
	"following": true, "regarding": true,
}

// readFacts returns the facts of text, read from its words ws. initial
// reports whether word i opens a sentence (or a quotation), where a
// capital names nothing by itself (callers pass sentenceOpens); such a
// word is left to the caller.
func readFacts(text string, ws []word, initial func(i int) bool) []fact {
	var out []fact
	seen := make(map[fact]bool)
	add := func(f fact) {
		k := fact{kind: f.kind, key: f.key, unit: f.unit}
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if f, next, ok := readNumber(text, ws, i); ok {
			add(f)
			i = next - 1
			continue
		}
		if f, ok := readDate(text, ws, i, initial(i)); ok {
			add(f)
			continue
		}
		switch {
		case quantityWords[w.lower] && !hyphenated(text, w), ofPhrase(ws, i):
			add(fact{kind: factAmount, key: w.lower, text: text[w.start:w.end]})
		case isIdent(text, w):
			add(fact{kind: factIdent, key: identKey(text, ws, i), text: identText(text, ws, i)})
		case w.upper && !initial(i) && isNameWord(w), !w.upper && innerCapital(text[w.start:w.end]):
			add(fact{kind: factName, key: supportTerm(w.lower), text: text[w.start:w.end]})
		case w.upper && !initial(i) && len(w.lower) >= 3 && w.lower != "the" && supportTerm(w.lower) == "" && titleWord(text[w.start:w.end]):
			// A name that is also a function word: "Will", "Don" (not
			// "WHO", an acronym, nor "The" of a title), by the word, as
			// a function word has no term.
			add(fact{kind: factName, key: w.lower, text: text[w.start:w.end]})
		}
	}
	return out
}

// ofPhrase reports whether word i gives an amount or a date only in a
// phrase with "of": "a couple of", "a score of", "the fall of 2019" (not
// "the old couple", "the score", "a fall").
func ofPhrase(ws []word, i int) bool {
	w := ws[i].lower
	if i == 0 || i+1 >= len(ws) || ws[i+1].lower != "of" {
		return false
	}
	switch w {
	case "couple", "score":
		return ws[i-1].lower == "a"
	case "fall":
		return i+2 < len(ws) && ws[i+2].digits
	}
	return false
}

// titleWord reports whether raw is capitalised and otherwise lower case.
func titleWord(raw string) bool {
	_, size := utf8.DecodeRuneInString(raw)
	return strings.ToLower(raw[size:]) == raw[size:]
}

// hyphenated reports whether w is joined to a word by a hyphen.
func hyphenated(text string, w word) bool {
	return w.start > 0 && text[w.start-1] == '-' || w.end < len(text) && text[w.end] == '-'
}

// innerCapital reports whether a word written in lower case has a
// capital inside: "iCloud", "eBay".
func innerCapital(raw string) bool {
	return strings.IndexFunc(raw, unicode.IsUpper) > 0
}

// isNameWord reports whether a capitalised word may be a name: not "I",
// not a function word ("The", "He" after a quote opens).
func isNameWord(w word) bool {
	return w.lower != "i" && !knowledge.IsStopWord(w.lower) && supportTerm(w.lower) != ""
}

// isIdent reports whether w mixes letters and digits ("H1N1", "19th" is a
// number) or is joined to one by a hyphen ("COVID-19", "SARS-CoV-2").
func isIdent(text string, w word) bool {
	hasDigit, hasLetter := false, false
	for _, r := range w.lower {
		switch {
		case unicode.IsDigit(r):
			hasDigit = true
		case unicode.IsLetter(r):
			hasLetter = true
		}
	}
	if hasDigit && hasLetter && !w.digits {
		return true
	}
	return hyphenJoined(text, w.start, w.end)
}

// hyphenJoined reports whether the word at text[start:end] is joined by a
// hyphen to a word that mixes in digits, or is digits joined to letters:
// then it is part of an identifier.
func hyphenJoined(text string, start, end int) bool {
	before := start > 1 && text[start-1] == '-' && isAlnumByte(text[start-2])
	after := end+1 < len(text) && text[end] == '-' && isAlnumByte(text[end+1])
	if !before && !after {
		return false
	}
	tok := identSpan(text, start, end)
	hasDigit, hasLetter := false, false
	for _, r := range tok {
		hasDigit = hasDigit || unicode.IsDigit(r)
		hasLetter = hasLetter || unicode.IsLetter(r)
	}
	return hasDigit && hasLetter && !countedUnit(tok)
}

// countedUnit reports whether a hyphenated token is a number and the
// words it counts, in lower case: "9-year", "19-year-old", "3-fold".
func countedUnit(tok string) bool {
	parts := strings.Split(tok, "-")
	if len(parts) < 2 || parts[0] == "" || parts[0][0] < '0' || parts[0][0] > '9' {
		return false
	}
	if _, _, ok := digitsValue(parts[0]); !ok {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || strings.IndexFunc(p, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			return false
		}
	}
	return true
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// identSpan widens text[start:end] over hyphen-joined letters and digits.
func identSpan(text string, start, end int) string {
	for start > 1 && text[start-1] == '-' && isAlnumByte(text[start-2]) {
		start -= 2
		for start > 0 && isAlnumByte(text[start-1]) {
			start--
		}
	}
	for end+1 < len(text) && text[end] == '-' && isAlnumByte(text[end+1]) {
		end += 2
		for end < len(text) && isAlnumByte(text[end]) {
			end++
		}
	}
	return text[start:end]
}

func identText(text string, ws []word, i int) string { return identSpan(text, ws[i].start, ws[i].end) }

func identKey(text string, ws []word, i int) string { return strings.ToLower(identText(text, ws, i)) }

// readNumber reads the number that starts at word i, if one does, and
// returns it with the index of the word after it.
func readNumber(text string, ws []word, i int) (fact, int, bool) {
	w := ws[i]
	var f fact
	next := i + 1
	switch {
	case w.digits:
		v, unit, ok := digitsValue(w.lower)
		if hyphenJoined(text, w.start, w.end) || isMarker(text, w) {
			return fact{}, 0, false
		}
		if !ok {
			// Not a number as English writes one ("1990s", "10am",
			// "11,8", "250.000.000", "1e9"): it must stand in the
			// quotes as written.
			return fact{kind: factIdent, key: w.lower, text: text[w.start:w.end]}, next, true
		}
		f = fact{kind: factNumber, unit: unit}
		next = scale(ws, next, &v)
		f.key = numberKey(v)
	case smallNumbers[w.lower] > 0 || w.lower == "zero" || w.lower == "one":
		var v float64
		v, next = wordNumber(text, ws, i)
		f = fact{kind: factNumber, key: numberKey(v)}
	case ordinalWords[w.lower] > 0:
		f = fact{kind: factNumber, key: numberKey(ordinalWords[w.lower]), unit: "th"}
	case w.lower == "a" && i+1 < len(ws) && multipliers[ws[i+1].lower] > 0, multipliers[w.lower] > 0:
		// "a hundred and eighteen", and "hundred" alone ("the
		// Hundred-Fighter").
		var v float64
		v, next = wordNumber(text, ws, i)
		f = fact{kind: factNumber, key: numberKey(v)}
	default:
		return fact{}, 0, false
	}
	if f.unit == "" {
		f.unit = unitOf(text, ws, w, next)
	}
	start := w.start
	if f.unit != "" && f.unit != "%" && f.unit != "th" && strings.HasSuffix(text[:start], f.unit) {
		start -= len(f.unit)
	}
	f.text = text[start:ws[next-1].end]
	return f, next, true
}

// wordNumber reads the number written in words from word i, a number
// word below a hundred, a multiplier or "a" before one: "twenty-five",
// "one hundred eighteen million", "a hundred and five", "two dozen". It
// returns the value and the index of the word after it. Words apart by
// more than spaces or a hyphen (a comma: "three, one") are two numbers.
func wordNumber(text string, ws []word, i int) (float64, int) {
	var next int
	var total, group float64
	afterScale := false
	switch m := multipliers[ws[i].lower]; {
	case ws[i].lower == "a":
		next, group = i+1, 1
	case m == 100 || m == 12:
		next, group, afterScale = i+1, m, true
	case m > 0:
		next, total, afterScale = i+1, m, true
	default:
		next = tensUnits(text, ws, i)
		group = tensValue(ws, i, next)
	}
	for next < len(ws) && joinedWords(text, ws[next-1], ws[next]) {
		l := ws[next].lower
		switch m := multipliers[l]; {
		case m == 100 || m == 12:
			group *= m
		case m > 0:
			total += group * m
			group = 0
		case afterScale && l == "and" && next+1 < len(ws) && wordValue(ws[next+1].lower) > 0:
			next++
			continue
		case afterScale && wordValue(l) > 0:
			end := tensUnits(text, ws, next)
			group += tensValue(ws, next, end)
			next, afterScale = end, false
			continue
		default:
			return total + group, next
		}
		next++
		afterScale = true
	}
	return total + group, next
}

// joinedWords reports whether nothing but spaces or a hyphen stands
// between two words: "one hundred", "one-hundred-and-eighteen".
func joinedWords(text string, a, b word) bool {
	gap := strings.TrimSpace(text[a.end:b.start])
	return gap == "" || gap == "-"
}

// tensUnits returns the index after the number word at i and, when it is
// a multiple of ten from twenty, the unit joined to it ("twenty five",
// "twenty-five").
func tensUnits(text string, ws []word, i int) int {
	v := wordValue(ws[i].lower)
	if v >= 20 && int(v)%10 == 0 && i+1 < len(ws) {
		u := wordValue(ws[i+1].lower)
		gap := strings.TrimSpace(text[ws[i].end:ws[i+1].start])
		if u >= 1 && u <= 9 && (gap == "" || gap == "-") {
			return i + 2
		}
	}
	return i + 1
}

// tensValue is the value of the number words ws[i:end] (see tensUnits).
func tensValue(ws []word, i, end int) float64 {
	v := 0.0
	for _, w := range ws[i:end] {
		v += wordValue(w.lower)
	}
	return v
}

// wordValue is the value of a number word below a hundred, or 0.
func wordValue(w string) float64 {
	if w == "one" {
		return 1
	}
	return smallNumbers[w]
}

// scale applies the multipliers from word j on ("million", "hundred
// thousand") to *v and returns the index after them.
func scale(ws []word, j int, v *float64) int {
	for j < len(ws) {
		m, ok := multipliers[ws[j].lower]
		if !ok {
			break
		}
		*v *= m
		j++
	}
	return j
}

// unitOf reads the unit of the number that starts at word w and ends
// before word next: a currency sign before it or a currency word after
// it, "%" or "per cent" after it.
func unitOf(text string, ws []word, w word, next int) string {
	if c := currencyAt(text, w.start); c != "" {
		return c
	}
	end := ws[next-1].end
	if strings.HasPrefix(strings.TrimLeft(text[end:], " "), "%") {
		return "%"
	}
	if next < len(ws) {
		n := ws[next].lower
		if c, ok := currencyWords[n]; ok {
			return c
		}
		if n == "percent" || n == "pct" || n == "per" && next+1 < len(ws) && ws[next+1].lower == "cent" {
			return "%"
		}
	}
	return ""
}

// digitsValue reads a digit word: "1,000", "3.5", "19th", "5m".
func digitsValue(s string) (float64, string, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',' || s[i] == '.') {
		i++
	}
	if !plainDigits(s[:i]) {
		return 0, "", false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s[:i], ",", ""), 64)
	if err != nil {
		return 0, "", false
	}
	switch rest := s[i:]; {
	case rest == "":
		return v, "", true
	case rest == "st" || rest == "nd" || rest == "rd" || rest == "th":
		return v, "th", true
	case suffixes[rest] > 0:
		return v * suffixes[rest], "", true
	}
	return 0, "", false // "3d", "4x4": an identifier
}

// plainDigits reports whether n, digits with commas and dots, is a number
// as English writes one: commas between groups of three ("1,000", not
// "11,8"), one decimal point, and not three decimals alone ("7.000" may
// be seven or seven thousand).
func plainDigits(n string) bool {
	whole, frac, dot := strings.Cut(n, ".")
	if strings.Contains(frac, ".") || strings.Contains(frac, ",") || dot && frac == "" {
		return false
	}
	if dot && len(frac) == 3 && !strings.Contains(whole, ",") {
		return false
	}
	groups := strings.Split(whole, ",")
	if len(groups[0]) == 0 || len(groups) > 1 && len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// isMarker reports whether a digit word stands inside square brackets
// that hold only numbers: a citation marker or a reference mark ("[41]",
// "[3, 5]"), not a number stated ("[99 years]").
func isMarker(text string, w word) bool {
	lo := max(0, w.start-maxRefMark)
	open := strings.LastIndexByte(text[lo:w.start], '[')
	if open < 0 {
		return false
	}
	open += lo
	end := strings.IndexByte(text[w.end:min(len(text), w.end+maxRefMark)], ']')
	return end >= 0 && refMarkRe.MatchString(text[open:w.end+end+1])
}

// maxRefMark bounds how far from a number its reference mark's brackets
// are looked for: a mark is short, and a hostile text may hold a long run
// of numbers in one pair of brackets.
const maxRefMark = 48

// refMarkRe matches brackets that hold only numbers.
var refMarkRe = regexp.MustCompile(`^\[[\d\s,;.–-]*\]$`)

func numberKey(v float64) string { return strconv.FormatFloat(v, 'g', 12, 64) }

// readDate reads a month or a day of the week at word i, capitalised, or
// in lower case its whole name when that is no common word ("june", not
// "may"). The names that are also common words count at a sentence start
// (initial) only beside a number ("May I", "May 2019"), and "Sat", "Sun"
// and "Wed" only beside a number or with a full stop.
func readDate(text string, ws []word, i int, initial bool) (fact, bool) {
	w := ws[i]
	m, isMonth := months[w.lower]
	d, isDay := weekdays[w.lower]
	if !isMonth && !isDay {
		return fact{}, false
	}
	beside := i > 0 && ws[i-1].digits || i+1 < len(ws) && ws[i+1].digits
	if !w.upper && !(isMonth && beside) && (!slices.Contains(monthNames, w.lower) && !slices.Contains(dayNames, w.lower) || ambiguousDates[w.lower]) {
		return fact{}, false
	}
	dotted := w.end < len(text) && text[w.end] == '.'
	switch {
	case shortDates[w.lower] && !beside && !dotted:
		return fact{}, false
	case ambiguousDates[w.lower] && initial && !beside:
		return fact{}, false
	}
	if isMonth {
		return fact{kind: factMonth, key: strconv.Itoa(m), text: text[w.start:w.end]}, true
	}
	return fact{kind: factWeekday, key: strconv.Itoa(d), text: text[w.start:w.end]}, true
}

// canonical gives the words that name the same fact one form, so that
// content words meet as facts do: "Oct" is "october", "nine" is "9".
func canonical(w string) string {
	if m, ok := months[w]; ok && !ambiguousDates[w] && !shortDates[w] {
		return monthNames[m-1]
	}
	if d, ok := weekdays[w]; ok && !shortDates[w] {
		return dayNames[d-1]
	}
	if n, ok := smallNumbers[w]; ok {
		return numberKey(n)
	}
	return w
}

var (
	monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	dayNames   = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

// unitWords belong to the numbers they follow ("118 million dollars"),
// which are compared as facts; as content words they would count twice.
var unitWords = map[string]bool{
	"hundred": true, "thousand": true, "million": true, "millions": true, "billion": true, "billions": true,
	"trillion": true, "dozen": true, "dollar": true, "dollars": true, "pound": true, "pounds": true,
	"euro": true, "euros": true, "percent": true, "cent": true, "usd": true,
}

// contracted are the auxiliaries whose "n't" the reader splits off
// ("wasn" + "t"), function words like the auxiliaries themselves, and
// "yes", which answers but states nothing.
var contracted = map[string]bool{
	"yes": true, "don": true, "didn": true, "doesn": true, "isn": true, "aren": true, "wasn": true, "weren": true, "hasn": true, "haven": true, "hadn": true,
	"couldn": true, "wouldn": true, "shouldn": true, "mustn": true, "won": true, "ain": true, "needn": true,
}

// supportTerm is the term a word counts as in the support check: the
// index's Porter stem of its base form ("gave" → "give"), or "" for a stop
// word. w must be lower case.
func supportTerm(w string) string {
	w = canonical(w)
	if knowledge.IsStopWord(w) || unitWords[w] || negators[w] || contracted[w] {
		return ""
	}
	if b, ok := knowledge.BaseForm(w); ok {
		if knowledge.IsStopWord(b) {
			return ""
		}
		w = b
	}
	if len(w) < 3 || len(w) > 64 {
		return w
	}
	if ts := knowledge.Terms(w); len(ts) == 1 {
		return ts[0]
	}
	return w
}

// opensQuotation reports whether the text just before offset i opens a
// quotation or a clause after a colon: a capital there opens a sentence.
func opensQuotation(text string, i int) bool {
	t := strings.TrimRight(text[:i], " ")
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune("\"“‘'(:—–-", r)
}
