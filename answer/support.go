package answer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// The support check decides, for each sentence of a model's answer (a
// claim), whether the verified quotes it cites back it. It is strict on
// facts and tolerant on wording:
//
//   - every number, month, day of the week, name and identifier of the
//     claim stands in its quotes (see facts.go for the forms that meet);
//   - a negation (not, never, no, n't, without…) in the claim stands in
//     its quotes over the same words, and a negated statement of the
//     quotes is not made positive;
//   - links, mentions, markdown links and images, code and HTML stand in
//     its quotes exactly as written;
//   - its content words (stop words dropped, the index's Porter stems of
//     their base forms, so "gave" meets "give") stand in its quotes at a
//     share of at least supportParams.coverage, and so does each clause
//     at supportParams.clause, so a clause added to a true one fails;
//   - a quote with fewer than supportParams.quoteTerms content words, or
//     only names and numbers, carries no weight: "Ramos" backs nothing.
//
// The shares were chosen on the claim-support set built from FairytaleQA
// and COVID-QA (internal/eval), tuned on FairytaleQA train and val and the
// even-numbered COVID-QA papers.

// supportParams tune the support check.
type supportParams struct {
	coverage   float64 // share of a claim's content terms its quotes must hold
	clause     float64 // share of each clause's content terms
	quoteTerms int     // content terms a quote needs to carry weight
	negScope   int     // content terms after a negation that it governs
	// fresh, when above 0, lets a word of the question that the quotes'
	// passages hold count as covered (as a name of the question is) and
	// asks instead that the claim's other words, what it adds to the
	// question, stand in its quotes at this share.
	fresh float64
}

// defaultSupport is the tuning chosen on the claim-support set.
func defaultSupport() supportParams {
	return supportParams{coverage: 0.4, clause: 0.34, quoteTerms: 3, negScope: 4, fresh: 0.5}
}

// negation is a negating word and the content terms it governs.
type negation struct {
	scope []string
	// lexical is set for a verb that negates ("refused", "failed"): it
	// says so itself, and coverage, not a negation of the quotes, backs it.
	lexical bool
}

// evidence is the quotes one claim cites, read for the support check.
type evidence struct {
	weighty []string // the quotes that carry weight, as written
	terms   map[string]bool
	facts   []fact
	negs    []negation
	quotes  int // quotes given
	weak    int // of which too short to carry weight
}

// quoteReading is one quote read for the support check.
type quoteReading struct {
	weighty bool
	terms   []string
	facts   []fact
	negs    []negation
}

// readQuote reads one quote.
func (sp supportParams) readQuote(q string) quoteReading {
	ws := readWords(nil, q)
	terms := termsOf(ws)
	opens := sentenceOpens(q, ws)
	r := quoteReading{weighty: sp.carriesWeight(ws, terms, opens)}
	if !r.weighty {
		return r
	}
	for _, t := range terms {
		if t != "" {
			r.terms = append(r.terms, t)
		}
	}
	r.facts = readFacts(q, ws, opens)
	r.negs = sp.negations(q, ws, terms)
	return r
}

// readEvidence reads the quotes a claim cites; read, when not nil, keeps
// each quote's reading for the next claim citing it.
func (sp supportParams) readEvidence(quotes []string, read map[string]quoteReading) evidence {
	ev := evidence{terms: make(map[string]bool), quotes: len(quotes)}
	for _, q := range quotes {
		r, ok := read[q]
		if !ok {
			r = sp.readQuote(q)
			if read != nil {
				read[q] = r
			}
		}
		if !r.weighty {
			ev.weak++
			continue
		}
		ev.weighty = append(ev.weighty, q)
		for _, t := range r.terms {
			ev.terms[t] = true
		}
		ev.facts = append(ev.facts, r.facts...)
		ev.negs = append(ev.negs, r.negs...)
	}
	return ev
}

// holds reports whether the quotes hold a content term, or one it meets
// (see termsMeet).
func (ev evidence) holds(t string) bool {
	if ev.terms[t] {
		return true
	}
	if len(t) < 5 {
		return false
	}
	for q := range ev.terms {
		if termsMeet(q, t) {
			return true
		}
	}
	return false
}

// termsMeet reports whether two terms are one, or differ only past their
// first five letters ("guilt", "guilti" for guilty): a derived form, the
// same word to a reader.
func termsMeet(a, b string) bool {
	if a == b {
		return true
	}
	return len(a) >= 5 && len(b) >= 5 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a))
}

// termsOf returns the support term of each word ("" for a stop word).
func termsOf(ws []word) []string {
	terms := make([]string, len(ws))
	for i, w := range ws {
		terms[i] = supportTerm(w.lower)
	}
	return terms
}

// carriesWeight reports whether a quote (words ws, their terms) says
// enough to back anything: at least sp.quoteTerms distinct content words,
// not all of them names or numbers.
func (sp supportParams) carriesWeight(ws []word, terms []string, opens func(int) bool) bool {
	distinct := make(map[string]bool)
	plain := false
	for i, w := range ws {
		t := terms[i]
		if t == "" {
			continue
		}
		distinct[t] = true
		if !w.digits && (!w.upper || opens(i)) && !numberWord(w.lower) {
			plain = true
		}
	}
	return len(distinct) >= sp.quoteTerms && plain
}

func numberWord(w string) bool {
	_, small := smallNumbers[w]
	return small || ordinalWords[w] > 0 || multipliers[w] > 0
}

// sentenceOpens returns a function reporting whether word i of text
// (words ws) opens a sentence (as knowledge.Sentences reads them), a
// quotation, or what follows a colon: a capital there names nothing by
// itself.
func sentenceOpens(text string, ws []word) func(i int) bool {
	starts := make(map[int]bool)
	for _, sp := range knowledge.Sentences(text) {
		starts[sp[0]] = true
	}
	return func(i int) bool {
		if i == 0 || opensQuotation(text, ws[i].start) {
			return true
		}
		// The sentence may open with punctuation: “Basically…
		j := ws[i-1].end
		for j < ws[i].start && !starts[j] {
			j++
		}
		return j < ws[i].start || starts[ws[i].start]
	}
}

// source is the text a claim's quotes come from (the passages the model
// was given), read to tell a name opening a sentence from a common word,
// and to see whether a word of the question stands near the quotes.
type source struct {
	text  string
	lower string // text with ASCII letters lower-cased, offsets kept
	uses  map[string]termUse
}

// termUse is how a source uses a term.
type termUse struct {
	present bool // the term stands in the source
	lower   bool // written in lower case somewhere
	named   bool // capitalised inside a sentence somewhere
}

// use returns how the source uses term, scanning it on first asking.
func (s *source) use(term string) termUse {
	if s.uses == nil {
		s.uses = make(map[string]termUse)
		s.lower = lowerASCII(s.text)
	}
	if u, ok := s.uses[term]; ok {
		return u
	}
	var u termUse
	// A stem may end otherwise than its words ("wrai" for Wray): look for
	// its words by all but its last letter.
	probe := term
	if len(probe) > 3 {
		probe = probe[:len(probe)-1]
	}
	for i := 0; term != "" && !u.named; {
		j := strings.Index(s.lower[i:], probe)
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(probe)
		if at > 0 && isAlnumByte(s.lower[at-1]) {
			continue
		}
		end := i
		for end < len(s.lower) && isAlnumByte(s.lower[end]) {
			end++
		}
		if supportTerm(s.lower[at:end]) != term {
			continue
		}
		u.present = true
		if s.text[at] == s.lower[at] {
			u.lower = true
		} else {
			u.named = !opensAt(s.text, at)
		}
	}
	s.uses[term] = u
	return u
}

// isName reports whether the term of a capitalised word that opens a
// sentence is a name: capitalised inside a sentence of the source, or
// never written there in lower case.
func (s *source) isName(term string) bool {
	u := s.use(term)
	return u.named || !u.lower
}

// background is what a claim is read against besides its quotes.
type background struct {
	src   *source         // the passages its quotes come from
	asked map[string]bool // the question's content terms
	words map[string]bool // the question's words, lower case
	qnegs []negation      // the question's negations
}

// vouches reports whether a name of the claim that its quotes lack is
// still grounded: the question names it and so do the passages its quotes
// come from ("What did Ramos agree to?" – "Ramos agreed to forfeit $118
// million [1]", quoting "he also agreed to forfeit $118 million").
func (b background) vouches(term string) bool {
	return b.asked[term] && b.src != nil && b.src.use(term).present
}

// asking returns the background of a claim in answer to question, its
// quotes taken from passages.
func (sp supportParams) asking(question, passages string) background {
	ws := readWords(nil, question)
	bg := background{src: &source{text: passages}, asked: make(map[string]bool), words: make(map[string]bool), qnegs: sp.negations(question, ws, termsOf(ws))}
	for _, w := range ws {
		bg.words[w.lower] = true
		if t := supportTerm(w.lower); t != "" {
			bg.asked[t] = true
		}
	}
	return bg
}

// opensAt reports whether offset i of text starts a sentence or a
// quotation (roughly: after terminal punctuation, a quote mark or a colon).
func opensAt(text string, i int) bool {
	t := strings.TrimRight(text[:i], " \t\n\r\"'“‘(")
	if t == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(".!?…:", r) || opensQuotation(text, i)
}

// claim is one sentence of a model's answer, read for the support check.
type claim struct {
	text    string
	terms   []string   // distinct content terms
	clauses [][]string // distinct content terms of each clause
	facts   []fact
	negs    []negation
	markup  []string
	// numerals are its terms that are numbers (see numeral).
	numerals map[string]bool
	// openers are the capitalised words opening the claim or a quotation
	// in it, which may be names unless the source shows they are common
	// words.
	openers []word
}

// readClaim reads a claim, its markers already removed.
func (sp supportParams) readClaim(text string) claim {
	c := claim{text: text, markup: markupIn(text)}
	ws := readWords(nil, text)
	terms := termsOf(ws)
	opens := sentenceOpens(text, ws)
	c.facts = readFacts(text, ws, opens)
	seen := make(map[string]bool)
	for i, w := range ws {
		t := terms[i]
		if t == "" {
			continue
		}
		if !seen[t] {
			seen[t] = true
			c.terms = append(c.terms, t)
		}
		if numeral(w) {
			if c.numerals == nil {
				c.numerals = make(map[string]bool)
			}
			c.numerals[t] = true
		}
		if opens(i) && w.upper && !w.digits && !discourseWords[w.lower] && !isIdent(text, w) && !isDateWord(w) {
			c.openers = append(c.openers, word{start: w.start, end: w.end, term: t})
		}
	}
	c.negs = sp.negations(text, ws, terms)
	c.clauses = clauseTerms(text, ws, terms)
	return c
}

// numeral reports whether w is a number, in digits or a number word:
// held to the quotes as a fact, it counts as a word they hold ("one
// hundred eighteen million" for "$118 million").
func numeral(w word) bool {
	return w.digits || wordValue(w.lower) > 0 || multipliers[w.lower] > 0 || w.lower == "zero"
}

func isDateWord(w word) bool {
	_, m := months[w.lower]
	_, d := weekdays[w.lower]
	return m || d
}

// clauseMarks end the words a negation governs.
const clauseMarks = ",;:.!?()—"

// negators are the words that negate what follows them; "n't" is read
// apart (see negations).
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "nobody": true, "nothing": true,
	"nowhere": true, "neither": true, "nor": true, "without": true, "cannot": true, "noone": true,
	"untrue": true, "false": true,
}

// negatingVerbs negate what they govern by their meaning, by their stems:
// "Apple refused" says what "Apple wouldn't" does.
var negatingVerbs = map[string]bool{"refus": true, "deni": true, "declin": true, "reject": true, "fail": true, "unabl": true, "lack": true}

// negations finds the negating words of text (words ws, their terms) and
// the content terms each governs: up to sp.negScope after it, within its
// clause (for a negating verb, before it too).
func (sp supportParams) negations(text string, ws []word, terms []string) []negation {
	var out []negation
	for i, w := range ws {
		neg := negators[w.lower]
		if w.lower == "t" && i > 0 && strings.HasSuffix(ws[i-1].lower, "n") {
			between := text[ws[i-1].end:w.start]
			neg = between == "'" || between == "’"
		}
		lexical := !neg && negatingVerbs[terms[i]]
		if !neg && !lexical {
			continue
		}
		n := negation{lexical: lexical}
		for j := i + 1; j < len(ws) && len(n.scope) < sp.negScope; j++ {
			if strings.ContainsAny(text[ws[j-1].end:ws[j].start], clauseMarks) {
				break
			}
			if t := terms[j]; t != "" {
				n.scope = append(n.scope, t)
			}
		}
		// A negation that ends its clause ("he did not.") governs what
		// comes before it, and so does a negating verb.
		for j, before := i-1, len(n.scope); (len(n.scope) == 0 || lexical) && j >= 0 && len(n.scope)-before < sp.negScope; j-- {
			if strings.ContainsAny(text[ws[j].end:ws[j+1].start], clauseMarks) {
				break
			}
			if t := terms[j]; t != "" {
				n.scope = append(n.scope, t)
			}
		}
		out = append(out, n)
	}
	return out
}

// clauseOpeners open a new clause after a comma: ", and", ", which".
var clauseOpeners = map[string]bool{
	"and": true, "but": true, "while": true, "whereas": true, "although": true, "though": true,
	"yet": true, "so": true, "then": true, "because": true, "which": true, "who": true,
	"where": true, "when": true, "after": true, "before": true,
}

// clauseVerbs after a bare "and" open a new clause: "and was sentenced".
var clauseVerbs = map[string]bool{
	"was": true, "were": true, "is": true, "are": true, "had": true, "has": true, "have": true,
	"did": true, "does": true, "will": true, "would": true, "could": true, "can": true,
	"later": true, "then": true, "also": true, "eventually": true, "finally": true, "soon": true,
}

// asideMark reports whether the text between two words opens or closes
// an aside: a dash, a bracket or an ellipsis ("… in May 2019 — then he
// walked free").
func asideMark(between string) bool {
	return strings.ContainsAny(between, "—()…") || strings.Contains(between, "...") || strings.Contains(between, " - ")
}

// clauseTerms splits a claim into clauses (at semicolons, at an aside's
// marks, at a comma
// before a conjunction or relative, at "but", "though", "although" and
// "whereas", and at "and" before a verb
// of its own) and returns the distinct content terms of each. A clause of
// fewer than two content terms joins the one before.
func clauseTerms(text string, ws []word, terms []string) [][]string {
	var out [][]string
	var cur []string
	seen := make(map[string]bool)
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if len(cur) < 2 && len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], cur...)
		} else {
			out = append(out, cur)
		}
		cur, seen = nil, make(map[string]bool)
	}
	for i, w := range ws {
		if i > 0 {
			between := text[ws[i-1].end:w.start]
			next := ""
			if i+1 < len(ws) {
				next = ws[i+1].lower
			}
			if strings.Contains(between, ";") || asideMark(between) ||
				strings.Contains(between, ",") && clauseOpeners[w.lower] ||
				w.lower == "but" || w.lower == "though" || w.lower == "although" || w.lower == "whereas" || w.lower == "and" && clauseVerbs[next] {
				flush()
			}
		}
		if t := terms[i]; t != "" && !seen[t] {
			seen[t] = true
			cur = append(cur, t)
		}
	}
	flush()
	if len(out) > 1 && len(out[0]) < 2 {
		out[1] = append(out[0], out[1]...)
		out = out[1:]
	}
	return out
}

var (
	// pingRe matches what Discord turns into a ping or a channel link:
	// <@123>, <@!123>, <@&123>, <#123>, @everyone, @here, @name.
	pingRe = regexp.MustCompile(`<\s*[@#][!&]?\s*\d+\s*>|@(?:everyone|here)|(?:^|[^\pL\pN_.])(@[\pL\pN_.]+)`)
	// markupRe matches what would render as more than plain words: code
	// (any backtick), markdown links and images, headings, quotes and
	// spoilers and strike-through, HTML tags, Discord's emoji and
	// timestamps, and defanged links (hxxp://, evil[.]example, evil(dot)example).
	markupRe = regexp.MustCompile("(?i)`+" +
		`|!?\[[^\]]*\]\([^)]*\)` +
		`|^\s*(?:#{1,3}|-#|>+)\s|\|\|` +
		`|</?[a-z!][^>]*>|<a?:\w+:\d+>` +
		`|hxxps?\S*|[\[({]\.[\])}]|[\[({]dot[\])}]|~~`)
	// urlRe matches, after a character that is no letter or digit, a
	// link with or without a scheme: evil.example, discord.gg/invite,
	// пример.рф, 10.0.0.1/x.
	urlRe = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])((?:[a-z][a-z0-9+.-]*://|www\.)\S+` +
		`|[\pL\pN][\pL\pN-]*(?:\.[\pL\pN-]+)*\.\pL{2,}(?:/\S*)?` +
		`|\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?:/\S*)?)`)
)

// markupIn returns the links, mentions and markup in text.
func markupIn(text string) []string {
	if !mayHoldMarkup(text) {
		return nil
	}
	var out []string
	for _, m := range pingRe.FindAllStringSubmatch(text, -1) {
		if m[1] != "" {
			out = append(out, m[1])
		} else {
			out = append(out, m[0])
		}
	}
	out = append(out, markupRe.FindAllString(text, -1)...)
	for _, m := range urlRe.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// mayHoldMarkup reports whether text has a character any markup needs: a
// mention's @ or <, code's backtick, a link's [, (, { or :, a heading's #,
// a quote's >, a spoiler's |, a strike-through's ~, or a dot inside a word
// (a domain).
func mayHoldMarkup(text string) bool {
	if strings.ContainsAny(text, "@<`[(:#>|~{") {
		return true
	}
	for i := 1; i+1 < len(text); i++ {
		if text[i] != '.' {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+1:])
		if isWordRune(before) && isWordRune(after) {
			return true
		}
	}
	return false
}

// check returns why the quotes ev do not back claim c, or "" when they
// do, read against bg.
func (sp supportParams) check(c claim, ev evidence, bg background) string {
	if why := strayMarkup(c, ev); why != "" {
		return why
	}
	switch {
	case len(c.terms) == 0:
		return "it states nothing its quotes could back"
	case ev.weak == ev.quotes && ev.quotes == 1:
		return "its quote is too short to back anything"
	case ev.weak == ev.quotes:
		return "its quotes are too short to back anything"
	}
	if why := missingFact(c, ev, bg); why != "" {
		return why
	}
	if why := negationMismatch(c, ev, bg); why != "" {
		return why
	}
	return sp.uncovered(c, ev, bg)
}

// strayMarkup names a link, mention or piece of markup of c that its
// quotes do not hold as written, whole ("http://harbour.ex" is not
// "http://harbour.example/notice"), or returns "".
func strayMarkup(c claim, ev evidence) string {
	if len(c.markup) == 0 {
		return ""
	}
	quoted := make(map[string]bool)
	for _, q := range ev.weighty {
		for _, m := range markupIn(q) {
			quoted[markupKey(m)] = true
		}
	}
	for _, m := range c.markup {
		if !quoted[markupKey(m)] {
			return fmt.Sprintf("it holds %q, which its quotes do not", clip(m, 60))
		}
	}
	return ""
}

// markupKey is the form pieces of markup are compared in: folded (see
// fold), without the punctuation a sentence may end them with.
func markupKey(m string) string {
	return strings.TrimRight(strings.TrimSpace(fold(m).s), ".,;:!?)\"'”’")
}

// uncovered says how c's words fall short of its quotes' (see
// supportParams), or returns "".
func (sp supportParams) uncovered(c claim, ev evidence, bg background) string {
	covered := func(t string) bool { return c.numerals[t] || ev.holds(t) || sp.fresh > 0 && bg.vouches(t) }
	have, added, quoted := 0, 0, 0
	for _, t := range c.terms {
		if covered(t) {
			have++
		}
		if !bg.asked[t] {
			added++
			if c.numerals[t] || ev.holds(t) {
				quoted++
			}
		}
	}
	if float64(have) < sp.coverage*float64(len(c.terms)) || sp.fresh > 0 && float64(quoted) < sp.fresh*float64(added) {
		return fmt.Sprintf("its quotes do not say this (%d of its %d words are in them)", have, len(c.terms))
	}
	for _, cl := range c.clauses {
		in := 0
		for _, t := range cl {
			if covered(t) {
				in++
			}
		}
		if float64(in) < sp.clause*float64(len(cl)) {
			return "part of it is not in its quotes"
		}
	}
	return ""
}

// missingFact names a fact of c that its quotes lack (a name bg vouches
// for excepted), or a word opening it that is a name the quotes lack, or
// returns "".
func missingFact(c claim, ev evidence, bg background) string {
	for _, w := range c.openers {
		if !ev.terms[w.term] && !bg.vouches(w.term) && bg.src != nil && bg.src.isName(w.term) {
			return fmt.Sprintf("%s is not in its quotes", c.text[w.start:w.end])
		}
	}
	for _, f := range c.facts {
		ok := false
		switch {
		case f.kind == factName:
			ok = ev.terms[f.key] || bg.vouches(f.key)
		case f.kind == factAmount:
			ok = bg.words[f.key]
		}
		for _, q := range ev.facts {
			if ok {
				break
			}
			ok = f.meets(q)
		}
		if !ok {
			return fmt.Sprintf("%s is not in its quotes", f.text)
		}
	}
	return ""
}

// negationMismatch reports a negation of the claim that neither its
// quotes nor the question make over the same words, or a negation of the
// quotes or the question whose first governed word (the verb or noun
// negated: "never *gave*") the claim states without one.
func negationMismatch(c claim, ev evidence, bg background) string {
	for _, n := range c.negs {
		if !n.lexical && !negated(n.scope, ev.negs, len(n.scope) == 0) && !negated(n.scope, bg.qnegs, false) {
			return "it negates what its quotes do not"
		}
	}
	claimed := make(map[string]bool, len(c.terms))
	for _, t := range c.terms {
		claimed[t] = true
	}
	for _, n := range ev.negs {
		if len(n.scope) > 0 && claimed[n.scope[0]] && !negated(n.scope, c.negs, false) {
			return "its quotes negate what it states"
		}
	}
	for _, n := range bg.qnegs {
		if len(n.scope) > 0 && claimed[n.scope[0]] && !negated(n.scope, c.negs, false) {
			return "it drops the question's negation"
		}
	}
	return ""
}

// negated reports whether one of negs governs a term of scope (or, with
// any, whether there is a negation at all).
func negated(scope []string, negs []negation, any bool) bool {
	if any {
		return len(negs) > 0
	}
	for _, n := range negs {
		for _, t := range n.scope {
			for _, s := range scope {
				if s == t {
					return true
				}
			}
		}
	}
	return false
}
