package knowledge

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A word of a question that no document of the index holds in any form
// and that ordinary English does not use ("sentensed", "forfiet") is most
// likely misspelt: the store reads it as the word one edit away (Edits)
// that the most passages hold, when there is one (sqlite.Store.Respell),
// and the question is searched and answered respelt. A word ordinary
// English uses ("beard", "cash") is never respelt, nor one of fewer than
// minRespell letters, whose neighbours are too many to tell apart, nor a
// capitalised word inside the question: a name the story lacks is most
// often another story's, and respelling it into one of this story's names
// lets off-topic questions through (the abstention meets a name misspelt
// by one letter on its own).

// minRespell is the fewest letters of a word that may be respelt: a slip
// in a word of five letters may leave four.
const minRespell = 4

// maxRespell bounds the words of one question that are looked up, and
// maxRespellLetters the letters of one: a word has some 50 edits a letter,
// each looked up, and a hostile question may hold a word of thousands.
const (
	maxRespell        = 8
	maxRespellLetters = 32
)

// Misspellable returns the distinct words of question (lower case) that
// may be misspelt: of minRespell to maxRespellLetters letters, letters only, not stop
// words, not capitalised but to open it (in a question that has lower
// case), and unknown to ordinary English: too rare in it to be listed
// (CommonShare) and without related words (Related), at most maxRespell
// of them.
func Misspellable(question string) []string {
	var out []string
	unknown := UnknownShare()
	caps := hasLower(question) // a question in capitals has no names to tell apart
	for i, first := 0, true; len(out) < maxRespell; first = false {
		start, end, ascii := nextWord(question, i)
		if start < 0 {
			break
		}
		i = end
		if caps && !first && unicode.IsUpper(firstRune(question[start:])) {
			continue
		}
		w := lowerWord(question[start:end], ascii)
		if n := utf8.RuneCountInString(w); n < minRespell || n > maxRespellLetters || IsStopWord(w) || slices.Contains(out, w) || !lettersOnly(w) {
			continue
		}
		ts := Terms(w)
		if len(ts) != 1 || CommonShare(ts[0]) > unknown || Related(w) != nil {
			continue
		}
		out = append(out, w)
	}
	return out
}

func lettersOnly(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// Edits returns the distinct words one edit from w: a letter dropped,
// added or changed (to a letter from a to z or one of w's own), or two
// side by side swapped.
func Edits(w string) []string {
	rs := []rune(w)
	letters := []rune("abcdefghijklmnopqrstuvwxyz")
	for _, r := range rs {
		if !slices.Contains(letters, r) {
			letters = append(letters, r)
		}
	}
	seen := map[string]bool{w: true}
	var out []string
	add := func(e []rune) {
		s := string(e)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := range rs {
		add(append(append([]rune{}, rs[:i]...), rs[i+1:]...))
		if i+1 < len(rs) {
			e := append([]rune{}, rs...)
			e[i], e[i+1] = e[i+1], e[i]
			add(e)
		}
		for _, l := range letters {
			e := append([]rune{}, rs...)
			e[i] = l
			add(e)
		}
	}
	for i := 0; i <= len(rs); i++ {
		for _, l := range letters {
			add(append(append(append([]rune{}, rs[:i]...), l), rs[i:]...))
		}
	}
	return out
}

// Respelled returns text with each word respell maps (lower case) written
// as it says, capitalised where the word was, and each word respelt as
// written with its respelling, in order, each once.
func Respelled(text string, respell map[string]string) (string, [][2]string) {
	if len(respell) == 0 {
		return text, nil
	}
	var b strings.Builder
	var pairs [][2]string
	last := 0
	for i := 0; ; {
		start, end, ascii := nextWord(text, i)
		if start < 0 {
			break
		}
		i = end
		to, ok := respell[lowerWord(text[start:end], ascii)]
		if !ok {
			continue
		}
		if unicode.IsUpper(firstRune(text[start:])) {
			to = upperFirst(to)
		}
		if p := [2]string{text[start:end], to}; !slices.Contains(pairs, p) {
			pairs = append(pairs, p)
		}
		b.WriteString(text[last:start])
		b.WriteString(to)
		last = end
	}
	b.WriteString(text[last:])
	return b.String(), pairs
}

// ReadAs is the sentence that says how a question was respelt (the pairs
// Respelled returns): Read “sentensed” as “sentenced”.
func ReadAs(pairs [][2]string) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = "“" + p[0] + "” as “" + p[1] + "”"
	}
	return "Read " + strings.Join(parts, ", ") + "."
}
