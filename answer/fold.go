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

// quotePieces folds a quote the way passages are folded and splits it at
// ellipses, which models use to elide words. It trims what models add
// around a quote: surrounding quote marks, spaces, leading and trailing
// punctuation. Pieces with no letter or digit are dropped.
func quotePieces(quote string) []string {
	q := fold(quote).s
	var pieces []string
	for _, p := range strings.Split(q, "...") {
		p = strings.TrimFunc(p, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '$' && r != '%'
		})
		if strings.IndexFunc(p, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			pieces = append(pieces, p)
		}
	}
	return pieces
}

// find locates the quote's pieces in order in f and returns the original
// text of each piece's span, or ok false when a piece is missing.
func (f folded) find(pieces []string) (spans [][2]int, ok bool) {
	if len(pieces) == 0 {
		return nil, false
	}
	from := 0
	for _, p := range pieces {
		i := strings.Index(f.s[from:], p)
		if i < 0 {
			return nil, false
		}
		i += from
		a, z := f.span(i, i+len(p))
		spans = append(spans, [2]int{a, z})
		from = i + len(p)
	}
	return spans, true
}
