package eval

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

// The claim-support set: sentences a model might write about a story, each
// with the quotes it cites and whether those quotes back it. It is built
// deterministically from question sets with gold answers (FairytaleQA's
// explicit questions, COVID-QA): a question's evidence is the sentence of
// its gold text that holds a gold answer, quoted as a model would (at most
// about 40 words around the answer, with the sentence before when that
// names what the question asks about). From each question come
//
//   - faithful claims, backed by the evidence: the gold answer itself, and
//     the question restated with its answer ("The fox live: in a hole."),
//     whose words are the question writer's, not the story's;
//   - the restated claim citing another question's evidence (unsupported);
//   - the restated claim altered as a bad model would (unsupported): a
//     number, date or name swapped for one the quotes lack, a negation
//     flipped, a clause from elsewhere in the story added, or the quote
//     cut to a word or two.
//
// An alteration is made only where it applies (a claim with no number has
// no number swapped) and kept only when its new fact is not in the quotes.

// Claim kinds.
const (
	KindAnswer        = "answer"            // supported
	KindRestated      = "restated"          // supported
	KindParaphrase    = "paraphrased"       // supported: another annotator's answer in other words
	KindOtherEvidence = "other evidence"    // unsupported
	KindNumber        = "number swapped"    // unsupported
	KindDate          = "date swapped"      // unsupported
	KindName          = "name swapped"      // unsupported
	KindNegation      = "negation flipped"  // unsupported
	KindClause        = "clause added"      // unsupported
	KindShortQuote    = "quote a word long" // unsupported
)

// claimKinds lists the kinds in report order.
var claimKinds = []string{KindAnswer, KindRestated, KindParaphrase, KindOtherEvidence, KindNumber, KindDate, KindName, KindNegation, KindClause, KindShortQuote}

// Claim is one labelled case of the claim-support set.
type Claim struct {
	Kind     string
	Question string   // the question it answers
	Text     string   // the sentence, as a model would write it
	Quotes   []string // what it cites, each words of Source
	// Source is the text the quotes come from, as the model was given it.
	Source    string
	Supported bool
}

// evidenceCase is one question with its gold answer and evidence.
type evidenceCase struct {
	question, answer string
	// others are gold answers the gold text does not hold word for word:
	// the same answer in other words.
	others []string
	quotes []string
	source string // the gold text: a story's gold sections, a paper
	story  string // the whole story, for names and added clauses
}

// FairytaleQAClaims builds the claim-support set of FairytaleQA stories:
// explicit questions whose gold answer stands in a sentence of the
// sections the question names.
func FairytaleQAClaims(stories []fairytaleqa.Story) []Claim {
	var out []Claim
	for _, s := range stories {
		var cases []evidenceCase
		story := s.Text()
		for _, q := range s.Questions {
			if !q.Explicit {
				continue
			}
			var gold []string
			for _, n := range q.Sections {
				gold = append(gold, s.Sections[n-1])
			}
			if c, ok := findEvidence(q.Text, q.Answers, strings.Join(gold, "\n\n"), story); ok {
				cases = append(cases, c)
			}
		}
		out = append(out, claimsOf(cases)...)
	}
	return out
}

// COVIDQAClaims builds the claim-support set of COVID-QA papers (see
// LoadCOVIDQA): questions whose answer stands in a sentence of the paper.
func COVIDQAClaims(papers []Story) []Claim {
	var out []Claim
	for _, p := range papers {
		var cases []evidenceCase
		for _, q := range p.Questions {
			if c, ok := findEvidence(q.Text, q.Answers, p.Text, p.Text); ok {
				cases = append(cases, c)
			}
		}
		out = append(out, claimsOf(cases)...)
	}
	return out
}

// maxQuoteWords bounds an evidence quote, as the prompt asks a model to.
const maxQuoteWords = 40

// findEvidence finds the first sentence of gold that holds one of the
// answers (the first that does, in answer order) and quotes it.
func findEvidence(question string, answers []string, gold, story string) (evidenceCase, bool) {
	spans := knowledge.Sentences(gold)
	for _, a := range answers {
		if len(strings.Fields(a)) == 0 {
			continue
		}
		for i, sp := range spans {
			sent := gold[sp[0]:sp[1]]
			if !ContainsAnswer(sent, []string{a}) {
				continue
			}
			quote := window(sent, a)
			quotes := []string{quote}
			if i > 0 && namesMore(question, gold[spans[i-1][0]:spans[i-1][1]], quote) {
				prev := gold[spans[i-1][0]:spans[i-1][1]]
				quotes = []string{window(prev, ""), quote}
			}
			var others []string
			for _, o := range answers {
				if o != a && !ContainsAnswer(gold, []string{o}) && rewords(o, a) {
					others = append(others, strings.TrimSpace(o))
				}
			}
			return evidenceCase{question: question, answer: strings.TrimSpace(a), others: others, quotes: quotes, source: gold, story: story}, true
		}
	}
	return evidenceCase{}, false
}

// rewords reports whether answer o says answer a in other words: at least
// half of o's index terms, and at least two, are a's (the rest are the
// rewording). Answers that share less often come from elsewhere in the
// text or from inference, and the evidence of a does not back them.
func rewords(o, a string) bool {
	have := termSet(a)
	terms := knowledge.Terms(o)
	in := 0
	for _, t := range terms {
		if have[t] {
			in++
		}
	}
	return in >= 2 && 2*in >= len(terms) && in < len(terms)
}

// window cuts a sentence to at most maxQuoteWords words (or the answer's
// own words, when it is longer) around the answer, at word boundaries.
func window(sent, answer string) string {
	words := strings.Fields(sent)
	if len(words) <= maxQuoteWords {
		return sent
	}
	at, n := 0, 0
	if answer != "" {
		gold := []string{answer}
		j := 1
		for j < len(words) && !ContainsAnswer(strings.Join(words[:j], " "), gold) {
			j++
		}
		i := j - 1
		for i > 0 && !ContainsAnswer(strings.Join(words[i:j], " "), gold) {
			i--
		}
		at, n = i, j-i
	}
	from := max(0, at-max(0, maxQuoteWords-n)/2)
	to := min(len(words), max(at+n, from+maxQuoteWords))
	from = max(0, min(from, to-maxQuoteWords))
	return strings.Join(words[from:to], " ")
}

// namesMore reports whether prev holds a capitalised word of the question
// (past its first) that quote lacks: a model would quote it too.
func namesMore(question, prev, quote string) bool {
	ws := strings.FieldsFunc(question, notWordRune)
	lq := " " + strings.ToLower(strings.Join(strings.FieldsFunc(quote, notWordRune), " ")) + " "
	lp := " " + strings.ToLower(strings.Join(strings.FieldsFunc(prev, notWordRune), " ")) + " "
	for i, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		if i == 0 || !unicode.IsUpper(r) || knowledge.IsStopWord(strings.ToLower(w)) {
			continue
		}
		lw := " " + strings.ToLower(w) + " "
		if !strings.Contains(lq, lw) && strings.Contains(lp, lw) {
			return true
		}
	}
	return false
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// claimsOf makes the claims of one story's (or paper's) evidence cases.
func claimsOf(cases []evidenceCase) []Claim {
	var out []Claim
	names := map[string][]string{}
	for i, c := range cases {
		if _, ok := names[c.story]; !ok {
			names[c.story] = storyNames(c.story)
		}
		restated := restate(c.question, c.answer)
		add := func(kind, text string, quotes []string, supported bool) {
			out = append(out, Claim{Kind: kind, Question: c.question, Text: text, Quotes: quotes, Source: c.source, Supported: supported})
		}
		addOther := func(o evidenceCase) {
			out = append(out, Claim{Kind: KindOtherEvidence, Question: c.question, Text: restated, Quotes: o.quotes, Source: o.source})
		}
		add(KindAnswer, sentence(c.answer), c.quotes, true)
		add(KindRestated, restated, c.quotes, true)
		for _, o := range c.others {
			add(KindParaphrase, restate(c.question, o), c.quotes, true)
		}
		if o, ok := otherEvidence(cases, i); ok {
			addOther(o)
		}
		quoted := strings.Join(c.quotes, " ")
		if t, ok := swapNumber(restated, quoted); ok {
			add(KindNumber, t, c.quotes, false)
		}
		if t, ok := swapDate(restated, quoted); ok {
			add(KindDate, t, c.quotes, false)
		}
		if t, ok := swapName(restated, quoted, names[c.story]); ok {
			add(KindName, t, c.quotes, false)
		}
		add(KindNegation, flipNegation(restated), c.quotes, false)
		if t, ok := addClause(restated, quoted, c.story); ok {
			add(KindClause, t, c.quotes, false)
		}
		if q, ok := shortQuote(restated, c.quotes); ok {
			add(KindShortQuote, restated, []string{q}, false)
		}
	}
	return out
}

// sentence makes text a sentence: capitalised, ending in a full stop.
func sentence(text string) string {
	text = strings.TrimSpace(text)
	r, size := utf8.DecodeRuneInString(text)
	text = string(unicode.ToUpper(r)) + text[size:]
	if !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "!") && !strings.HasSuffix(text, "?") {
		text += "."
	}
	return text
}

var (
	whWords     = map[string]bool{"what": true, "who": true, "whom": true, "whose": true, "when": true, "where": true, "why": true, "how": true, "which": true}
	preps       = map[string]bool{"to": true, "in": true, "at": true, "for": true, "from": true, "with": true, "on": true, "by": true, "of": true}
	auxiliaries = map[string]bool{
		"did": true, "does": true, "do": true, "is": true, "was": true, "were": true, "are": true, "has": true,
		"had": true, "have": true, "can": true, "could": true, "would": true, "will": true, "should": true, "must": true,
	}
)

// restate turns a question and its answer into the sentence a model
// restating the question would write: the question without its question
// word and auxiliary, then the answer. "Where did the fox live?" and "in a
// hole" give "the fox live: in a hole."
func restate(question, answer string) string {
	ws := strings.Fields(strings.TrimRight(strings.TrimSpace(question), "?"))
	if len(ws) > 2 && preps[strings.ToLower(ws[0])] && whWords[strings.ToLower(ws[1])] {
		ws = ws[1:] // "To whom did…", "In what year…"
	}
	for len(ws) > 1 && (whWords[strings.ToLower(ws[0])] || auxiliaries[strings.ToLower(ws[0])]) {
		ws = ws[1:]
	}
	// The first word keeps the question's case: "special about…", not
	// "Special about…", which no writer would open a sentence with.
	return strings.TrimSuffix(strings.Join(ws, " ")+": "+strings.TrimSpace(answer), ".") + "."
}

// otherEvidence returns the next case (in order, wrapping) whose quotes
// hold none of case i's answer.
func otherEvidence(cases []evidenceCase, i int) (evidenceCase, bool) {
	for d := 1; d < len(cases); d++ {
		o := cases[(i+d)%len(cases)]
		if !ContainsAnswer(strings.Join(o.quotes, " "), []string{cases[i].answer}) && o.quotes[len(o.quotes)-1] != cases[i].quotes[len(cases[i].quotes)-1] {
			return o, true
		}
	}
	return evidenceCase{}, false
}

var (
	digitsRe  = regexp.MustCompile(`\b\d+(?:[.,]\d+)*\b`)
	yearRe    = regexp.MustCompile(`\b(1[0-9]{3}|20[0-9]{2})\b`)
	numberRe  = regexp.MustCompile(`(?i)\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million)\b`)
	monthRe   = regexp.MustCompile(`\b(` + strings.Join(months, "|") + `)\b`)
	weekdayRe = regexp.MustCompile(`\b(` + strings.Join(weekdays, "|") + `)\b`)
)

var nextNumber = map[string]string{
	"two": "three", "three": "four", "four": "five", "five": "six", "six": "seven", "seven": "eight", "eight": "nine",
	"nine": "ten", "ten": "eleven", "eleven": "twelve", "twelve": "thirteen", "twenty": "thirty", "thirty": "forty",
	"forty": "fifty", "fifty": "sixty", "hundred": "thousand", "thousand": "million", "million": "billion",
}

// swapNumber replaces the first number of text (not a year, not a
// reference mark, and not part of a name such as COVID-19) that quoted
// also holds with another that quoted lacks.
func swapNumber(text, quoted string) (string, bool) {
	for _, loc := range digitsRe.FindAllStringIndex(text, -1) {
		d := text[loc[0]:loc[1]]
		if yearRe.MatchString(d) && len(d) == 4 || joined(text, loc) || bracketed(text, loc) || !hasWord(quoted, d) {
			continue
		}
		n, err := strconv.Atoi(strings.NewReplacer(",", "", ".", "").Replace(d))
		if err != nil {
			continue
		}
		for k := 1; k < 10; k++ {
			if r := strconv.Itoa(n + k); !hasWord(quoted, r) {
				return text[:loc[0]] + r + text[loc[1]:], true
			}
		}
	}
	for _, loc := range numberRe.FindAllStringIndex(text, -1) {
		w := strings.ToLower(text[loc[0]:loc[1]])
		if r := nextNumber[w]; r != "" && hasWord(quoted, w) && !hasWord(quoted, r) {
			return text[:loc[0]] + r + text[loc[1]:], true
		}
	}
	return "", false
}

// bracketed reports whether the digits at loc stand inside square
// brackets: a reference mark ("[41]", "[5, 14]"), not a number stated.
func bracketed(text string, loc []int) bool {
	open := strings.LastIndexByte(text[:loc[0]], '[')
	return open >= 0 && strings.LastIndexByte(text[:loc[0]], ']') < open && strings.IndexByte(text[loc[1]:], ']') >= 0
}

// joined reports whether the digits at loc are part of a word with
// letters ("COVID-19", "H1N1", "5th").
func joined(text string, loc []int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:loc[0]])
	after, _ := utf8.DecodeRuneInString(text[loc[1]:])
	return before == '-' || unicode.IsLetter(before) || after == '-' || unicode.IsLetter(after)
}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// swapDate moves the first year, month or day of the week of text that
// quoted also holds to one quoted lacks.
func swapDate(text, quoted string) (string, bool) {
	if loc := yearRe.FindStringIndex(text); loc != nil && !joined(text, loc) && hasWord(quoted, text[loc[0]:loc[1]]) {
		y, _ := strconv.Atoi(text[loc[0]:loc[1]])
		for k := 1; k < 10; k++ {
			if r := strconv.Itoa(y + k); !hasWord(quoted, r) {
				return text[:loc[0]] + r + text[loc[1]:], true
			}
		}
	}
	for _, x := range []struct {
		re    *regexp.Regexp
		names []string
	}{{monthRe, months}, {weekdayRe, weekdays}} {
		loc := x.re.FindStringIndex(text)
		if loc == nil || !hasWord(quoted, text[loc[0]:loc[1]]) {
			continue
		}
		i := indexOf(x.names, text[loc[0]:loc[1]])
		for k := 1; k < len(x.names); k++ {
			if r := x.names[(i+k)%len(x.names)]; !hasWord(quoted, r) {
				return text[:loc[0]] + r + text[loc[1]:], true
			}
		}
	}
	return "", false
}

func indexOf(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	return 0
}

// swapName replaces the first name of text (a capitalised word past its
// first that quoted holds) with the story's most frequent name that quoted
// lacks.
func swapName(text, quoted string, names []string) (string, bool) {
	var quotedTerms map[string]bool
	for i, loc := range wordRe.FindAllStringIndex(text, -1) {
		w := text[loc[0]:loc[1]]
		if i == 0 || !isName(w) || !hasWord(quoted, w) || monthRe.MatchString(w) || weekdayRe.MatchString(w) {
			continue
		}
		if quotedTerms == nil {
			quotedTerms = termSet(quoted)
		}
		for _, n := range names {
			t := knowledge.Terms(n)
			if n != w && !quotedTerms[t[0]] && !hasWord(text, n) && t[0] != knowledge.Terms(w)[0] {
				return text[:loc[0]] + n + text[loc[1]:], true
			}
		}
	}
	return "", false
}

var wordRe = regexp.MustCompile(`[\p{L}\p{N}]+`)

// isName reports whether w is capitalised and not a function word.
func isName(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && w != "I" && !knowledge.IsStopWord(strings.ToLower(w))
}

// storyNames are the capitalised words a story uses inside its
// sentences, most frequent first (ties in alphabetical order).
func storyNames(story string) []string {
	count := make(map[string]int)
	for _, sp := range knowledge.Sentences(story) {
		for i, w := range wordRe.FindAllString(story[sp[0]:sp[1]], -1) {
			if i > 0 && isName(w) && !monthRe.MatchString(w) && !weekdayRe.MatchString(w) {
				count[w]++
			}
		}
	}
	var names []string
	for n := range count {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if count[names[i]] != count[names[j]] {
			return count[names[i]] > count[names[j]]
		}
		return names[i] < names[j]
	})
	return names
}

var (
	negRe = regexp.MustCompile(`(?i)\b(?:not|never|no)\s+|n['’]t\b`)
	auxRe = regexp.MustCompile(`(?i)\b(?:is|was|were|are|did|does|do|has|had|have|could|would|can|will|should|must)\b`)
)

// flipNegation removes text's first negation, or adds "not" after its
// first auxiliary, or before its answer.
func flipNegation(text string) string {
	if loc := negRe.FindStringIndex(text); loc != nil {
		return text[:loc[0]] + text[loc[1]:]
	}
	if loc := auxRe.FindStringIndex(text); loc != nil {
		return text[:loc[1]] + " not" + text[loc[1]:]
	}
	if i := strings.Index(text, ": "); i >= 0 {
		return text[:i+2] + "not " + text[i+2:]
	}
	return "It is not true that " + text
}

// addClause appends to text a clause from a sentence of the story whose
// words quoted mostly lacks.
func addClause(text, quoted, story string) (string, bool) {
	have := termSet(quoted)
	for _, sp := range knowledge.Sentences(story) {
		s := story[sp[0]:sp[1]]
		ws := strings.Fields(s)
		if len(ws) < 6 {
			continue
		}
		clause := strings.Join(ws[:min(len(ws), 10)], " ")
		clause = strings.TrimRight(clause, ".,;:!?\"'’”")
		terms := knowledge.Terms(clause)
		in := 0
		for _, t := range terms {
			if have[t] {
				in++
			}
		}
		if len(terms) < 3 || float64(in) > 0.3*float64(len(terms)) {
			continue
		}
		r, size := utf8.DecodeRuneInString(clause)
		if !isName(ws[0]) || knowledge.IsStopWord(strings.ToLower(ws[0])) {
			clause = string(unicode.ToLower(r)) + clause[size:]
		}
		return strings.TrimSuffix(text, ".") + ", and " + clause + ".", true
	}
	return "", false
}

// shortQuote cuts the quotes to one or two words the claim uses: a name
// alone, or a couple of words.
func shortQuote(text string, quotes []string) (string, bool) {
	claimed := termSet(text)
	for _, q := range quotes {
		ws := wordRe.FindAllString(q, -1)
		for i, w := range ws {
			if t := knowledge.Terms(strings.ToLower(w)); len(t) == 1 && claimed[t[0]] && !knowledge.IsStopWord(strings.ToLower(w)) {
				if i+1 < len(ws) && !isName(w) {
					return w + " " + ws[i+1], true
				}
				return w, true
			}
		}
	}
	return "", false
}

func termSet(text string) map[string]bool {
	set := make(map[string]bool)
	for _, t := range knowledge.Terms(text) {
		set[t] = true
	}
	return set
}

// hasWord reports whether w stands in text as a whole word, any case.
func hasWord(text, w string) bool {
	t := " " + strings.ToLower(strings.Join(strings.FieldsFunc(text, notWordRune), " ")) + " "
	return strings.Contains(t, " "+strings.ToLower(w)+" ")
}

// ClaimReport counts, for each kind of claim, how many there are and how
// many the check kept.
type ClaimReport struct {
	N, Kept map[string]int
}

// ScoreClaims runs check on every claim: it reports whether it keeps one.
func ScoreClaims(claims []Claim, check func(Claim) bool) ClaimReport {
	r := ClaimReport{N: make(map[string]int), Kept: make(map[string]int)}
	for _, c := range claims {
		r.N[c.Kind]++
		if check(c) {
			r.Kept[c.Kind]++
		}
	}
	return r
}

// FaithfulKept is the share of faithful claims (the answer, restated or
// not) kept.
func (r ClaimReport) FaithfulKept() float64 {
	n, kept := 0, 0
	for _, k := range []string{KindAnswer, KindRestated} {
		n += r.N[k]
		kept += r.Kept[k]
	}
	return ratio(kept, n)
}

// ParaphrasedKept is the share of other annotators' rewordings kept.
func (r ClaimReport) ParaphrasedKept() float64 {
	return ratio(r.Kept[KindParaphrase], r.N[KindParaphrase])
}

// AlteredRejected is the share of altered claims (every unsupported kind
// but other evidence) rejected.
func (r ClaimReport) AlteredRejected() float64 {
	n, kept := 0, 0
	for _, k := range []string{KindNumber, KindDate, KindName, KindNegation, KindClause, KindShortQuote} {
		n += r.N[k]
		kept += r.Kept[k]
	}
	return ratio(n-kept, n)
}

// Print writes the shares kept and rejected, overall and by kind.
func (r ClaimReport) Print(w io.Writer) {
	fmt.Fprintf(w, "faithful claims kept      %.3f (of %d)\n", r.FaithfulKept(), r.N[KindAnswer]+r.N[KindRestated])
	fmt.Fprintf(w, "altered claims rejected   %.3f\n", r.AlteredRejected())
	for _, k := range claimKinds {
		if r.N[k] == 0 {
			continue
		}
		verb, share := "rejected", ratio(r.N[k]-r.Kept[k], r.N[k])
		if k == KindAnswer || k == KindRestated || k == KindParaphrase {
			verb, share = "kept", ratio(r.Kept[k], r.N[k])
		}
		fmt.Fprintf(w, "  %-18s %-8s %.3f (of %d)\n", k, verb, share, r.N[k])
	}
}
