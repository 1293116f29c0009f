package answer

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/prompts"
	"golang.org/x/text/unicode/norm"
)

// checked is a model citation whose quote was found in the story.
type checked struct {
	modelRef int
	passage  knowledge.Passage
	quote    string // the document's own text
	key      string // passage and spans, to drop duplicates
	// around is the text the model was shown with the quote: its block
	// when the quote is from the block's passage or the neighbours added
	// to it, else the passage (see citedText).
	around string
}

// verifier checks the model's quotes against the passages it was sent and,
// failing that, against the other passages of the same document.
type verifier struct {
	e      *Engine
	blocks []block
	folds  map[string]folded              // by passage id
	docs   map[string][]knowledge.Passage // by document slug, fetched on demand
}

func newVerifier(e *Engine, blocks []block) *verifier {
	return &verifier{e: e, blocks: blocks, folds: make(map[string]folded), docs: make(map[string][]knowledge.Passage)}
}

// verify finds c's quote. When it cannot, it says why, for the repair request.
func (v *verifier) verify(ctx context.Context, c modelCitation) (checked, string, bool) {
	if c.Ref < 1 || c.Ref > len(v.blocks) {
		return checked{}, fmt.Sprintf("there is no passage %d", c.Ref), false
	}
	key, ok := citable(c.Quote)
	if !ok {
		return checked{}, "the quote has no words of the story in it", false
	}
	b := v.blocks[c.Ref-1]
	tried := make(map[string]bool)
	for _, p := range append([]knowledge.Passage{b.passage}, b.neighbours...) {
		tried[p.ID] = true
		if ch, ok := v.find(p, key); ok {
			ch.modelRef, ch.around = c.Ref, b.text
			return ch, "", true
		}
	}
	for _, p := range v.sameDocument(ctx, b.passage) {
		if tried[p.ID] {
			continue
		}
		if ch, ok := v.find(p, key); ok {
			ch.modelRef = c.Ref
			return ch, "", true
		}
	}
	return checked{}, fmt.Sprintf("not found in passage %d", c.Ref), false
}

// citable returns the key a quote is looked for by (see quoteKey), or
// false when it has no content word: a quote of stop words alone ("of the")
// would stand in almost any text and prove nothing.
func citable(quote string) (string, bool) {
	key := quoteKey(quote)
	if key == "" || len(contentTerms(key)) == 0 {
		return "", false
	}
	return key, true
}

func (v *verifier) find(p knowledge.Passage, key string) (checked, bool) {
	f, ok := v.folds[p.ID]
	if !ok {
		f = fold(p.Text)
		v.folds[p.ID] = f
	}
	start, end, ok := f.find(key)
	if !ok {
		return checked{}, false
	}
	return checked{passage: p, quote: p.Text[start:end], key: fmt.Sprintf("%s:%d-%d", p.ID, start, end)}, true
}

// sameDocument returns the passages of p's document, nearest to p first.
func (v *verifier) sameDocument(ctx context.Context, p knowledge.Passage) []knowledge.Passage {
	ps, ok := v.docs[p.Doc]
	if !ok {
		var err error
		ps, err = v.e.store.Passages(ctx, p.Doc)
		if err != nil {
			v.e.log.Warn("cannot re-attribute quotes", "doc", p.Doc, "err", err)
		}
		ps = append([]knowledge.Passage(nil), ps...)
		sort.SliceStable(ps, func(i, j int) bool { return abs(ps[i].N-p.N) < abs(ps[j].N-p.N) })
		v.docs[p.Doc] = ps
	}
	return ps
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// markerRe matches a citation marker: [2], [1, 3].
var markerRe = regexp.MustCompile(`\[\s*\d+(?:\s*[,;-]\s*\d+)*\s*\.?\s*\]`)

// leadingMarkersRe matches markers at the start of a sentence, which belong
// to the sentence before ("He refused. [2] Then…").
var leadingMarkersRe = regexp.MustCompile(`^(?:\s*\[\s*\d+(?:\s*[,;-]\s*\d+)*\s*\.?\s*\])+`)

// markerRefs reads the refs of a marker: [2], [1, 3], [1-3], [2.].
func markerRefs(m string) []int {
	var refs []int
	for _, f := range strings.FieldsFunc(strings.Trim(m, "[]. "), func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		a, z, isRange := strings.Cut(f, "-")
		from, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil {
			continue
		}
		to := from
		if isRange {
			if to, err = strconv.Atoi(strings.TrimSpace(z)); err != nil || to < from || to-from > 9 {
				to = from
			}
		}
		for n := from; n <= to; n++ {
			refs = append(refs, n)
		}
	}
	return refs
}

// composed is the model's answer reduced to what the checked quotes back.
type composed struct {
	text      string
	citations []Citation
	// unbacked are the sentences left out, with why.
	unbacked []prompts.Unbacked
}

// answerSentence is one sentence of a model's answer as compose reads it.
type answerSentence struct {
	text string // as shown (see shownSentence), markers included
	refs []int  // model refs of its markers with a checked quote
	// marked is set when it had markers as the model wrote it, backed or not.
	marked bool
	c      claim
	keep   bool
}

// compose keeps the sentences of the model's answer that the checked
// quotes of their markers back (see supportParams.check), and a sentence
// without a marker only when it restates kept ones; removes the other
// markers; and numbers the citations 1..m in order of appearance.
func compose(question, answer string, byRef map[int][]checked, sp supportParams) composed {
	var out composed
	asking := sp.asking(question, "")
	read := make(map[string]quoteReading)
	var sents []answerSentence
	var keptQuotes []string
	var keptTerms []string
	var keptRefs []int
	for _, s := range answerSentences(plainText(answer)) {
		marked := markerRe.MatchString(s)
		s = shownSentence(s, byRef)
		as := answerSentence{text: s, refs: verifiedRefs(s, byRef), marked: marked}
		as.c = sp.readClaim(tidy(markerRe.ReplaceAllString(s, " ")))
		switch {
		case markerInWord(s):
			out.unbacked = append(out.unbacked, prompts.Unbacked{Sentence: clip(s, 300), Why: "a citation marker stands inside a word"})
			continue
		case len(as.refs) > 0:
			quotes := quotesOf(as.refs, byRef)
			bg := asking
			bg.src = &source{text: citedText(as.refs, byRef)}
			if why := sp.check(as.c, sp.readEvidence(quotes, read), bg); why != "" {
				out.unbacked = append(out.unbacked, prompts.Unbacked{Sentence: clip(s, 300), Why: why})
			} else {
				as.keep = true
				keptQuotes = append(keptQuotes, quotes...)
				keptTerms = append(keptTerms, as.c.terms...)
				keptRefs = append(keptRefs, as.refs...)
			}
		case marked:
			out.unbacked = append(out.unbacked, prompts.Unbacked{Sentence: clip(s, 300), Why: "no quote it cites is in the story"})
		}
		sents = append(sents, as)
	}
	// A sentence without a marker stays only when all it says is in the
	// kept sentences and their quotes: a summary, not a new claim.
	restate := sp
	restate.coverage, restate.clause = 1, 1
	var ev *evidence
	bg := asking
	bg.src = &source{text: citedText(keptRefs, byRef)}
	var kept []string
	for i := range sents {
		as := &sents[i]
		if len(as.refs) == 0 && !as.marked {
			if ev == nil && len(keptQuotes) > 0 {
				e := restate.readEvidence(keptQuotes, read)
				for _, t := range keptTerms {
					e.terms[t] = true
				}
				ev = &e
			}
			if ev != nil && restate.check(as.c, *ev, bg) == "" {
				as.keep = true
			} else {
				out.unbacked = append(out.unbacked, prompts.Unbacked{Sentence: clip(as.text, 300), Why: "it cites no quote"})
			}
		}
		if as.keep {
			kept = append(kept, unmention(as.text))
		}
	}
	number := make(map[string]int) // checked.key -> new ref
	text := markerRe.ReplaceAllStringFunc(strings.Join(kept, " "), func(m string) string {
		var b strings.Builder
		for _, ref := range markerRefs(m) {
			for _, c := range byRef[ref] {
				n, ok := number[c.key]
				if !ok {
					n = len(out.citations) + 1
					number[c.key] = n
					out.citations = append(out.citations, Citation{Ref: n, PassageID: c.passage.ID, Chapter: c.passage.Chapter, Quote: c.quote})
				}
				fmt.Fprintf(&b, "[%d]", n)
			}
		}
		return b.String()
	})
	out.text = text
	return out
}

// shownSentence is a sentence of a model's answer in the form the
// support check reads and the answer shows (but for its mentions, see
// unmention): markers that cite no checked quote become spaces (deleted,
// they would join the words around them after the check: "9[0]9"), and
// spaces are tidied.
func shownSentence(s string, byRef map[int][]checked) string {
	s = markerRe.ReplaceAllStringFunc(s, func(m string) string {
		for _, ref := range markerRefs(m) {
			if len(byRef[ref]) > 0 {
				return m
			}
		}
		return " "
	})
	return tidy(s)
}

// markerInWord reports whether a citation marker of s stands between two
// letters or digits ("nine[1]ty"): read without it, the sentence says
// something else than with it.
func markerInWord(s string) bool {
	for _, loc := range markerRe.FindAllStringIndex(s, -1) {
		before, _ := utf8.DecodeLastRuneInString(s[:loc[0]])
		after, _ := utf8.DecodeRuneInString(s[loc[1]:])
		if isWordRune(before) && isWordRune(after) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// plainText is a model's answer in the characters it is checked and shown
// in: Unicode compatibility forms (fullwidth letters, circled numbers:
// "ｅｖｉｌ．ｅｘａｍｐｌｅ" is evil.example, "⑫" is 12), the digits of
// other scripts as ASCII digits, hyphens and en dashes as "-", and no
// format or control characters, variation selectors or marks on a Latin
// letter (zero-width spaces, direction overrides, the grapheme joiner),
// which would hide a link, a number or a negation from the check but not
// from a reader.
func plainText(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	var last rune
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || unicode.Is(unicode.Variation_Selector, r) || r == '\u034f':
		case (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)) && last < unicode.MaxASCII:
			// A mark NFKC could not join to the Latin letter or digit
			// before it hides inside the word: "9͏9", "n͏ot".
			continue
		case r > unicode.MaxASCII && unicode.Is(unicode.Nd, r):
			b.WriteByte(byte('0' + digitValue(r)))
		case r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2212':
			b.WriteByte('-') // hyphens and the en dash: "MS‑13", "2015–2019"
		default:
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// digitValue is the value of a decimal digit of any script: Unicode lays
// each script's digits out in runs from 0 to 9.
func digitValue(r rune) int {
	n := 0
	for unicode.Is(unicode.Nd, r-1) && n < 100 {
		r--
		n++
	}
	return n % 10
}

// quotesOf returns the checked quotes of the model refs, each once.
func quotesOf(refs []int, byRef map[int][]checked) []string {
	var out []string
	seen := make(map[string]bool)
	for _, ref := range refs {
		for _, c := range byRef[ref] {
			if !seen[c.key] {
				seen[c.key] = true
				out = append(out, c.quote)
			}
		}
	}
	return out
}

// citedText is the text around the checked quotes of the model refs:
// what vouches for a name of the question is the text a quote was shown
// in, not another passage the marker's block holds.
func citedText(refs []int, byRef map[int][]checked) string {
	var b strings.Builder
	seen := make(map[string]bool)
	for _, ref := range refs {
		for _, c := range byRef[ref] {
			text := c.around
			if text == "" {
				text = c.passage.Text
			}
			if !seen[text] {
				seen[text] = true
				b.WriteString(text)
				b.WriteString("\n\n")
			}
		}
	}
	return b.String()
}

// unmention keeps the model's words from pinging anyone: a mention (see
// pingRe) loses its @, or, for a raw id, disappears, until none is left
// ("@@here"). Quotes are never changed.
func unmention(s string) string {
	for range 8 {
		t := pingRe.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasSuffix(m, ">") {
				return "" // <@123>, <#123>
			}
			return strings.Replace(m, "@", "", 1)
		})
		if t == s {
			return t
		}
		s = t
	}
	return strings.ReplaceAll(s, "@", "")
}

// answerSentences splits a model's answer into sentences, moving markers
// that open a sentence to the end of the one before.
func answerSentences(answer string) []string {
	var out []string
	for _, sp := range knowledge.Sentences(answer) {
		s := answer[sp[0]:sp[1]]
		if m := leadingMarkersRe.FindString(s); m != "" && len(out) > 0 {
			out[len(out)-1] += " " + strings.TrimSpace(m)
			s = strings.TrimSpace(s[len(m):])
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// verifiedRefs returns the model refs of s's markers that have a checked quote.
func verifiedRefs(s string, byRef map[int][]checked) []int {
	var refs []int
	for _, m := range markerRe.FindAllString(s, -1) {
		for _, ref := range markerRefs(m) {
			if len(byRef[ref]) > 0 {
				refs = append(refs, ref)
			}
		}
	}
	return refs
}

// tidy removes the spaces left where markers were dropped.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{".", ",", ";", ":", "!", "?"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	return strings.TrimSpace(s)
}
