package knowledge

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// genericVerbs are verbs that questions use to frame what they ask ("What
// did the king say…", "Why did she go…") and that name little of it. They
// are not stop words: in a passage they still mean something.
var genericVerbs = []string{
	"say", "said", "make", "made", "get", "got", "go", "went", "gone", "come", "came", "take", "took",
	"give", "gave", "want", "know", "knew", "think", "thought", "see", "saw", "tell", "told", "try",
	"tried", "ask", "asked", "look", "find", "found", "use", "used", "call", "called", "put", "let",
	"keep", "kept", "become", "became", "decide", "decided",
}

// genericVerbTerms returns the index terms of genericVerbs, base forms
// included.
var genericVerbTerms = sync.OnceValue(func() map[string]bool {
	lem := loadLemmas()
	m := make(map[string]bool, 2*len(genericVerbs))
	for _, w := range genericVerbs {
		for _, t := range tokenize(w) {
			m[t.term] = true
			m[lem.canonical(t.term)] = true
		}
	}
	return m
})

// subjectScan bounds the text subjectTerms reads.
const subjectScan = 400

// auxiliaries stand between a question word and the question's subject:
// "Why did the king…", "Where was Tom…".
var auxiliaries = map[string]bool{
	"did": true, "does": true, "do": true, "was": true, "were": true, "is": true, "are": true,
	"had": true, "has": true, "have": true, "will": true, "would": true, "could": true, "can": true,
	"should": true, "might": true, "must": true,
}

// subjectTerms returns the index terms (base forms when lem is set) of the
// subject of a question shaped "question word, auxiliary, subject, …": the
// first content word after the auxiliary, with the capitalised words that
// follow it when it is a name ("Why did the king…": king; "What did Little
// Red Riding Hood…": little, red, riding, hood). Other questions have no
// subject found, and nil is returned. Only the text's first
// subjectScan bytes are read: a long paste is not a question.
func subjectTerms(text string, lem *lemmaTable) map[string]bool {
	if len(text) > subjectScan {
		text = text[:subjectScan]
	}
	toks := tokenize(text)
	lower := func(i int) string { return strings.ToLower(text[toks[i].start:toks[i].end]) }
	upper := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(text[toks[i].start:])
		return unicode.IsUpper(r)
	}
	for i := 0; i+2 < len(toks); i++ {
		switch lower(i) {
		case "why", "how", "what", "where", "when", "who", "whom", "which":
		default:
			continue
		}
		j := i + 1
		switch lower(j) {
		case "long", "many", "much", "often":
			j++ // "how long did…"
		}
		if j >= len(toks) || !auxiliaries[lower(j)] {
			return nil
		}
		var subj map[string]bool
		for j++; j < len(toks); j++ {
			if IsStopWord(lower(j)) {
				if subj != nil {
					break
				}
				continue
			}
			if subj != nil && !upper(j) {
				break
			}
			if subj == nil {
				subj = make(map[string]bool)
			}
			subj[lem.canonical(toks[j].term)] = true
			if !upper(j) {
				break
			}
		}
		return subj
	}
	return nil
}
