package knowledge

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxIDLen bounds a document id, in characters, so that a passage id
// ("<id>#<n>") stays well inside Discord's 100-character limit on option
// values and autocomplete choices.
const MaxIDLen = 64

// FallbackID is the id of a document whose name and title give no letter
// or digit (e.g. "🔥.txt").
const FallbackID = "story"

// Slugify turns a file name or title into a document id: lowercase letters
// and digits of any script, separated by single '-'. Latin letters lose
// their accents (Café → cafe) and compatibility forms become plain ones
// (ﬁ → fi, Ⅻ → xii, ² → 2); other scripts are kept as written (物語, δράμα),
// their combining marks included. Apostrophes vanish (Don't → dont); every
// other run of characters (spaces, punctuation, emoji and symbols) becomes
// one '-'. The result holds at most MaxIDLen characters, and is "" when
// name has no letter or digit in it.
func Slugify(name string) string {
	var sb strings.Builder
	n := 0 // characters written
	dash := false
	word := false // the last character written is part of a word
	write := func(s string) bool {
		c := utf8.RuneCountInString(s)
		if dash {
			c++
		}
		if n+c > MaxIDLen {
			return false
		}
		if dash {
			sb.WriteByte('-')
			dash = false
		}
		sb.WriteString(s)
		n += c
		word = true
		return true
	}
	for _, r := range norm.NFC.String(name) {
		var piece string
		switch {
		case r == '\'' || r == '’':
			continue
		case unicode.IsMark(r):
			if !word {
				continue // a mark with no letter to sit on
			}
			piece = string(r)
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			piece = idForm(r)
		}
		if piece == "" {
			dash, word = sb.Len() > 0, false
			continue
		}
		if !write(piece) {
			break
		}
	}
	return sb.String()
}

// idForm is how one letter or digit is written in an id: its plain Latin
// letters and digits when its compatibility decomposition, accents left
// out, has only those (é → e, ﬁ → fi), else the character itself in lower
// case; "" for a number that is neither (a fraction such as ½ is "12").
func idForm(r rune) string {
	var plain strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, d):
		case d >= 'a' && d <= 'z' || d >= '0' && d <= '9':
			plain.WriteRune(d)
		case d >= 'A' && d <= 'Z':
			plain.WriteRune(d + 'a' - 'A')
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return string(unicode.ToLower(r))
			}
			return ""
		}
	}
	return plain.String()
}

// CheckID returns an error saying why id cannot name a document, or nil:
// an id is what Slugify makes of it (lowercase letters and digits joined
// by single '-'), at most MaxIDLen characters.
func CheckID(id string) error {
	if id == "" {
		return fmt.Errorf("an id cannot be empty")
	}
	if s := Slugify(id); s != id {
		if s == "" {
			s = FallbackID
		}
		return fmt.Errorf("%q is not an id: use lowercase letters, digits and single dashes, at most %d characters (e.g. %s)", id, MaxIDLen, s)
	}
	return nil
}

// NumberedID is the n-th id made from base when base is taken: "article-2",
// "article-3", …, shortening base so that the result keeps within MaxIDLen.
func NumberedID(base string, n int) string {
	suffix := "-" + strconv.Itoa(n)
	r := []rune(base)
	if keep := MaxIDLen - len(suffix); len(r) > keep {
		r = []rune(strings.TrimRight(string(r[:keep]), "-"))
	}
	return string(r) + suffix
}
