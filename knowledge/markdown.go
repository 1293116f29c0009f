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

// line reads the next line of the document.
func (m *mdParser) line(line string) {
	if m.fence != "" {
		m.codeLine(line)
		return
	}
	t, ok := m.outsideComment(strings.TrimSpace(line))
	if !ok {
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
		m.atxHeading(t)
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
		m.listItem(t)
	case t[0] == '|':
		m.tableRow(t)
	default:
		m.para = append(m.para, t)
	}
}

// codeLine reads a line inside a fenced code block.
func (m *mdParser) codeLine(line string) {
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
}

// outsideComment returns the part of the trimmed line t that is not in an
// HTML comment running over several lines, and false when there is none.
func (m *mdParser) outsideComment(t string) (string, bool) {
	if m.inComment {
		_, after, ok := strings.Cut(t, "-->")
		if !ok {
			return "", false
		}
		m.inComment = false
		t = strings.TrimSpace(after)
	}
	if strings.HasPrefix(t, "<!--") && !strings.Contains(t, "-->") {
		m.flush()
		m.inComment = true
		return "", false
	}
	return t, true
}

// atxHeading reads a line starting with '#': a heading, or a "#hashtag".
func (m *mdParser) atxHeading(t string) {
	level := len(t) - len(strings.TrimLeft(t, "#"))
	if level > 6 || level < len(t) && t[level] != ' ' && t[level] != '\t' {
		m.para = append(m.para, t)
		return
	}
	m.flush()
	m.heading(level, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[level:]), "#")))
}

// listItem reads a list item, a paragraph of its own, without its marker
// or task box.
func (m *mdParser) listItem(t string) {
	m.flush()
	_, item, _ := strings.Cut(t, " ")
	item = strings.TrimSpace(item)
	for _, box := range []string{"[ ] ", "[x] ", "[X] "} {
		item = strings.TrimPrefix(item, box)
	}
	m.para = append(m.para, item)
}

// tableRow reads a table row, a paragraph of its own with its cells
// separated by " | ".
func (m *mdParser) tableRow(t string) {
	m.flush()
	cells := strings.Split(strings.Trim(t, "|"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	m.para = append(m.para, strings.Join(cells, " | "))
	m.flush()
}

func (m *mdParser) heading(level int, h string) {
	h = cleanLine(mdInline(h))
	if h == "" {
		return
	}
	if level == 1 && m.d.title == "" {
		m.d.title = h
	}
	m.d.blocks = append(m.d.blocks, block{text: h, heading: true, level: level})
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
		switch c := s[i]; c {
		case '\\':
			i = mdEscape(&sb, s, i)
		case '`':
			i = mdCodeSpan(&sb, s, i)
		case '!':
			i = mdImage(&sb, s, i)
		case '[':
			i = mdLinkText(&sb, s, i)
		case '<':
			i = mdTag(&sb, s, i)
		case '*', '_', '~':
			i = mdEmphasis(&sb, s, i)
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

// The md* writers below each read the inline element at s[i], write what
// a reader sees of it to sb, and return where the text after it starts.
// What is not the element they expect they write as it is.

// mdEscape reads a backslash escape: `\*` is "*".
func mdEscape(sb *strings.Builder, s string, i int) int {
	if i+1 < len(s) && isASCIIPunct(s[i+1]) {
		sb.WriteByte(s[i+1])
		return i + 2
	}
	sb.WriteByte(s[i])
	return i + 1
}

// mdCodeSpan reads a code span, keeping the code without its backticks.
func mdCodeSpan(sb *strings.Builder, s string, i int) int {
	n := runLen(s, i, '`')
	if end := strings.Index(s[i+n:], s[i:i+n]); end >= 0 {
		sb.WriteString(strings.TrimSpace(s[i+n : i+n+end]))
		return i + n + end + n
	}
	sb.WriteString(s[i : i+n])
	return i + n
}

// mdImage reads an image, which is dropped.
func mdImage(sb *strings.Builder, s string, i int) int {
	if i+1 < len(s) && s[i+1] == '[' {
		if _, next, ok := mdLink(s, i+1); ok {
			return next
		}
	}
	sb.WriteByte('!')
	return i + 1
}

// mdLinkText reads a link, keeping its text.
func mdLinkText(sb *strings.Builder, s string, i int) int {
	if text, next, ok := mdLink(s, i); ok {
		sb.WriteString(mdInline(text))
		return next
	}
	sb.WriteByte('[')
	return i + 1
}

// mdTag reads an HTML tag or comment, which is dropped, or an autolink,
// whose address is kept.
func mdTag(sb *strings.Builder, s string, i int) int {
	n := htmlTagLen(s[i:])
	if n == 0 {
		sb.WriteByte('<')
		return i + 1
	}
	if inner := s[i+1 : i+n-1]; strings.Contains(inner, "://") || strings.HasPrefix(inner, "mailto:") || strings.Contains(inner, "@") && !strings.ContainsAny(inner, " =") {
		sb.WriteString(inner)
	}
	return i + n
}

// mdEmphasis reads a run of emphasis marks, which is dropped unless it is
// text: "2 * 3", snake_case, "~5 km".
func mdEmphasis(sb *strings.Builder, s string, i int) int {
	c := s[i]
	n := runLen(s, i, c)
	before, after := byte(' '), byte(' ')
	if i > 0 {
		before = s[i-1]
	}
	if i+n < len(s) {
		after = s[i+n]
	}
	if isSpaceByte(before) && isSpaceByte(after) ||
		c == '_' && isASCIIAlnum(before) && isASCIIAlnum(after) ||
		c == '~' && n == 1 {
		sb.WriteString(s[i : i+n])
	}
	return i + n
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
