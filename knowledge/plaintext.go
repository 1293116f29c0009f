package knowledge

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parsePlain reads plain text. Paragraphs are separated by blank lines,
// and split further where a line ends a sentence and the next is a list
// item or the lines are not hard-wrapped (see appendRun). Each block
// keeps its span of text, so that the document's text is the input itself
// and quotes are verbatim; its cleaned copy (wrapped lines joined, spaces
// collapsed) is what titles, boilerplate and passage sizes are judged by.
// A short first line followed by a blank line and without a full stop is
// the title. A Project Gutenberg book is cut to the text between its START
// and END markers, and titled from its "Title:" header line.
func parsePlain(text string, keepAll bool) draft {
	d := draft{spans: true}
	body, offset := text, 0
	if g, ok := cutGutenberg(text); ok {
		d.title = g.title
		if !keepAll {
			body, offset = g.body, g.offset
			d.dropped = g.dropped
		}
	}
	d.blocks = plainBlocks(body, offset, len(body) > minLazyText)
	cleanEnds(text, d.blocks)
	if d.title == "" && len(d.blocks) > 1 {
		if t := plainTitle(body); t != "" && d.blocks[0].text == t {
			d.title = t
			d.blocks[0].heading = true
		}
	}
	return d
}

// wrapWidth is the longest line, in characters, that hard-wrapped text has.
const wrapWidth = 100

// textLine is one non-blank line of plain text: its cleaned copy and the span
// of text from its first to its last non-space character.
type textLine struct {
	text       string
	start, end int
}

// plainBlocks splits text, which starts at offset in the document's text,
// into blocks whose spans are offsets into the document's text; when lazy,
// long blocks keep their span as written (see cleanEnds).
func plainBlocks(text string, offset int, lazy bool) []block {
	var blocks []block
	var lines []textLine
	for rest := text; rest != ""; {
		at := offset + len(text) - len(rest)
		raw, next, _ := strings.Cut(rest, "\n")
		rest = next
		if l := cleanLine(raw); l != "" {
			lead := len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
			trail := len(strings.TrimRightFunc(raw, unicode.IsSpace))
			lines = append(lines, textLine{text: l, start: at + lead, end: at + trail})
			continue
		}
		blocks = appendRun(blocks, lines, text, offset, lazy)
		lines = lines[:0]
	}
	return appendRun(blocks, lines, text, offset, lazy)
}

// appendRun makes blocks of a run of non-blank lines, which lie in text
// (starting at offset in the document's text). A block ends only at the
// end of a line where a sentence ends, as Sentences sees it (a single line
// break inside a sentence is a space), so that passages never split a
// sentence: in hard-wrapped text (no line but the last longer than
// wrapWidth characters) before a list item, otherwise after every such
// line, as in text whose paragraphs are single long lines.
func appendRun(blocks []block, lines []textLine, text string, offset int, lazy bool) []block {
	if len(lines) == 0 {
		return blocks
	}
	wrapped := hardWrapped(lines)
	var ends map[int]bool // where sentences end, worked out when first needed
	breakBefore := func(k int) bool {
		if wrapped && !isListItem(lines[k].text) {
			return false
		}
		if ends == nil {
			from, to := lines[0].start, lines[len(lines)-1].end
			ends = map[int]bool{}
			for _, s := range Sentences(text[from-offset : to-offset]) {
				ends[from+s[1]] = true
			}
		}
		return ends[lines[k-1].end]
	}
	first := 0
	for k := 1; k <= len(lines); k++ {
		if k < len(lines) && !breakBefore(k) {
			continue
		}
		blocks = append(blocks, joinLines(lines[first:k], text, offset, lazy))
		first = k
	}
	return blocks
}

// Past the ends of a document, the text of a long block is its span as
// written rather than a cleaned copy of it: only the ends of a document
// are judged by their text (the boilerplate rule, titles), and a cleaned
// copy of everything would hold a large book twice in memory. Its words
// are counted as in the cleaned copy all the same.
const (
	minLazyText   = 4 << 20                 // text of up to this many bytes is cleaned whole
	maxLazyBlock  = 150                     // a block of up to this many bytes always has its cleaned text
	cleanEndWords = 2 * maxBoilerplateWords // cleanEnds cleans at least this many words at each end…
	cleanEndBytes = 2 * bodySampleBytes     // …and this many bytes
)

// cleanEnds gives the blocks at either end of a document, which lie in
// text, their cleaned text.
func cleanEnds(text string, blocks []block) {
	clean := func(i int) {
		if b := &blocks[i]; b.raw {
			b.text, b.raw = cleanSpan(text[b.start:b.end]), false
		}
	}
	words, size := 0, 0
	for i := 0; i < len(blocks) && (words < cleanEndWords || size < cleanEndBytes); i++ {
		clean(i)
		words, size = words+blocks[i].words, size+len(blocks[i].text)
	}
	words, size = 0, 0
	for i := len(blocks) - 1; i >= 0 && (words < cleanEndWords || size < cleanEndBytes); i-- {
		clean(i)
		words, size = words+blocks[i].words, size+len(blocks[i].text)
	}
}

// cleanSpan is the cleaned text of a block of several lines: each line
// cleaned, joined to the next by a space unless it ends in a dash that
// joins words.
func cleanSpan(span string) string {
	var lines []string
	for l := range strings.Lines(span) {
		if l = cleanLine(l); l != "" {
			lines = append(lines, l)
		}
	}
	return joinCleaned(lines, len(span))
}

func joinCleaned(lines []string, size int) string {
	var sb strings.Builder
	sb.Grow(size)
	for i, l := range lines {
		if i > 0 && !endsWithDash(lines[i-1]) {
			sb.WriteByte(' ')
		}
		sb.WriteString(l)
	}
	return sb.String()
}

func hardWrapped(lines []textLine) bool {
	for _, l := range lines[:len(lines)-1] {
		if len(l.text) > wrapWidth && utf8.RuneCountInString(l.text) > wrapWidth {
			return false
		}
	}
	return true
}

// joinLines makes a block of lines, which lie in text (starting at offset
// in the document's text): their span, and their cleaned copies joined into
// one line, or when lazy for a long block the span as written (see
// cleanEnds).
func joinLines(lines []textLine, text string, offset int, lazy bool) block {
	first, last := lines[0], lines[len(lines)-1]
	if len(lines) == 1 {
		return block{text: first.text, heading: looksLikeHeading(first.text), start: first.start, end: first.end}
	}
	b := block{start: first.start, end: last.end}
	if lazy && b.end-b.start > maxLazyBlock {
		b.text, b.raw, b.words = text[b.start-offset:b.end-offset], true, joinedWords(lines)
		return b
	}
	cleaned := make([]string, len(lines))
	size := 0
	for i, l := range lines {
		cleaned[i] = l.text
		size += len(l.text) + 1
	}
	b.text = joinCleaned(cleaned, size)
	return b
}

// joinedWords counts the words of lines joined as joinLines joins them:
// a line ending in a dash that joins words runs on into the next.
func joinedWords(lines []textLine) int {
	n := 0
	for i, l := range lines {
		n += countWords(l.text)
		if i > 0 && endsWithDash(lines[i-1].text) {
			// The last run of the line before and the first of this one
			// are one run.
			a, b := lastRun(lines[i-1].text), firstRun(l.text)
			if a > 0 && b > 0 {
				n += runWords(a+b) - runWords(a) - runWords(b)
			}
		}
	}
	return n
}

// firstRun and lastRun are the lengths of the runs of non-space bytes that
// start and end s.
func firstRun(s string) int {
	n := 0
	for n < len(s) && asciiSpace[s[n]] == 0 {
		n++
	}
	return n
}

func lastRun(s string) int {
	n := 0
	for n < len(s) && asciiSpace[s[len(s)-1-n]] == 0 {
		n++
	}
	return n
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
	offset  int // where body starts in the text
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
		g.offset = startEnd
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

// Unwrap joins the hard-wrapped lines of s, a quote or a passage, for
// display: within each paragraph, a line break where the text was wrapped
// becomes a space (none after a dash that joins words: "sea-" "chest"),
// while breaks that mean something stay: before a list item, after a line
// that ends well short of the paragraph's width (the next word would have
// fitted), in a paragraph with indented lines (verse, an address) and in
// text whose lines are not hard-wrapped at all. Paragraphs stay apart by one blank
// line. Only white space changes: the words are the story's own.
func Unwrap(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "\n") {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i, p := range splitParagraphs(s) {
		if i > 0 {
			sb.WriteString("\n\n")
		}
		unwrapParagraph(&sb, p)
	}
	return sb.String()
}

// splitParagraphs splits s at its blank lines.
func splitParagraphs(s string) []string {
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, " \t\r\n")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return paras
}

// unwrapParagraph writes the lines of one paragraph, joined where they
// were wrapped.
func unwrapParagraph(sb *strings.Builder, p string) {
	lines := strings.Split(p, "\n")
	width := 0
	tl := make([]textLine, len(lines))
	indented := false // a line but the first is indented: verse, an address
	for i, l := range lines {
		width = max(width, utf8.RuneCountInString(l))
		tl[i] = textLine{text: l}
		indented = indented || i > 0 && (l[0] == ' ' || l[0] == '\t')
	}
	wrapped := hardWrapped(tl) && !indented
	for i, l := range lines {
		if i == 0 {
			sb.WriteString(l)
			continue
		}
		next := l
		prev := lines[i-1]
		keep := !wrapped || isListItem(next) ||
			// The line before ended short although the next word would have
			// fitted: the break is the writer's. The quote's first line may
			// be the tail of a wrapped one, so it is not judged.
			i > 1 && utf8.RuneCountInString(prev)+1+utf8.RuneCountInString(firstField(next)) <= width
		switch {
		case keep:
			sb.WriteByte('\n')
			sb.WriteString(l)
			continue
		case !endsWithDash(prev):
			sb.WriteByte(' ')
		}
		sb.WriteString(next)
	}
}

func firstField(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}
