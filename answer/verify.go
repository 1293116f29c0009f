package answer

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// checked is a model citation whose quote was found in the story.
type checked struct {
	modelRef int
	passage  knowledge.Passage
	quote    string // the document's own text
	key      string // passage and spans, to drop duplicates
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
			ch.modelRef = c.Ref
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
var markerRe = regexp.MustCompile(`\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]`)

// leadingMarkersRe matches markers at the start of a sentence, which belong
// to the sentence before ("He refused. [2] Then…").
var leadingMarkersRe = regexp.MustCompile(`^(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+`)

func markerRefs(m string) []int {
	var refs []int
	for _, f := range strings.FieldsFunc(strings.Trim(m, "[] "), func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if n, err := strconv.Atoi(f); err == nil {
			refs = append(refs, n)
		}
	}
	return refs
}

// composed is the model's answer reduced to what the checked quotes carry.
type composed struct {
	text      string
	citations []Citation
	// dropped counts the sentences left out for want of a checked quote.
	dropped int
}

// compose keeps the sentences of the model's answer that carry a marker
// with a checked quote and share a content word with the passages those
// quotes come from; removes the other markers; and numbers the citations
// 1..m in order of appearance.
func compose(answer string, byRef map[int][]checked, blocks []block) composed {
	var out composed
	var kept []string
	for _, s := range answerSentences(answer) {
		refs := verifiedRefs(s, byRef)
		if len(refs) == 0 {
			out.dropped++
			continue
		}
		if !supported(s, refs, byRef, blocks) {
			out.dropped++
			continue
		}
		kept = append(kept, s)
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
					out.citations = append(out.citations, Citation{Ref: n, PassageID: c.passage.ID, Quote: c.quote})
				}
				fmt.Fprintf(&b, "[%d]", n)
			}
		}
		return b.String()
	})
	out.text = tidy(unmention(text))
	return out
}

// mentionRe matches what chat apps turn into a ping: @everyone, @here,
// @name at a word start, <@123>, <@&123>, <#123>.
var mentionRe = regexp.MustCompile(`<[@#][!&]?\d+>|(^|[^\pL\pN_.])@([\pL\pN_])`)

// unmention keeps the model's words from pinging anyone: a mention loses
// its @ (or, for a raw id, disappears). Quotes are never changed.
func unmention(s string) string { return mentionRe.ReplaceAllString(s, "$1$2") }

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

// supported reports whether sentence s shares a content word with the
// passages its checked quotes come from. A sentence with no content words
// ("Yes [1].") has nothing to support.
func supported(s string, refs []int, byRef map[int][]checked, blocks []block) bool {
	words := contentTerms(markerRe.ReplaceAllString(s, " "))
	if len(words) == 0 {
		return true
	}
	var src strings.Builder
	for _, ref := range refs {
		if ref >= 1 && ref <= len(blocks) {
			src.WriteString(blocks[ref-1].text)
			src.WriteByte(' ')
		}
		for _, c := range byRef[ref] {
			src.WriteString(c.passage.Text)
			src.WriteByte(' ')
		}
	}
	have := termSet(src.String())
	for _, w := range words {
		if have[w] {
			return true
		}
	}
	return false
}

// tidy removes the spaces left where markers were dropped.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{".", ",", ";", ":", "!", "?"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	return strings.TrimSpace(s)
}
