package answer

import (
	"slices"
	"strings"
)

// answerType is the kind of expression a question asks for.
type answerType uint8

const (
	typeAny      answerType = iota // no particular kind ("what did she do?")
	typeTime                       // when, what year, what date
	typeDuration                   // how long
	typeNumber                     // how many, how much, what percentage
	typePerson                     // who, whose, which company
	typePlace                      // where, which country
	typeReason                     // why
	typeManner                     // how did, how does
)

var typeNames = [...]string{"any", "time", "duration", "number", "person", "place", "reason", "manner"}

func (t answerType) String() string { return typeNames[t] }

// exact reports whether an expression of kind t is precise enough that a
// sentence holding one near the question's words likely answers it.
func (t answerType) exact() bool { return t == typeTime || t == typeDuration || t == typeNumber }

// question is what the extractive answerer reads from a question besides
// its words.
type question struct {
	want answerType
	// counted holds the terms of what a "how many" question counts
	// ("how many charges": charg): the number sought stands before them.
	counted map[string]bool
	// share is set when the question asks for a percentage or a rate.
	share bool
}

// timeNouns name a unit or point of time: after "what" or "which" they
// ask for a time ("in what year"), and counted they make a duration.
var timeNouns = map[string]bool{
	"second": true, "seconds": true, "minute": true, "minutes": true, "hour": true, "hours": true,
	"day": true, "days": true, "night": true, "nights": true, "week": true, "weeks": true,
	"fortnight": true, "month": true, "months": true, "year": true, "years": true,
	"decade": true, "decades": true, "century": true, "centuries": true,
}

// numberNouns after "what" ask for a number: "what percentage".
var numberNouns = map[string]bool{
	"percentage": true, "percent": true, "proportion": true, "number": true, "amount": true,
	"fraction": true, "rate": true, "ratio": true, "price": true, "cost": true, "sum": true,
	"quantity": true, "dose": true, "length": true, "distance": true,
}

// shareNouns ask for a share: "what percentage", "what proportion".
var shareNouns = map[string]bool{
	"percentage": true, "percent": true, "proportion": true, "fraction": true, "rate": true, "ratio": true,
}

// placeNouns after "what" or "which" ask for a place: "which country".
var placeNouns = map[string]bool{
	"place": true, "country": true, "countries": true, "city": true, "cities": true, "town": true,
	"village": true, "state": true, "region": true, "province": true, "county": true,
	"continent": true, "location": true, "island": true, "street": true, "district": true,
}

// agentNouns after "which" ask for a named agent: "which company".
var agentNouns = map[string]bool{
	"company": true, "companies": true, "organisation": true, "organization": true, "agency": true,
	"person": true, "firm": true, "group": true, "gang": true, "cartel": true, "government": true,
	"governments": true, "team": true, "author": true, "authors": true, "institution": true,
	"university": true, "newspaper": true, "police": true,
}

// readQuestion finds the kind of answer a question wants from its words:
// its first question word and the words after it.
func readQuestion(ws []word) question {
	wh := slices.IndexFunc(ws, func(w word) bool {
		switch w.lower {
		case "when", "where", "who", "whom", "whose", "why", "how", "what", "which":
			return true
		}
		return false
	})
	if wh < 0 {
		return question{}
	}
	switch ws[wh].lower {
	case "when":
		return question{want: typeTime}
	case "where":
		return question{want: typePlace}
	case "who", "whom", "whose":
		return question{want: typePerson}
	case "why":
		return question{want: typeReason}
	case "how":
		return readHow(ws[wh+1:])
	}
	if wh+1 < len(ws) {
		return readWhat(ws[wh+1].lower) // "what" or "which"
	}
	return question{}
}

// readHow reads the words after "how": "how long", "how many charges",
// "how old", "how come", or a manner ("how did").
func readHow(ws []word) question {
	next := ""
	if len(ws) > 0 {
		next = ws[0].lower
	}
	switch next {
	case "long":
		return question{want: typeDuration}
	case "many", "much":
		// The counted noun follows, perhaps after an adjective:
		// "how many confirmed cases".
		q := question{want: typeNumber}
		for _, w := range ws[1:min(len(ws), 3)] {
			if w.term != "" {
				if q.counted == nil {
					q.counted = make(map[string]bool)
				}
				q.counted[w.term] = true
			}
		}
		return q
	case "old", "far", "often", "big", "large", "tall", "high", "deep", "wide", "heavy":
		return question{want: typeNumber}
	case "come":
		return question{want: typeReason}
	}
	return question{want: typeManner}
}

// readWhat reads the noun after "what" or "which": "what year", "what
// percentage", "which country", "which company", "what caused".
func readWhat(n string) question {
	switch {
	case timeNouns[n], n == "date", n == "time":
		return question{want: typeTime}
	case numberNouns[n]:
		return question{want: typeNumber, share: shareNouns[n]}
	case placeNouns[n]:
		return question{want: typePlace}
	case agentNouns[n]:
		return question{want: typePerson}
	case n == "caused":
		return question{want: typeReason}
	}
	return question{}
}

// numberWords are numbers written out.
var numberWords = map[string]bool{
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true,
	"nine": true, "ten": true, "eleven": true, "twelve": true, "thirteen": true, "fourteen": true,
	"fifteen": true, "sixteen": true, "seventeen": true, "eighteen": true, "nineteen": true, "twenty": true,
	"thirty": true, "forty": true, "fifty": true, "sixty": true, "seventy": true, "eighty": true,
	"ninety": true, "hundred": true, "hundreds": true, "thousand": true, "thousands": true,
	"million": true, "millions": true, "billion": true, "billions": true, "dozen": true, "dozens": true,
	"half": true, "twice": true, "thrice": true, "percent": true,
}

// counters stand before a unit to make a quantity: "a year", "many days".
var counters = map[string]bool{
	"a": true, "an": true, "one": true, "many": true, "several": true, "few": true,
	"whole": true, "all": true, "entire": true,
}

// measureUnits, counted, make a length or a size: "four inches", "14 miles".
var measureUnits = map[string]bool{
	"inch": true, "inches": true, "foot": true, "feet": true, "yard": true, "yards": true,
	"mile": true, "miles": true, "metre": true, "metres": true, "meter": true, "meters": true,
	"kilometre": true, "kilometres": true, "kilometer": true, "kilometers": true, "km": true,
	"cm": true, "mm": true, "league": true, "leagues": true, "pace": true, "paces": true,
}

// dateNames name dates when capitalised: monthNames and dayNames.
var dateNames = func() map[string]bool {
	m := make(map[string]bool, len(monthNames)+len(dayNames))
	for _, n := range append(slices.Clone(monthNames), dayNames...) {
		m[n] = true
	}
	return m
}()

// timeWords name a point or part of time on their own.
var timeWords = map[string]bool{
	"morning": true, "evening": true, "night": true, "noon": true, "midnight": true, "dawn": true,
	"sunrise": true, "sunset": true, "daybreak": true, "dusk": true, "twilight": true, "spring": true,
	"summer": true, "autumn": true, "winter": true, "yesterday": true, "today": true, "tomorrow": true,
	"tonight": true, "ago": true, "clock": true, "afternoon": true, "midday": true,
}

// dayDeterminers make "day" or "year" a point in time: "one day", "next year".
var dayDeterminers = map[string]bool{
	"one": true, "next": true, "that": true, "following": true, "same": true, "last": true,
	"this": true, "every": true, "previous": true,
}

// timeClauses open a clause that dates an event: "when he was eight".
var timeClauses = map[string]bool{
	"when": true, "after": true, "before": true, "until": true, "till": true, "while": true,
	"since": true, "during": true,
}

// reasonWords mark a reason, the first of them surely.
var reasonWords = map[string]float64{
	"because": 1, "therefore": 1, "lest": 1, "reason": 1, "due": 1, "owing": 1, "order": 0.6,
	"cause": 0.6, "caused": 0.6, "causes": 0.6, "thus": 0.6, "hence": 0.6, "so": 0.6, "since": 0.6,
}

// placePreps introduce a place.
var placePreps = map[string]bool{
	"in": true, "at": true, "from": true, "to": true, "into": true, "inside": true, "near": true,
	"under": true, "beneath": true, "behind": true, "beside": true, "across": true, "through": true,
	"toward": true, "towards": true, "onto": true, "within": true, "outside": true, "on": true,
	"among": true, "beyond": true, "along": true, "over": true, "above": true, "below": true,
}

// determiners may stand between a preposition and its noun.
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "his": true, "her": true, "their": true, "its": true,
	"my": true, "our": true, "your": true, "this": true, "that": true, "these": true, "those": true,
}

// typed is one expression of the asked-for kind in a sentence.
type typed struct {
	at       int     // index of its word
	strength float64 // 1 when surely of that kind, less for a weaker sign
}

// exprScan is one sentence read for expressions of the kind a question
// asks for.
type exprScan struct {
	q     question
	ws    []word
	text  string
	asked map[string]float64 // the question's terms
	// headline is set for a title-case sentence, whose capitals name
	// nothing (read for person and place questions only).
	headline bool
}

// lower is word i in lower case, "" outside the sentence.
func (x *exprScan) lower(i int) string {
	if i < 0 || i >= len(x.ws) {
		return ""
	}
	return x.ws[i].lower
}

// fresh reports whether word i is not one of the question's own.
func (x *exprScan) fresh(i int) bool {
	_, ok := x.asked[x.ws[i].term]
	return x.ws[i].term == "" || !ok
}

// expressions appends to out[:0] the expressions of the kind q asks for
// among ws, the words of text, leaving out the question's own words
// (asked holds its terms).
func expressions(q question, ws []word, text string, asked map[string]float64, out []typed) []typed {
	out = out[:0]
	x := exprScan{q: q, ws: ws, text: text, asked: asked}
	if q.want == typePerson || q.want == typePlace {
		x.headline = titleCase(ws)
	}
	for i := range ws {
		if s := x.sign(i); s > 0 {
			out = append(out, typed{at: i, strength: s})
		}
	}
	return out
}

// sign is how surely word i stands for an expression of the kind asked
// for (0: not at all), one function for each kind. Questions of no
// particular kind have none, and neither do "how did" questions: the signs
// of a manner tried (-ly adverbs, "by" with a gerund, "with") chose worse
// sentences on FairytaleQA and COVID-QA. (A switch rather than a table of
// functions, which would move the question's terms to the heap.)
func (x *exprScan) sign(i int) float64 {
	switch x.q.want {
	case typeTime:
		return timeSign(x, i)
	case typeDuration:
		return durationSign(x, i)
	case typeNumber:
		return numberSign(x, i)
	case typePerson:
		return personSign(x, i)
	case typePlace:
		return placeSign(x, i)
	case typeReason:
		return reasonSign(x, i)
	}
	return 0
}

// timeSign: a date name ("May" only beside a number), a year, a time of
// day or season, "one day" or "next year", and more weakly a clause that
// dates an event ("when he was eight").
func timeSign(x *exprScan, i int) float64 {
	w := x.ws[i]
	switch {
	case w.upper && dateNames[w.lower] && (w.lower != "may" || x.ws[max(i-1, 0)].digits || x.lower(i+1) != "" && x.ws[i+1].digits):
		return 1
	case isYear(w, x.text):
		return 1
	case timeWords[w.lower]:
		return 0.7
	case (w.lower == "day" || w.lower == "year" || w.lower == "night" || w.lower == "week") && dayDeterminers[x.lower(i-1)]:
		return 0.7
	case timeClauses[w.lower]:
		return 0.4
	}
	return 0
}

// durationSign: a unit of time or length counted by a number ("nine
// years"), or more weakly by a counter ("a year").
func durationSign(x *exprScan, i int) float64 {
	w := x.ws[i]
	if !timeNouns[w.lower] && !measureUnits[w.lower] {
		return 0
	}
	s := 0.0
	for k := i - 1; k >= max(0, i-2); k-- {
		if isNumber(x.ws[k], x.text) {
			return 1
		}
		if counters[x.ws[k].lower] {
			s = 0.6
		}
	}
	return s
}

// numberSign: a number that is not a year, surely so when it is a share
// asked for ("12%"), stands before what is counted, or is money.
func numberSign(x *exprScan, i int) float64 {
	w := x.ws[i]
	if !(isNumber(w, x.text) && !isYear(w, x.text) || w.lower == "one" && x.q.counted != nil) {
		return 0
	}
	if x.q.share && (strings.HasPrefix(x.text[w.end:], "%") || x.lower(i+1) == "percent") {
		return 1
	}
	for k := i + 1; k <= i+3 && k < len(x.ws); k++ {
		if x.q.counted[x.ws[k].term] {
			return 1
		}
	}
	if currencyBefore(x.text, w.start) || x.lower(i+1) == "million" || x.lower(i+1) == "billion" {
		return 1
	}
	return 0.6
}

// personSign: a capitalised word, not the question's own nor a date, that
// does not merely open the sentence.
func personSign(x *exprScan, i int) float64 {
	w := x.ws[i]
	if w.upper && !x.headline && w.lower != "i" && !dateNames[w.lower] && w.term != "" && x.fresh(i) &&
		(i > 0 || len(x.ws) > 1 && x.ws[1].upper) {
		return 1
	}
	return 0
}

// placeSign: a preposition of place before a word of the sentence's own
// ("in the forest"), surely so when that word is capitalised.
func placeSign(x *exprScan, i int) float64 {
	if !placePreps[x.ws[i].lower] {
		return 0
	}
	j := i + 1
	for j < len(x.ws) && j <= i+2 && determiners[x.ws[j].lower] {
		j++
	}
	if j >= len(x.ws) || x.ws[j].term == "" || !x.fresh(j) {
		return 0
	}
	if x.ws[j].upper && !x.headline && !dateNames[x.ws[j].lower] {
		return 1
	}
	return 0.4
}

// reasonSign: a word that gives a reason ("because"), a purpose ("to fetch
// water") or ", for".
func reasonSign(x *exprScan, i int) float64 {
	w := x.ws[i]
	switch {
	case reasonWords[w.lower] > 0:
		return reasonWords[w.lower]
	case w.lower == "to" && i+1 < len(x.ws) && x.ws[i+1].term != "" && !x.ws[i+1].upper && !determiners[x.lower(i+1)]:
		return 0.4 // "to fetch water": a purpose
	case w.lower == "for" && i > 0 && strings.TrimSpace(x.text[x.ws[i-1].end:w.start]) == ",":
		return 0.6 // ", for he was hungry"
	}
	return 0
}

// isNumber reports whether w is a number: digits or a number word, but not
// a reference mark such as "[7]".
func isNumber(w word, text string) bool {
	if numberWords[w.lower] {
		return true
	}
	if !w.digits {
		return false
	}
	open := strings.LastIndexByte(text[:w.start], '[')
	return open < 0 || strings.LastIndexByte(text[:w.start], ']') > open
}

// isYear reports whether w is a year: four digits from 1000 to 2099 not
// written as money.
func isYear(w word, text string) bool {
	return w.digits && len(w.lower) == 4 && w.lower >= "1000" && w.lower <= "2099" && !currencyBefore(text, w.start)
}

// currencyBefore reports whether a currency sign stands just before
// offset i of text: "$2019" is money, not a year.
func currencyBefore(text string, i int) bool { return currencyAt(text, i) != "" }

// currencyAt is the currency sign that stands just before offset i of
// text, or "".
func currencyAt(text string, i int) string {
	for _, c := range []string{"$", "£", "€", "¥", "₹"} {
		if !strings.HasSuffix(text[:i], c) {
			continue
		}
		// A dollar of another country: A$, C$, NZ$, HK$ (US$ is $).
		j := i - len(c)
		for j > 0 && text[j-1] >= 'A' && text[j-1] <= 'Z' && i-len(c)-j < 3 {
			j--
		}
		if p := text[j : i-len(c)]; c == "$" && p != "" && p != "US" && (j == 0 || !isAlnumByte(text[j-1])) {
			return p + c
		}
		return c
	}
	return ""
}

// titleCase reports whether a sentence is written in title case, as a
// headline is, where capitals name nothing in particular: function words
// capitalised inside it ("To Get", "So They"), or every content word of
// four or more capitalised.
func titleCase(ws []word) bool {
	n, upper, stops := 0, 0, 0
	for i, w := range ws {
		switch {
		case w.digits:
		case w.term == "":
			if w.upper && i > 0 {
				stops++
			}
		default:
			n++
			if w.upper {
				upper++
			}
		}
	}
	return stops >= 2 || n >= 4 && upper == n
}
