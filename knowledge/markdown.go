package knowledge

import (
	"html"
	"strings"
)

// parseMarkdown reduces Markdown to readable text. Front matter between
// "---" lines gives the title and date; otherwise the first level-one
// heading is the title. Headings, list items, table rows and code blocks
// become paragraphs of their own; emphasis, link targets, images, HTML tags
// and comments are removed, leaving the words a reader sees. Code is kept
// as written.
func parseMarkdown(text string) draft {
	var d draft
	text = readFrontMatter(text, &d)
	m := mdParser{d: &d}
	for line := range strings.Lines(text) {
		m.line(strings.TrimRight(line, "\n"))
	}
	m.flush()
	m.flushCode()
	return d
}

type mdParser struct {
	d         *draft
	para      []string // lines of the paragraph being read
	fence     string   // the opening fence while inside a code block
	code      []string // lines of the code block being read
	inComment bool
}

func (m *mdParser) line(line string) {
	if m.fence != "" {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, m.fence) && strings.Trim(t, m.fence[:1]) == "" {
			m.flushCode()
			m.fence = ""
			return
		}
		if strings.TrimSpace(line) == "" {
			m.flushCode()
			return
		}
		m.code = append(m.code, strings.TrimRight(line, " \t"))
		return
	}
	t := strings.TrimSpace(line)
	if m.inComment {
		if _, after, ok := strings.Cut(t, "-->"); ok {
			m.inComment = false
			t = strings.TrimSpace(after)
		} else {
			return
		}
	}
	if strings.HasPrefix(t, "<!--") && !strings.Contains(t, "-->") {
		m.flush()
		m.inComment = true
		return
	}
	for strings.HasPrefix(t, ">") {
		t = strings.TrimSpace(t[1:])
	}
	switch {
	case t == "":
		m.flush()
	case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
		m.flush()
		n := len(t) - len(strings.TrimLeft(t, t[:1]))
		m.fence = t[:n]
	case t[0] == '#':
		level := len(t) - len(strings.TrimLeft(t, "#"))
		if level > 6 || level < len(t) && t[level] != ' ' && t[level] != '\t' {
			m.para = append(m.para, t) // "#hashtag", not a heading
			return
		}
		m.flush()
		h := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[level:]), "#"))
		m.heading(level, h)
	case len(m.para) > 0 && isUnderline(t):
		level := 2
		if t[0] == '=' {
			level = 1
		}
		h := strings.Join(m.para, " ")
		m.para = m.para[:0]
		m.heading(level, h)
	case isRule(t), isLinkDefinition(t), isTableSeparator(t):
		m.flush()
	case isListItem(t):
		m.flush()
		_, item, _ := strings.Cut(t, " ")
		item = strings.TrimSpace(item)
		for _, box := range []string{"[ ] ", "[x] ", "[X] "} {
			item = strings.TrimPrefix(item, box)
		}
		m.para = append(m.para, item)
	case t[0] == '|':
		m.flush()
		cells := strings.Split(strings.Trim(t, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		m.para = append(m.para, strings.Join(cells, " | "))
		m.flush()
	default:
		m.para = append(m.para, t)
	}
}

func (m *mdParser) heading(level int, h string) {
	h = cleanLine(mdInline(h))
	if h == "" {
		return
	}
	if level == 1 && m.d.title == "" {
		m.d.title = h
	}
	m.d.blocks = append(m.d.blocks, block{text: h, heading: true})
}

// flush ends the paragraph being read.
func (m *mdParser) flush() {
	if len(m.para) == 0 {
		return
	}
	s := cleanLine(mdInline(strings.Join(m.para, " ")))
	if s != "" {
		m.d.blocks = append(m.d.blocks, block{text: s, heading: len(m.para) == 1 && looksLikeHeading(s)})
	}
	m.para = m.para[:0]
}

// flushCode ends a run of code lines; code keeps its line breaks.
func (m *mdParser) flushCode() {
	if len(m.code) == 0 {
		return
	}
	s := strings.TrimSpace(strings.Join(m.code, "\n"))
	for i := range s {
		if s[i] < 0x20 && s[i] != '\n' && s[i] != '\t' {
			s = cleanCode(s)
			break
		}
	}
	if s != "" {
		m.d.blocks = append(m.d.blocks, block{text: s})
	}
	m.code = m.code[:0]
}

// cleanCode turns control characters in code, other than tabs and line
// breaks, into spaces.
func cleanCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// readFrontMatter reads "key: value" lines between a leading "---" line and
// the next "---" (or "...") line, keeping title and date, and returns the
// text after it. Text without front matter is returned unchanged.
func readFrontMatter(text string, d *draft) string {
	first, rest, ok := strings.Cut(text, "\n")
	if !ok || strings.TrimSpace(first) != "---" {
		return text
	}
	var title, date string
	for off := 0; off < len(rest); {
		line, _, _ := strings.Cut(rest[off:], "\n")
		next := off + len(line) + 1
		switch t := strings.TrimSpace(line); t {
		case "---", "...":
			d.title = cleanLine(title)
			if len(date) >= 10 && isDate(date[:10]) {
				d.date = date[:10]
			}
			return rest[min(next, len(rest)):]
		}
		if key, value, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(key, " ") {
			value = strings.Trim(strings.TrimSpace(value), `"'`)
			switch strings.ToLower(strings.TrimSpace(key)) {
			case "title":
				title = value
			case "date":
				date = value
			}
		}
		off = next
	}
	return text // never closed: not front matter
}

// isUnderline reports whether t underlines a setext heading: "===" or "---".
func isUnderline(t string) bool {
	return (t[0] == '=' || t[0] == '-') && strings.Trim(t, t[:1]) == ""
}

// isRule reports whether t is a thematic break: "***", "- - -", "___".
func isRule(t string) bool {
	c := t[0]
	if c != '*' && c != '-' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// isLinkDefinition reports whether t defines a reference link: "[id]: url".
func isLinkDefinition(t string) bool {
	if t[0] != '[' {
		return false
	}
	i := strings.Index(t, "]:")
	return i > 1 && !strings.ContainsAny(t[1:i], "[]")
}

// isTableSeparator reports whether t is a table's "|---|:--:|" line.
func isTableSeparator(t string) bool {
	if !strings.Contains(t, "-") || !strings.Contains(t, "|") {
		return false
	}
	return strings.Trim(t, "|-: \t") == ""
}

// maxLinkScan bounds how far a '[' or '(' looks for its partner, so
// pathological input stays linear.
const maxLinkScan = 2000

// mdInline removes inline Markdown: emphasis, code spans' backticks,
// links (keeping their text), images, autolinks' angle brackets, HTML tags
// and backslash escapes; character references are decoded.
func mdInline(s string) string {
	if !strings.ContainsAny(s, "\\`*_~[]<>&!") {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			sb.WriteByte(s[i+1])
			i += 2
		case c == '`':
			n := runLen(s, i, '`')
			if end := strings.Index(s[i+n:], s[i:i+n]); end >= 0 {
				sb.WriteString(strings.TrimSpace(s[i+n : i+n+end]))
				i += n + end + n
			} else {
				sb.WriteString(s[i : i+n])
				i += n
			}
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if _, next, ok := mdLink(s, i+1); ok {
				i = next // images are dropped
			} else {
				sb.WriteByte('!')
				i++
			}
		case c == '[':
			if text, next, ok := mdLink(s, i); ok {
				sb.WriteString(mdInline(text))
				i = next
			} else {
				sb.WriteByte('[')
				i++
			}
		case c == '<':
			if n := htmlTagLen(s[i:]); n > 0 {
				if inner := s[i+1 : i+n-1]; strings.Contains(inner, "://") || strings.HasPrefix(inner, "mailto:") || strings.Contains(inner, "@") && !strings.ContainsAny(inner, " =") {
					sb.WriteString(inner) // an autolink
				}
				i += n
			} else {
				sb.WriteByte('<')
				i++
			}
		case c == '*' || c == '_' || c == '~':
			n := runLen(s, i, c)
			before, after := byte(' '), byte(' ')
			if i > 0 {
				before = s[i-1]
			}
			if i+n < len(s) {
				after = s[i+n]
			}
			keep := isSpaceByte(before) && isSpaceByte(after) || // "2 * 3"
				c == '_' && isASCIIAlnum(before) && isASCIIAlnum(after) || // snake_case
				c == '~' && n == 1 // "~5 km"
			if keep {
				sb.WriteString(s[i : i+n])
			}
			i += n
		default:
			sb.WriteByte(c)
			i++
		}
	}
	out := sb.String()
	if strings.IndexByte(out, '&') >= 0 {
		out = html.UnescapeString(out)
	}
	return out
}

// mdLink reads "[text](dest)", "[text][ref]" or "[text][]" at s[i] and
// returns the text and where the link ends.
func mdLink(s string, i int) (text string, next int, ok bool) {
	close := matchBracket(s, i, '[', ']')
	if close < 0 || close+1 >= len(s) {
		return "", 0, false
	}
	switch s[close+1] {
	case '(':
		if end := matchBracket(s, close+1, '(', ')'); end >= 0 {
			return s[i+1 : close], end + 1, true
		}
	case '[':
		if end := matchBracket(s, close+1, '[', ']'); end >= 0 {
			return s[i+1 : close], end + 1, true
		}
	}
	return "", 0, false
}

// matchBracket returns the index of the bracket closing the one at s[i],
// or -1.
func matchBracket(s string, i int, open, close byte) int {
	depth := 0
	for j := i; j < len(s) && j-i < maxLinkScan; j++ {
		switch s[j] {
		case '\\':
			j++
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// htmlTagLen returns the length of the HTML tag, comment or autolink at
// the start of s ("<b>", "</a>", "<br/>", "<!-- x -->", "<https://x>"), or 0.
func htmlTagLen(s string) int {
	if strings.HasPrefix(s, "<!--") {
		if end := strings.Index(s, "-->"); end >= 0 {
			return end + 3
		}
		return 0
	}
	if len(s) < 3 || !(isASCIILetter(s[1]) || s[1] == '/' && isASCIILetter(s[2])) {
		return 0
	}
	end := strings.IndexByte(s[:min(len(s), maxLinkScan)], '>')
	if end < 0 || strings.IndexByte(s[:end], '<') > 0 {
		return 0
	}
	return end + 1
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
