package timeline

import "strings"

// tense is how a sentence places what it tells about a date: a date the
// text tells of in the past ("was sentenced in May"), one it looks ahead
// to ("will reopen in March", "is due in March 2024"), one told in the
// present ("the fair takes place on Saturday 14 September"), or none of
// these, as in a letter's dateline ("Gracechurch Street, Monday, August 2"),
// which is read as the past is.
type tense uint8

const (
	unmarked tense = iota
	past
	present
	future
)

// pastForms are irregular past tenses and participles; a regular one ends
// in "-ed" (pastTense).
var pastForms = wordSet("was were had did said told went came made took gave got saw knew thought found left " +
	"met ran began became brought wrote held kept sent spoke paid lost won fell felt led sold rose stood heard " +
	"built bought caught fought taught sought drove flew grew threw drew broke chose froze woke wore tore swore " +
	"hid bit lit sat shot slept spent struck stuck swept wept fled fed bred dealt meant arose forgot forgave " +
	"been done seen known given taken written spoken chosen begun gone")

// presentForms are the verbs of a present that looks ahead to a date, as a
// programme or a notice does ("the fair takes place on Saturday", "the
// bridge reopens in March", "the museum is closed until May").
var presentForms = wordSet("is are am takes opens reopens begins starts runs ends closes meets returns arrives " +
	"happens falls comes goes plays holds launches kicks hosts")

// notPast end in "-ed" without being past tenses.
var notPast = wordSet("need needs indeed speed proceed succeed exceed feed breed seed deed steed weed greed heed " +
	"hundred kindred sacred naked wicked rugged ragged jagged crooked beloved embed shred")

// futureWords look ahead by themselves; aheadBeforeTo only before "to"
// ("is expected to", "plans to"), so "as expected" and "due to the
// storm" do not.
var (
	futureWords   = wordSet("will shall upcoming forthcoming tomorrow soon scheduled")
	aheadBeforeTo = wordSet("expected set plans plan planning aims intends going due")
)

func wordSet(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// tenseMarks returns the tense that each word of toks marks, present for
// most.
func tenseMarks(toks []token) []tense {
	marks := make([]tense, len(toks))
	for i, t := range toks {
		if t.kind != tWord {
			continue
		}
		w := t.lower // "" for a capitalised word the scanner has no use for
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].lower
		}
		switch {
		case futureWords[w], aheadBeforeTo[w] && next == "to",
			w == "due" && next != "to", // "is due in March 2024"
			w == "ll" && i > 0 && isApostrophe(toks[i-1].text) && !toks[i].space,         // "we’ll"
			w == "won" && isApostrophe(next) && i+2 < len(toks) && toks[i+2].text == "t": // "won’t"
			marks[i] = future
		case presentForms[w]:
			marks[i] = present
		case pastForms[w], pastTense(w):
			marks[i] = past
			// "will be held", "is going to be sold": the participle is the
			// future's; "is closed", "are held": the present's.
			for k := i - 1; k >= max(0, i-3); k-- {
				if marks[k] == future || marks[k] == present && k == i-1 {
					marks[i] = marks[k]
					break
				}
			}
		}
	}
	return marks
}

func isApostrophe(s string) bool { return s == "'" || s == "’" }

// pastTense reports whether a lower-case word reads as a regular past
// tense or participle: "reported", "sentenced".
func pastTense(w string) bool {
	return len(w) >= 5 && strings.HasSuffix(w, "ed") && !notPast[w]
}

// tenseOf is the tense of the mention at toks[from:to]: that of the
// nearest word marking one, unmarked when none does; of two as near, the
// one after it (a date usually follows its verb in English, "was sold in
// May"; so this only breaks ties).
func tenseOf(marks []tense, from, to int) tense {
	best, dist := unmarked, len(marks)+1
	for i, m := range marks {
		if m == unmarked {
			continue
		}
		d := from - i
		if i >= to {
			d = i - to + 1
		}
		if i >= from && i < to {
			d = 0
		}
		if d < dist || d == dist && i >= to {
			best, dist = m, d
		}
	}
	return best
}
