package knowledge

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Search matches words, so a question can only find a passage through the
// words the story uses: asked what Ramos was "sentenced to", a story that
// says he "landed nine years in prison" is never reached. For a word of
// the question that no passage of the documents searched holds at all,
// the search also looks for its related words (Related), each weighing
// Ranking.Related of its own IDF: a word the question really shares with
// a passage counts for more. A word the story uses is never replaced, so
// questions in the story's own words rank as they did.

// related.txt lists, for about 12,000 common English words, the words
// WordNet 3.0 relates to them: synonyms, and the derivationally related
// forms of nouns and verbs (sentence: conviction, prison_term, time,
// condemn…). WordNet 3.0 Copyright 2006 by Princeton University (see
// NOTICE); gen_related.go reads Debian's wordnet-base.
//
//go:generate go run gen_related.go -o related.txt -dict /usr/share/wordnet
//go:embed related.txt
var relatedText string

// loadRelated parses related.txt once.
var loadRelated = sync.OnceValue(func() map[string][]string { return parseRelated(relatedText) })

// parseRelated reads the table: word → related words, a phrase's words
// joined by spaces.
func parseRelated(text string) map[string][]string {
	m := make(map[string][]string, 12288)
	for _, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		rs := f[1:]
		for i, r := range rs {
			rs[i] = strings.ReplaceAll(r, "_", " ")
		}
		m[f[0]] = rs
	}
	return m
}

// Related returns the words WordNet relates to the word w (lower case),
// read as the base form of an inflected word ("sentenced": those of
// "sentence"), most frequent senses first; a phrase's words are joined by
// spaces. It returns nil for a word the table does not list.
func Related(w string) []string {
	t := loadRelated()
	for _, b := range baseForms(w) {
		if rs, ok := t[b]; ok {
			return rs
		}
	}
	return nil
}

// baseForms returns w and the base forms it may be an inflection of, in
// the order they are tried: the irregular form's base, then WordNet's
// detachment rules (plural, past tense, participle, comparative), each
// with a doubled final consonant undone ("stopped": stop).
func baseForms(w string) []string {
	out := []string{w}
	if b, ok := BaseForm(w); ok {
		out = append(out, b)
	}
	for _, r := range detachments {
		stem, ok := strings.CutSuffix(w, r[0])
		if !ok || len(stem) < 2 {
			continue
		}
		b := stem + r[1]
		out = append(out, b)
		if n := len(b); r[1] == "" && n >= 3 && b[n-1] == b[n-2] && !strings.ContainsRune("aeiouls", rune(b[n-1])) {
			out = append(out, b[:n-1])
		}
	}
	return out
}

// detachments are WordNet's morphological rules: an ending, and what it
// becomes in the base form.
var detachments = [][2]string{
	{"ies", "y"}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
	{"es", "e"}, {"es", ""}, {"s", ""}, {"ied", "y"}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""},
	{"est", "e"}, {"est", ""}, {"er", "e"}, {"er", ""},
}

// Expandable returns the distinct content words of question (lower case,
// in order) that have related words: those the search falls back on when
// the index lacks them. Names ("Rose", "Frank": a capitalised word that
// does not open a sentence) and words with digits are left out.
func Expandable(question string) []string {
	var out []string
	seen := make(map[string]bool)
	caps := hasLower(question) // a question in capitals has no names to tell apart
	opens := true
	for i := 0; len(seen) < maxQueryTerms; {
		start, end, _ := nextWord(question, i)
		if start < 0 {
			break
		}
		open := opens || strings.ContainsAny(question[i:start], ".?!:\n")
		opens = false
		i = end
		r, _ := utf8.DecodeRuneInString(question[start:])
		if caps && !open && unicode.IsUpper(r) {
			continue
		}
		w := strings.ToLower(question[start:end])
		if seen[w] || IsStopWord(w) || strings.ContainsAny(w, "0123456789") {
			continue
		}
		seen[w] = true
		if Related(w) != nil {
			out = append(out, w)
		}
	}
	return out
}

// WordMatch is the FTS5 expression matching the word w in any of its
// forms (took: took, take, taken), as the search looks for it; a phrase
// ("prison term") is matched as written.
func WordMatch(w string) string {
	return orQuoted(forms(w))
}

// WordTerms returns the index terms of the word w in any of its forms
// (took: took, take, taken), as an index's vocabulary holds them.
func WordTerms(w string) []string {
	var out []string
	for _, f := range forms(w) {
		for _, t := range Terms(f) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// maxRelated bounds the related words one question adds to a search, so
// that a conversation's earlier turns, searched after them, still fit in
// maxQueryTerms.
const maxRelated = 24

// forms returns w and, for a word, its other irregular forms.
func forms(w string) []string {
	if len(Words(w)) != 1 {
		return []string{w}
	}
	return append([]string{w}, loadLemmas().otherForms([]string{w})...)
}

// WithRelated returns texts with, after the first, one text for each
// related word of the lacking words (Expandable words the index does not
// hold), weighing weight times the first text's weight: the first
// related word of each lacking word, then the second of each, and so on,
// maxRelated words in all. A phrase is one text, so its words count as
// a pair. With weight 0 or no lacking words it returns texts as they are.
func WithRelated(texts []Weighted, lacking []string, weight float64) []Weighted {
	if weight <= 0 || len(lacking) == 0 || len(texts) == 0 {
		return texts
	}
	w := weight * texts[0].Weight
	rel := make([][]string, len(lacking))
	longest := 0
	for i, l := range lacking {
		rel[i] = Related(l)
		longest = max(longest, len(rel[i]))
	}
	out := append(make([]Weighted, 0, len(texts)+maxRelated), texts[0])
	words := 0
	for j := 0; j < longest; j++ {
		for _, rs := range rel {
			if j >= len(rs) {
				continue
			}
			n := len(Words(rs[j]))
			if words+n > maxRelated {
				return append(out, texts[1:]...)
			}
			words += n
			out = append(out, Weighted{Text: rs[j], Weight: w})
		}
	}
	return append(out, texts[1:]...)
}
