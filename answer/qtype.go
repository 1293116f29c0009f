package answer

import "strings"

// answerType is the kind of expression a question asks for.
type answerType uint8

const (
	typeAny      answerType = iota // no particular kind ("what did she do?")
	typeTime                       // when, what year, what date
	typeDuration                   // how long
	typeNumber                     // how many, how much, what percentage
	typePerson                     // who, whose, which company
	typePlace                      // where
	typeReason                     // why
	typeManner                     // how did, how does
)

var typeNames = [...]string{"any", "time", "duration", "number", "person", "place", "reason", "manner"}

func (t answerType) String() string { return typeNames[t] }

// question is what the extractive answerer reads from a question.
type question struct {
	want answerType
	// follows is set when the answer is what came after the event the
	// question names ("What happened after the sun went down?"), precedes
	// when it is what came before.
	follows, precedes bool
}

// timeNouns name a unit or point of time: after "what" or "which" they
// ask for a time ("in what year"), and counted they make a duration.
var timeNouns = map[string]bool{
	"second": true, "seconds": true, "minute": true, "minutes": true, "hour": true, "hours": true,
	"day": true, "days": true, "night": true, "nights": true, "week": true, "weeks": true,
	"fortnight": true, "month": true, "months": true, "year": true, "years": true,
	"decade": true, "decades": true, "century": true, "centuries": true, "date": true, "time": true,
	"season": true, "seasons": true, "age": true,
}

// numberNouns after "what" ask for a number: "what percentage".
var numberNouns = map[string]bool{
	"percentage": true, "percent": true, "proportion": true, "number": true, "amount": true,
	"fraction": true, "rate": true, "ratio": true, "size": true, "price": true, "cost": true,
	"sum": true, "quantity": true, "dose": true, "length": true, "distance": true,
}

// placeNouns after "what" or "which" ask for a place: "which country".
var placeNouns = map[string]bool{
	"place": true, "country": true, "city": true, "town": true, "village": true, "state": true,
	"region": true, "province": true, "county": true, "continent": true, "location": true,
	"area": true, "island": true, "street": true, "district": true,
}

// agentNouns after "which" ask for a named agent: "which company".
var agentNouns = map[string]bool{
	"company": true, "companies": true, "organisation": true, "organization": true, "agency": true,
	"person": true, "people": true, "man": true, "woman": true, "firm": true, "group": true,
	"gang": true, "cartel": true, "government": true, "governments": true, "team": true,
	"author": true, "authors": true, "institution": true, "university": true,
}

// readQuestion finds the kind of answer a question wants from its words.
func readQuestion(ws []word) question {
	var q question
	wh := -1
	for i, w := range ws {
		switch w.lower {
		case "when", "where", "who", "whom", "whose", "why", "how", "what", "which":
			if wh < 0 {
				wh = i
			}
		case "after":
			q.follows = true
		case "before":
			q.precedes = true
		}
	}
	if wh < 0 {
		return q
	}
	next := func(k int) string {
		if wh+k < len(ws) {
			return ws[wh+k].lower
		}
		return ""
	}
	switch ws[wh].lower {
	case "when":
		q.want = typeTime
	case "where":
		q.want = typePlace
	case "who", "whom", "whose":
		q.want = typePerson
	case "why":
		q.want = typeReason
	case "how":
		switch n := next(1); {
		case n == "long":
			q.want = typeDuration
		case n == "many" || n == "much" || n == "old" || n == "far" || n == "often" || n == "big" ||
			n == "large" || n == "tall" || n == "high" || n == "deep" || n == "wide":
			q.want = typeNumber
		case n == "come":
			q.want = typeReason
		default:
			q.want = typeManner
		}
	case "what", "which":
		n := next(1)
		if n == "kind" || n == "type" || n == "sort" {
			break
		}
		switch {
		case timeNouns[n] && n != "time" && n != "age" || n == "time" && next(2) != "did":
			q.want = typeTime
		case numberNouns[n]:
			q.want = typeNumber
		case placeNouns[n]:
			q.want = typePlace
		case agentNouns[n]:
			q.want = typePerson
		case n == "caused":
			q.want = typeReason
		}
	}
	return q
}

// numberWords are numbers written out.
var numberWords = map[string]bool{
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true,
	"nine": true, "ten": true, "eleven": true, "twelve": true, "thirteen": true, "fourteen": true,
	"fifteen": true, "sixteen": true, "seventeen": true, "eighteen": true, "nineteen": true, "twenty": true,
	"thirty": true, "forty": true, "fifty": true, "sixty": true, "seventy": true, "eighty": true,
	"ninety": true, "hundred": true, "hundreds": true, "thousand": true, "thousands": true,
	"million": true, "millions": true, "billion": true, "billions": true, "dozen": true, "dozens": true,
	"half": true, "twice": true, "once": true, "thrice": true, "percent": true,
}

// counters stand before a unit to make a quantity: "a year", "many days".
var counters = map[string]bool{
	"a": true, "an": true, "one": true, "many": true, "several": true, "few": true, "some": true,
	"long": true, "whole": true, "all": true, "entire": true, "the": true,
}

// measureUnits, counted, make a length or a size: "four inches long".
var measureUnits = map[string]bool{
	"inch": true, "inches": true, "foot": true, "feet": true, "yard": true, "yards": true,
	"mile": true, "miles": true, "metre": true, "metres": true, "meter": true, "meters": true,
	"kilometre": true, "kilometres": true, "km": true, "cm": true, "mm": true, "league": true,
	"leagues": true, "pace": true, "paces": true, "step": true, "steps": true,
}

// monthNames and dayNames name dates when capitalised.
var monthNames = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true,
}

// timeWords name a point or part of time on their own.
var timeWords = map[string]bool{
	"morning": true, "evening": true, "night": true, "noon": true, "midnight": true, "dawn": true,
	"sunrise": true, "sunset": true, "daybreak": true, "dusk": true, "twilight": true, "spring": true,
	"summer": true, "autumn": true, "winter": true, "yesterday": true, "today": true, "tomorrow": true,
	"tonight": true, "ago": true, "clock": true, "century": true, "afternoon": true, "midday": true,
}

// timeClauses open a clause that dates an event: "when he was eight".
var timeClauses = map[string]bool{
	"when": true, "after": true, "before": true, "until": true, "till": true, "while": true,
	"since": true, "during": true, "once": true,
}

// reasonWords open or mark a reason.
var reasonWords = map[string]bool{
	"because": true, "since": true, "therefore": true, "thus": true, "hence": true, "lest": true,
	"reason": true, "due": true, "owing": true, "order": true, "cause": true, "caused": true,
	"causes": true, "so": true, "why": true, "result": true,
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

// isNumber reports whether w is a number: digits or a number word.
func isNumber(w word) bool { return w.digits || numberWords[w.lower] }

// expressions returns the positions, in ws (the words of text), of the
// expressions of the kind want that are not the question's own words
// (asked holds the question's terms), each with its strength: 1 for an
// expression that is surely of that kind, less for a weaker sign.
func expressions(want answerType, ws []word, text string, asked map[string]float64, out []typed) []typed {
	out = out[:0]
	fresh := func(i int) bool { _, ok := asked[ws[i].term]; return ws[i].term == "" || !ok }
	lower := func(i int) string {
		if i < 0 || i >= len(ws) {
			return ""
		}
		return ws[i].lower
	}
	for i, w := range ws {
		s := 0.0
		switch want {
		case typeTime:
			switch {
			case w.upper && monthNames[w.lower] && (w.lower != "may" || i > 0 && ws[i-1].upper || i+1 < len(ws) && ws[i+1].digits):
				s = 1
			case w.digits && len(w.lower) == 4 && w.lower >= "1000" && w.lower <= "2099" && !currencyBefore(text, w.start):
				s = 1
			case timeWords[w.lower]:
				s = 0.7
			case (w.lower == "day" || w.lower == "days" || w.lower == "year" || w.lower == "years") && i > 0 &&
				(counters[lower(i-1)] || isNumber(ws[i-1]) || lower(i-1) == "next" || lower(i-1) == "that" || lower(i-1) == "following"):
				s = 0.7
			case timeClauses[w.lower]:
				s = 0.4
			}
		case typeDuration:
			if timeNouns[w.lower] && w.lower != "date" && w.lower != "time" && w.lower != "age" || measureUnits[w.lower] {
				for k := i - 1; k >= max(0, i-2); k-- {
					if isNumber(ws[k]) {
						s = 1
						break
					}
					if counters[ws[k].lower] {
						s = 0.6
					}
				}
			}
			if (w.lower == "until" || w.lower == "till") && s == 0 {
				s = 0.3
			}
		case typeNumber:
			switch {
			case w.digits && !(len(w.lower) == 4 && w.lower >= "1900" && w.lower <= "2099" && lower(i-1) == "in"):
				s = 1
			case numberWords[w.lower]:
				s = 1
			case w.lower == "one" && i+1 < len(ws) && ws[i+1].term != "":
				s = 0.5
			case w.lower == "many" || w.lower == "several" || w.lower == "few":
				s = 0.3
			}
		case typePerson:
			if w.upper && w.lower != "i" && !monthNames[w.lower] && w.term != "" && fresh(i) &&
				(i > 0 || len(ws) > 1 && ws[1].upper) {
				s = 1
			}
		case typePlace:
			if placePreps[w.lower] {
				j := i + 1
				for j < len(ws) && j <= i+2 && determiners[ws[j].lower] {
					j++
				}
				if j < len(ws) && ws[j].term != "" && fresh(j) {
					s = 0.4
					if ws[j].upper && !monthNames[ws[j].lower] {
						s = 1
					}
				}
			}
			if w.lower == "home" || w.lower == "there" && i > 0 {
				s = max(s, 0.4)
			}
		case typeReason:
			switch {
			case reasonWords[w.lower]:
				s = 1
				if w.lower == "so" || w.lower == "since" {
					s = 0.6
				}
			case w.lower == "to" && i+1 < len(ws) && ws[i+1].term != "" && !ws[i+1].upper && !determiners[lower(i+1)]:
				s = 0.4 // "to fetch water": a purpose
			case w.lower == "for" && i > 0 && text[ws[i-1].end:w.start] == ", ":
				s = 0.6
			}
		case typeManner:
			switch {
			case w.lower == "by" && i+1 < len(ws) && strings.HasSuffix(ws[i+1].lower, "ing"):
				s = 1
			case w.lower == "with" && fresh(min(i+1, len(ws)-1)):
				s = 0.4
			case strings.HasSuffix(w.lower, "ly") && len(w.lower) > 4 && w.term != "":
				s = 0.4
			}
		}
		if s > 0 {
			out = append(out, typed{at: i, strength: s})
		}
	}
	return out
}

// typed is one expression found by expressions.
type typed struct {
	at       int // index of its word
	strength float64
}

// currencyBefore reports whether a currency sign stands just before
// offset i of text: "$2019" is money, not a year.
func currencyBefore(text string, i int) bool {
	for _, c := range []string{"$", "£", "€", "¥"} {
		if strings.HasSuffix(text[:i], c) {
			return true
		}
	}
	return false
}
