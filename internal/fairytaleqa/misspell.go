package fairytaleqa

import (
	"hash/fnv"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// Misspell returns text with one typing slip in its rarest word of five
// letters or more (by knowledge.CommonShare; not its first letter): a
// letter dropped, doubled, changed to its neighbour on the keyboard, or
// swapped with the next, chosen by a hash of text so that the same
// question is always misspelt the same way. A text without such a word is
// returned as it is.
func Misspell(text string) string {
	h := fnv.New32a()
	h.Write([]byte(text))
	seed := h.Sum32()
	best, at := -1.0, -1
	words := strings.Fields(text)
	for i, f := range words {
		w := strings.Trim(f, punctuation)
		if len(w) < 5 || !isASCIILetters(w) || knowledge.IsStopWord(strings.ToLower(w)) {
			continue
		}
		share := knowledge.CommonShare(knowledge.Terms(strings.ToLower(w))[0])
		if at < 0 || share < best {
			best, at = share, i
		}
	}
	if at < 0 {
		return text
	}
	f := words[at]
	core := strings.Trim(f, punctuation)
	lead := strings.Index(f, core)
	w := []byte(core)
	i := 1 + int(seed%uint32(len(w)-1)) // not the first letter
	switch (seed / 7) % 4 {
	case 0:
		w = append(w[:i:i], w[i+1:]...)
	case 1:
		w = append(w[:i+1:i+1], w[i:]...)
	case 2:
		w[i] = neighbour(w[i], seed)
	default:
		if i+1 < len(w) {
			w[i], w[i+1] = w[i+1], w[i]
		} else {
			w[i-1], w[i] = w[i], w[i-1]
		}
	}
	words[at] = f[:lead] + string(w) + f[lead+len(core):]
	return strings.Join(words, " ")
}

// punctuation is what may stand around a word of a question.
const punctuation = ".,;:!?\"'()“”‘’"

// keyboard rows, for a letter's neighbour.
var keyboard = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// neighbour is a letter beside c on its keyboard row, or c itself.
func neighbour(c byte, seed uint32) byte {
	lower := c | 0x20
	for _, row := range keyboard {
		j := strings.IndexByte(row, lower)
		if j < 0 {
			continue
		}
		if (seed/29)%2 == 0 && j > 0 || j == len(row)-1 {
			j--
		} else {
			j++
		}
		if c != lower {
			return row[j] &^ 0x20
		}
		return row[j]
	}
	return c
}

func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
