package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// folded is text in the form quotes are compared in: Unicode compatibility
// forms (NFKC), curly quotes made straight, dashes made one hyphen, every
// whitespace run one space, lower case. It keeps, for every byte, the span
// of the original text that produced it, so a match in the folded text is
// shown as the original's own words (“wasn’t” stays curly).
type folded struct {
	s     string
	start []int // start[i]: original byte offset where the text behind s[i] begins
	end   []int // end[i]: original byte offset where it ends
}

// fold folds text. See folded.
func fold(text string) folded {
	f := folded{start: make([]int, 0, len(text)), end: make([]int, 0, len(text))}
	b := make([]byte, 0, len(text))
	emit := func(r rune, a, z int) {
		n := len(b)
		b = utf8.AppendRune(b, r)
		for i := n; i < len(b); i++ {
			f.start = append(f.start, a)
			f.end = append(f.end, z)
		}
	}
	last := func() byte {
		if len(b) == 0 {
			return 0
		}
		return b[len(b)-1]
	}
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	var carry []byte
	for !it.Done() {
		a := it.Pos()
		seg := it.Next()
		z := it.Pos()
		if z == a && !it.Done() {
			// The iterator can hand out a decomposition in parts ("ﬁ" as
			// "f" then "i"); the first part consumes no input, so it is
			// carried over to the part that does.
			carry = append(carry, seg...)
			continue
		}
		if len(carry) > 0 {
			seg = append(carry, seg...)
			carry = nil
		}
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			switch {
			case unicode.IsSpace(r):
				// A space after a dash is dropped, so "a—b" and "a - b" match.
				if c := last(); c == ' ' || c == '-' {
					f.end[len(f.end)-1] = z
				} else if len(b) > 0 {
					emit(' ', a, z)
				}
			case isDash(r):
				if last() == '-' {
					f.end[len(f.end)-1] = z
					continue
				}
				if last() == ' ' {
					// The space before a dash is dropped too.
					b = b[:len(b)-1]
					f.start = f.start[:len(f.start)-1]
					f.end = f.end[:len(f.end)-1]
				}
				emit('-', a, z)
			case unicode.Is(unicode.Cf, r):
				// Soft hyphens, zero-width spaces and joiners are invisible.
			default:
				emit(foldRune(r), a, z)
			}
		}
	}
	f.s = string(b)
	return f
}

// foldRune straightens quotes and lower-cases.
func foldRune(r rune) rune {
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´', 'ʼ':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	}
	return unicode.ToLower(r)
}

func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', '⁃', '﹘', '﹣', '－':
		return true
	}
	return false
}

// span returns the original byte span behind f.s[i:j].
func (f folded) span(i, j int) (int, int) { return f.start[i], f.end[j-1] }

// quoteKey folds a quote the way passages are folded and trims what
// models add around a quote: surrounding quote marks, spaces, leading and
// trailing punctuation and ellipses ("... told him to enlist"). An ellipsis
// inside the quote stays, so words elided from the middle do not match and
// every quote shown is one span of the story. It returns "" for a quote with
// no letter or digit.
func quoteKey(quote string) string {
	q := strings.TrimFunc(fold(quote).s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '$' && r != '%'
	})
	if strings.IndexFunc(q, isWordRune) < 0 {
		return ""
	}
	return q
}

// find locates a folded quote (see quoteKey) in f and returns the span of
// the original text behind it, or ok false when it is not there.
func (f folded) find(key string) (start, end int, ok bool) {
	i := strings.Index(f.s, key)
	if key == "" || i < 0 {
		return 0, 0, false
	}
	start, end = f.span(i, i+len(key))
	return start, end, true
}
