package knowledge

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// parsePlain reads plain text. Paragraphs are separated by blank lines.
// Within a paragraph, hard-wrapped lines (none but the last longer than
// wrapWidth characters) are joined into one line; otherwise each line is a
// paragraph of its own, as in text whose paragraphs are single long lines.
// A short first line followed by a blank line and without a full stop is
// the title. A Project Gutenberg book is cut to the text between its START
// and END markers, and titled from its "Title:" header line.
func parsePlain(text string, keepAll bool) draft {
	var d draft
	if g, ok := cutGutenberg(text); ok {
		d.title = g.title
		if !keepAll {
			text = g.body
			d.dropped = g.dropped
		}
	}
	d.blocks = plainBlocks(text)
	if d.title == "" && len(d.blocks) > 1 {
		if t := plainTitle(text); t != "" && d.blocks[0].text == t {
			d.title = t
			d.blocks[0].heading = true
		}
	}
	return d
}

// wrapWidth is the longest line, in characters, that hard-wrapped text has.
const wrapWidth = 100

func plainBlocks(text string) []block {
	var blocks []block
	var lines []string
	flush := func() {
		switch {
		case len(lines) == 0:
			return
		case len(lines) == 1 || !hardWrapped(lines):
			for _, l := range lines {
				blocks = append(blocks, block{text: l, heading: looksLikeHeading(l)})
			}
		default:
			blocks = appendWrapped(blocks, lines)
		}
		lines = lines[:0]
	}
	for text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		if l := cleanLine(line); l != "" {
			lines = append(lines, l)
		} else {
			flush()
		}
	}
	flush()
	return blocks
}

func hardWrapped(lines []string) bool {
	for _, l := range lines[:len(lines)-1] {
		if len(l) > wrapWidth && utf8.RuneCountInString(l) > wrapWidth {
			return false
		}
	}
	return true
}

// appendWrapped joins hard-wrapped lines into paragraphs; a list item
// starts a new one.
func appendWrapped(blocks []block, lines []string) []block {
	for len(lines) > 0 {
		n := 1 // lines in this paragraph
		for n < len(lines) && !isListItem(lines[n]) {
			n++
		}
		if n == 1 {
			blocks = append(blocks, block{text: lines[0], heading: looksLikeHeading(lines[0])})
			lines = lines[1:]
			continue
		}
		size := 0
		for _, l := range lines[:n] {
			size += len(l) + 1
		}
		var sb strings.Builder
		sb.Grow(size)
		for i, l := range lines[:n] {
			if i > 0 && !endsWithDash(lines[i-1]) {
				sb.WriteByte(' ')
			}
			sb.WriteString(l)
		}
		blocks = append(blocks, block{text: sb.String()})
		lines = lines[n:]
	}
	return blocks
}

// endsWithDash reports whether a wrapped line ends in a dash that joins
// the next line without a space: "well-" "known", "then--" "he".
func endsWithDash(s string) bool {
	if strings.HasSuffix(s, "—") || strings.HasSuffix(s, "--") {
		return true
	}
	return len(s) >= 2 && s[len(s)-1] == '-' && isASCIILetter(s[len(s)-2])
}

// isListItem reports whether a line starts with a bullet or a number
// ("- ", "* ", "• ", "3. ", "3) ").
func isListItem(l string) bool {
	if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "+ ") || strings.HasPrefix(l, "• ") {
		return true
	}
	i := 0
	for i < len(l) && i < 4 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// plainTitle returns the first line of text when it reads as a title: at
// most maxTitleLen bytes, a letter in it, no full stop at the end (nor a ?
// or ! after more than ten words), and a blank line after it.
func plainTitle(text string) string {
	text = strings.TrimLeft(text, " \t\n\f\v")
	line, rest, ok := strings.Cut(text, "\n")
	if !ok {
		return ""
	}
	next, _, _ := strings.Cut(rest, "\n")
	if strings.TrimSpace(next) != "" {
		return ""
	}
	line = cleanLine(line)
	if len(line) > maxTitleLen || !hasWord(line) {
		return ""
	}
	// "Who Killed Laura Palmer?" is a title; a sentence is not.
	switch end := strings.TrimRight(line, `"'”’)`); {
	case strings.HasSuffix(end, ".") || strings.HasSuffix(end, "…"):
		return ""
	case (strings.HasSuffix(end, "!") || strings.HasSuffix(end, "?")) && countWords(line) > 10:
		return ""
	}
	return line
}

// gutenberg is a Project Gutenberg book cut out of its header and licence.
type gutenberg struct {
	title   string
	body    string
	dropped []string
}

// cutGutenberg finds the "*** START OF THE PROJECT GUTENBERG EBOOK … ***"
// and "*** END OF THE PROJECT GUTENBERG EBOOK … ***" lines (any case, also
// "THIS PROJECT") and keeps what lies between.
func cutGutenberg(text string) (gutenberg, bool) {
	startAt, startEnd := findMarker(text, 0, "start of th")
	endAt, _ := findMarker(text, max(startEnd, 0), "end of th")
	if startAt < 0 && endAt < 0 {
		return gutenberg{}, false
	}
	var g gutenberg
	body := text
	if endAt >= 0 {
		body = text[:endAt]
		lic := text[endAt:]
		if final := lastLine(body); isGutenbergEndLine(final) {
			// An older book ends with "End of the Project Gutenberg EBook of …".
			body = strings.TrimRight(body, " \t\n")
			body = body[:len(body)-len(final)]
		}
		g.dropped = append(g.dropped, "Project Gutenberg licence ("+strconv.Itoa(countLines(lic))+" lines)")
	}
	if startAt >= 0 {
		header := text[:startEnd]
		body = body[startEnd:]
		g.title = gutenbergTitle(header)
		g.dropped = append([]string{"Project Gutenberg header (" + strconv.Itoa(countLines(header)) + " lines)"}, g.dropped...)
	}
	g.body = body
	return g, true
}

// findMarker returns the start and end (after its newline) of the first
// line at or after from that starts with "***" and holds what and
// "project gutenberg", or -1, -1.
func findMarker(text string, from int, what string) (int, int) {
	for from < len(text) {
		i := strings.Index(text[from:], "***")
		if i < 0 {
			return -1, -1
		}
		i += from
		lineStart := strings.LastIndexByte(text[:i], '\n') + 1
		lineEnd := len(text)
		if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
			lineEnd = i + j + 1
		}
		if strings.TrimSpace(text[lineStart:i]) == "" {
			l := strings.ToLower(text[i:lineEnd])
			if strings.Contains(l, what) && strings.Contains(l, "project gutenberg") {
				return lineStart, lineEnd
			}
		}
		from = lineEnd
	}
	return -1, -1
}

func countLines(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

func lastLine(s string) string {
	s = strings.TrimRight(s, " \t\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func isGutenbergEndLine(l string) bool {
	l = strings.ToLower(strings.TrimSpace(l))
	return strings.HasPrefix(l, "end of the project gutenberg") || strings.HasPrefix(l, "end of project gutenberg")
}

// gutenbergTitle reads the "Title:" line of a Project Gutenberg header,
// with its indented continuation lines.
func gutenbergTitle(header string) string {
	var parts []string
	in := false
	for line := range strings.Lines(header) {
		switch {
		case !in && strings.HasPrefix(line, "Title:"):
			in = true
			parts = append(parts, cleanLine(strings.TrimPrefix(line, "Title:")))
		case in && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && strings.TrimSpace(line) != "":
			parts = append(parts, cleanLine(line))
		case in:
			return strings.Join(parts, " ")
		}
	}
	return strings.Join(parts, " ")
}
