package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// contentTerms returns the stems of text's content words (stop words
// dropped), in order, with repeats.
func contentTerms(text string) []string {
	var out []string
	for _, w := range knowledge.Words(fold(text).s) {
		if t := termOf(w); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// termOf is the term of a lower-case word: the stem of its base form, so
// that "gave", "given" and "gives" meet, or "" for a stop word ("told"
// as well as "tell").
func termOf(w string) string {
	if knowledge.IsStopWord(w) || extraStopWords[w] {
		return ""
	}
	if b, ok := knowledge.BaseForm(w); ok {
		if knowledge.IsStopWord(b) || extraStopWords[b] {
			return ""
		}
		w = b
	}
	return stem(w)
}

// extraStopWords are words that carry no answer in a question or a story
// sentence, beyond knowledge's retrieval stop words.
var extraStopWords = map[string]bool{
	"said": true, "say": true, "says": true, "tell": true, "told": true,
	"happen": true, "happened": true, "happens": true, "kind": true,
	"one": true, "went": true, "go": true, "get": true, "got": true,
	"like": true, "make": true, "made": true, "thing": true, "things": true,
	"story": true, "yes": true, "don": true, "didn": true, "doesn": true,
}

// stem reduces an English word to a rough stem so that "refused",
// "refuses" and "refusing" meet. It is deliberately light: it strips
// common inflections, not derivations.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "eed"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "ed") && hasVowel(w[:len(w)-2]) && len(w) > 4:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ing") && hasVowel(w[:len(w)-3]) && len(w) > 5:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ly") && len(w) > 5:
		w = w[:len(w)-2]
	}
	// A final e is dropped so that "refuse" meets "refus(ed)".
	if strings.HasSuffix(w, "e") && len(w) > 3 {
		w = w[:len(w)-1]
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

// undouble turns "stopp" into "stop", keeping "ll", "ss" and "zz".
func undouble(w string) string {
	n := len(w)
	if n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// word is one word of a sentence, as the extractive answerer sees it.
type word struct {
	start, end int    // byte offsets in the text it was read from
	lower      string // lower-cased (compatibility-folded when not ASCII)
	term       string // stem of a content word; "" for a stop word
	upper      bool   // starts with an upper-case letter
	digits     bool   // starts with a digit
}

// readWords appends the words of text to out[:0]: runs of letters, digits
// and marks (so "wasn't" is "wasn" and "t"), a digit run keeping the
// separators inside it ("1,000", "3.5"). Not knowledge.Words on purpose:
// these words are compared with each other, never looked up in the index.
func readWords(out []word, text string) []word {
	out = out[:0]
	start := -1
	ascii := true
	flush := func(end int) {
		if start < 0 {
			return
		}
		raw := text[start:end]
		w := word{start: start, end: end}
		if ascii {
			w.lower = lowerASCII(raw)
		} else {
			w.lower = fold(raw).s
		}
		r, _ := utf8.DecodeRuneInString(raw)
		w.upper = unicode.IsUpper(r)
		w.digits = unicode.IsDigit(r)
		w.term = termOf(w.lower)
		out = append(out, w)
		start, ascii = -1, true
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		isWord := r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Co, r))
		if !isWord && start >= 0 && (r == ',' || r == '.') && text[start] >= '0' && text[start] <= '9' &&
			i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			isWord = true // "1,000", "3.5"
		}
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			flush(i)
		}
		if isWord && r >= utf8.RuneSelf {
			ascii = false
		}
		i += size
	}
	flush(len(text))
	return out
}

// lowerASCII lower-cases an ASCII word, allocating only when it must.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
