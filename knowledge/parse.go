package knowledge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParseOptions controls Parse.
type ParseOptions struct {
	Name    string // file name: picks the format (.md/.markdown → Markdown, .html/.htm → HTML, else plain text) and the id
	ID      string // when set, the document's id (see CheckID), chosen by whoever ingests it
	Title   string // when set, overrides title detection
	Date    string // YYYY-MM-DD document date; when empty, a `date:` line in Markdown front matter is used
	KeepAll bool   // keep boilerplate blocks instead of dropping them
}

// Parsed is a document ready to index: the Document and its passages in order.
type Parsed struct {
	Doc      Document
	Passages []Passage
}

// Passage sizes, in words (as countWords counts them). Paragraphs longer
// than maxPassageWords are split at sentence boundaries into balanced
// chunks, and a sentence longer than that at words (or characters);
// fragments shorter than minPassageWords are merged with a neighbour.
const (
	minPassageWords = 40
	maxPassageWords = 200
)

// A run of characters without a space longer than longRun bytes counts as
// one word per bytesPerWord bytes: text written without spaces (Chinese,
// Japanese, Thai) or a line of 30 MB with none has a size too.
const (
	longRun      = 24
	bytesPerWord = 6
)

// Parse reads one document from raw bytes and splits it into passages.
//
// opt.Name is the file name: its extension picks the format (.md and
// .markdown are Markdown, .html and .htm HTML, anything else plain text)
// and its base name gives the document's id (Slugify; else the title's,
// else FallbackID), unless opt.ID names it. opt.Title and opt.Date, when
// set, stand in for what Parse would find; opt.KeepAll keeps what would be
// dropped as boilerplate.
//
// Document.Text is the text the passages point into: for plain text the
// input itself, without a byte order mark and with LF line endings, so
// every quote is verbatim in the file; for Markdown and HTML the text a
// reader sees, its paragraphs separated by a blank line. The Passages are
// in document order, each exactly Document.Text[Start:End], of roughly
// 40–200 words, never splitting a sentence, with ids "<slug>#<n>" that
// depend only on the input and the options. Together they hold all of the
// text but what was dropped: boilerplate (dropBoilerplate), a Project
// Gutenberg header and licence, and HTML page furniture, all listed in
// Document.Dropped, and the first of a title written twice. Document.Hash
// is the same for the same input, options and ParserVersion.
//
// Parse returns ErrNotText for input that is not UTF-8 text (invalid UTF-8,
// a NUL byte, many control characters), ErrEmptyDocument when no letter or
// digit is left to index, and an error for an opt.Date not written
// YYYY-MM-DD; each error is wrapped with opt.Name.
func Parse(data []byte, opt ParseOptions) (Parsed, error) {
	return ParseReader(bytes.NewReader(data), len(data), opt) // one copy of data, LF made as it is copied
}

// ParseReader is Parse of what r holds, read to its end. Line endings are
// made LF as it reads, so the text is held in memory once (size, the
// number of bytes r is expected to hold, sizes the buffer). A read error
// is returned wrapped with opt.Name.
func ParseReader(r io.Reader, size int, opt ParseOptions) (Parsed, error) {
	h := sha256.New()
	var sb strings.Builder
	sb.Grow(size + 1)
	if _, err := io.Copy(io.MultiWriter(h, &lfWriter{sb: &sb}), r); err != nil {
		return Parsed{}, fmt.Errorf("%s: %w", opt.Name, err)
	}
	text := sb.String()
	return parse(text, strings.TrimPrefix(text, "\uFEFF"), h, opt)
}

// lfWriter writes to sb what it is given with CRLF and CR line endings
// made LF.
type lfWriter struct {
	sb *strings.Builder
	cr bool // the last byte written was a CR, made LF: an LF after it is dropped
}

func (w *lfWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if w.cr {
			w.cr = false
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
		}
		i := bytes.IndexByte(p, '\r')
		if i < 0 {
			w.sb.Write(p)
			break
		}
		w.sb.Write(p[:i])
		w.sb.WriteByte('\n')
		w.cr, p = true, p[i+1:]
	}
	return n, nil
}

// parse parses input, whose normalised form is text (no byte order mark,
// LF line endings) and whose bytes h has hashed.
func parse(input, text string, h hash.Hash, opt ParseOptions) (Parsed, error) {
	name := opt.Name
	if err := checkText(input); err != nil {
		return Parsed{}, fmt.Errorf("%s: %w", name, err)
	}
	if opt.Date != "" && !isDate(opt.Date) {
		return Parsed{}, fmt.Errorf("%s: date %q is not YYYY-MM-DD", name, opt.Date)
	}
	format := formatOf(name)
	sum := hashInput(h, format, opt)

	var d draft
	switch format {
	case formatMarkdown:
		d = parseMarkdown(text)
	case formatHTML:
		d = parseHTML(text, opt.KeepAll)
	default:
		d = parsePlain(text, opt.KeepAll)
	}

	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	doc := Document{
		Slug:    opt.ID,
		Named:   opt.ID != "",
		Title:   firstNonEmpty(opt.Title, d.title, titleFromName(base)),
		Source:  name,
		Hash:    sum,
		Date:    opt.Date,
		Dropped: d.dropped,
	}
	switch {
	case doc.Date != "":
		doc.DateSource = DateConfigured
	case d.date != "":
		doc.Date, doc.DateSource = d.date, firstNonEmpty(d.dateSource, DateConfigured)
	}
	if doc.Slug == "" {
		doc.Slug = firstNonEmpty(Slugify(base), Slugify(doc.Title), FallbackID)
	}
	for i := range d.blocks {
		d.blocks[i].seq = i
	}
	blocks := dropRepeatedTitle(d.blocks)
	for i := range blocks {
		if !blocks[i].raw { // a raw block's words are counted already
			blocks[i].words = countWords(blocks[i].text)
		}
	}
	if !opt.KeepAll {
		var dropped []string
		blocks, dropped = dropBoilerplate(blocks, text, d.spans)
		doc.Dropped = append(doc.Dropped, dropped...)
	}
	if !slices.ContainsFunc(blocks, func(b block) bool { return hasWord(b.text) }) {
		return Parsed{}, fmt.Errorf("%s: %w", name, ErrEmptyDocument)
	}
	markChapters(text, blocks, doc.Title)
	var paras []para
	if d.spans {
		paras = spanBlocks(blocks)
	} else {
		text, paras = joinBlocks(blocks)
	}
	doc.Text = text
	return Parsed{Doc: doc, Passages: splitPassages(text, paras, doc.Slug)}, nil
}

// block is one paragraph of cleaned text: wrapped lines joined, runs of
// white space collapsed, no leading or trailing space. Titles, boilerplate
// and word counts are judged on it. A long paragraph in the middle of plain
// text is raw instead: its text is its span as written (cleanEnds).
type block struct {
	text    string
	raw     bool // text is the span as written, not cleaned; words are counted
	heading bool // a title or heading: merged with what follows
	level   int  // 1–6 for a Markdown or HTML heading, else 0
	words   int  // set by Parse once the format parser is done
	seq     int  // position among the format parser's blocks, set by Parse

	chapter      string // the chapter it belongs to, set by markChapters
	chapterStart bool   // it opens that chapter

	// start and end locate the paragraph in the input when the draft has
	// spans: text is then a cleaned copy of that span.
	start, end int
}

// draft is what a format parser hands back to Parse.
type draft struct {
	blocks     []block
	spans      bool // the blocks' spans point into the input, which is Document.Text
	title      string
	date       string
	dateSource string // DateConfigured (front matter) or DateMetadata (a web page's); "" is configured
	dropped    []string
}

type format int

const (
	formatText format = iota
	formatMarkdown
	formatHTML
)

func (f format) String() string {
	return [...]string{"text", "markdown", "html"}[f]
}

func formatOf(name string) format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		return formatMarkdown
	case ".html", ".htm":
		return formatHTML
	}
	return formatText
}

// checkText rejects input that is not UTF-8 text: invalid UTF-8, a NUL
// byte, or more than a couple of control characters (other than white
// space and escape) making up over one byte in a hundred.
func checkText(data string) error {
	if !utf8.ValidString(data) || strings.IndexByte(data, 0) >= 0 {
		return ErrNotText
	}
	controls := 0
	for i := 0; i < len(data); i++ {
		controls += int(controlByte[data[i]])
	}
	if controls > 2 && controls*100 > len(data) {
		return ErrNotText
	}
	return nil
}

// controlByte is 1 for the control characters that text does not have:
// C0 controls other than white space and escape.
var controlByte = func() (t [256]uint8) {
	for c := range 0x20 {
		if asciiSpace[c] == 0 && c != 0x1b {
			t[c] = 1
		}
	}
	return t
}()

// ParserVersion is the version of what Parse makes of its input. It goes
// into Document.Hash, so that an index re-parses an unchanged file ingested
// by an older storybot. Raise it whenever Parse's output changes for the
// same input and options. 2: chapters, passages bounded whatever the text.
const ParserVersion = 2

// hashInput is the SHA-256 of the raw input, which h has hashed, followed
// by the parser's version and the options that change the result.
func hashInput(h hash.Hash, f format, opt ParseOptions) string {
	return hashVersion(h, f, opt, ParserVersion)
}

func hashVersion(h hash.Hash, f format, opt ParseOptions, version int) string {
	fmt.Fprintf(h, "\x00storybot parser %d\x00format=%s\x00keepall=%t\x00title=%s\x00date=%s",
		version, f, opt.KeepAll, opt.Title, opt.Date)
	return hex.EncodeToString(h.Sum(nil))
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// dropRepeatedTitle removes a title line repeated right after itself, as
// pages copied from the web often have. It keeps the second copy, so that
// the title and the text after it stay one span of the input.
func dropRepeatedTitle(blocks []block) []block {
	if len(blocks) >= 2 && blocks[0].heading && len(blocks[0].text) <= maxTitleLen &&
		strings.EqualFold(blocks[0].text, blocks[1].text) {
		blocks[1].heading = true
		return blocks[1:]
	}
	return blocks
}

// para is a span of Document.Text: a paragraph, a passage or a part of one.
type para struct {
	start, end int
	words      int
	heading    bool   // a heading or a lead-in ending without a full stop: joins what follows
	cut        bool   // a dropped block lies right before it: it joins nothing before it
	chapter    string // the chapter it belongs to
	opens      bool   // it opens that chapter: it joins nothing before it but headings
	text       bool   // it holds more than headings, set by splitPassages
}

// spanBlocks returns where each block lies in the input, for blocks that
// keep their spans.
func spanBlocks(blocks []block) []para {
	paras := make([]para, 0, len(blocks))
	for i, b := range blocks {
		if b.text == "" {
			continue
		}
		paras = append(paras, para{
			start:   b.start,
			end:     b.end,
			words:   b.words,
			heading: b.heading || !endsSentence(b.text),
			cut:     i > 0 && b.seq != blocks[i-1].seq+1,
			chapter: b.chapter,
			opens:   b.chapterStart,
		})
	}
	return paras
}

// joinBlocks builds the Document.Text of Markdown and HTML from the blocks
// and returns where each paragraph lies in it.
func joinBlocks(blocks []block) (string, []para) {
	size := 0
	for _, b := range blocks {
		size += len(b.text) + 2
	}
	var sb strings.Builder
	sb.Grow(size)
	paras := make([]para, 0, len(blocks))
	for _, b := range blocks {
		if b.text == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		start := sb.Len()
		sb.WriteString(b.text)
		paras = append(paras, para{
			start:   start,
			end:     sb.Len(),
			words:   b.words,
			heading: b.heading || !endsSentence(b.text),
			chapter: b.chapter,
			opens:   b.chapterStart,
		})
	}
	return sb.String(), paras
}

// splitPassages turns paragraphs into passages of roughly
// minPassageWords–maxPassageWords words, never splitting a sentence
// shorter than a passage. Each paragraph becomes a passage; one over
// maxPassageWords is split at sentence boundaries into chunks of about
// equal size (appendChunks), and one under minPassageWords joins a
// neighbour: a heading or a lead-in ending without a full stop the
// paragraph after it, anything else the passage before it, never across a
// dropped block nor into another chapter (a chapter's heading joins only
// the headings before it, a part's over its first chapter's). A passage
// belongs to the chapter of its last paragraph.
func splitPassages(text string, paras []para, slug string) []Passage {
	units := make([]para, 0, len(paras))
	for _, p := range paras {
		p.text = !p.heading
		if p.words > maxPassageWords {
			n := len(units)
			units = appendChunks(units, text, p)
			units[n].cut, units[n].opens = p.cut, p.opens
			for k := n; k < len(units); k++ {
				units[k].text = true
			}
			continue
		}
		units = append(units, p)
	}

	var out []para
	var carry para
	hasCarry := false
	for i, u := range units {
		if hasCarry {
			if u.cut || u.opens && carry.text {
				out = append(out, carry) // nothing may join across a dropped block, nor into the next chapter
			} else {
				u = para{start: carry.start, end: u.end, words: carry.words + u.words, heading: u.heading, cut: carry.cut,
					chapter: u.chapter, opens: carry.opens || u.opens, text: carry.text || u.text}
			}
			hasCarry = false
		}
		if u.words >= minPassageWords {
			out = append(out, u)
			continue
		}
		last := i == len(units)-1
		joinsBack := len(out) > 0 && !u.cut && !u.opens
		switch {
		case !last && (u.heading || !joinsBack):
			carry, hasCarry = u, true // a heading goes with what follows it
		case joinsBack && (out[len(out)-1].words+u.words <= maxPassageWords || last):
			prev := &out[len(out)-1]
			prev.end, prev.words = u.end, prev.words+u.words
		case !last:
			carry, hasCarry = u, true // the previous passage is full
		default:
			out = append(out, u)
		}
	}

	passages := make([]Passage, len(out))
	for i, p := range out {
		n := i + 1
		passages[i] = Passage{
			ID:      PassageID(slug, n),
			Doc:     slug,
			N:       n,
			Chapter: p.chapter,
			Text:    text[p.start:p.end],
			Start:   p.start,
			End:     p.end,
		}
	}
	return passages
}

// appendChunks splits a long paragraph at sentence boundaries into
// ceil(words/maxPassageWords) chunks of about equal size. A sentence
// longer than maxPassageWords is cut first (cutSentence).
func appendChunks(units []para, text string, p para) []para {
	var spans [][2]int
	var words []int
	total := 0
	for _, s := range Sentences(text[p.start:p.end]) {
		n := countWords(text[p.start+s[0] : p.start+s[1]])
		if n <= maxPassageWords {
			spans, words = append(spans, s), append(words, n)
			total += n
			continue
		}
		for _, piece := range cutSentence(text[p.start:p.end], s, n) {
			m := countWords(text[p.start+piece[0] : p.start+piece[1]])
			spans, words = append(spans, piece), append(words, m)
			total += m
		}
	}
	if len(spans) < 2 {
		return append(units, p)
	}
	left := (total + maxPassageWords - 1) / maxPassageWords // chunks still to make
	first, done, cum := 0, 0, 0                             // current chunk's first sentence; words in finished chunks; words so far
	emit := func(last, upTo int) {
		units = append(units, para{
			start:   p.start + spans[first][0],
			end:     p.start + spans[last][1],
			words:   upTo - done,
			chapter: p.chapter,
		})
		first, done = last+1, upTo
		left--
	}
	for i := range spans {
		before := cum
		cum += words[i]
		if left <= 1 {
			break
		}
		goal := done + (total-done)/left
		if cum < goal {
			continue
		}
		// The ideal cut falls inside sentence i: cut before or after it,
		// whichever is nearer.
		if goal-before < cum-goal && i > first {
			emit(i-1, before)
			if left <= 1 || cum < done+(total-done)/left {
				continue
			}
		}
		emit(i, cum)
	}
	if first < len(spans) {
		emit(len(spans)-1, total)
	}
	return units
}

// cutSentence cuts the sentence at span s of text, of n words, into
// ceil(n/maxPassageWords) pieces of about equal size: at spaces, and
// inside a run of characters without one where the run alone is too long
// (at a character boundary, never before a combining mark). The pieces
// are trimmed of white space and cover every other byte of the sentence.
func cutSentence(text string, s [2]int, n int) [][2]int {
	pieces := (n + maxPassageWords - 1) / maxPassageWords
	goal := (n + pieces - 1) / pieces // words a piece may hold
	var out [][2]int
	start, words := s[0], 0
	emit := func(end int) {
		if end > start {
			out = append(out, [2]int{start, end})
		}
		start, words = skipSpace(text, end), 0
	}
	for i := s[0]; i < s[1]; {
		if isSpaceByte(text[i]) {
			i++
			continue
		}
		end := i
		for end < s[1] && !isSpaceByte(text[end]) {
			end++
		}
		w := runWords(end - i)
		if words > 0 && words+w > goal {
			emit(trimSpaceEnd(text, start, i))
		}
		// A run too long for a piece is cut into pieces of goal words.
		for w > goal {
			cut := charBoundary(text, start+(goal-words)*bytesPerWord, end)
			emit(cut)
			w = runWords(end - cut)
		}
		words += w
		i = end
	}
	emit(trimSpaceEnd(text, start, s[1]))
	return out
}

// charBoundary returns the first offset at or after i, and before end,
// where a character starts that is not a combining mark, or end.
func charBoundary(text string, i, end int) int {
	for i < end {
		if !utf8.RuneStart(text[i]) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !unicode.In(r, unicode.Mn, unicode.Me) && r != '\u200d' && !unicode.Is(unicode.Variation_Selector, r) {
			return i
		}
		i += size
	}
	return end
}

// maxTitleLen is the longest line, in bytes, taken for a title.
const maxTitleLen = 150

// countWords counts the space-separated words in s, a run longer than
// longRun bytes as one word per bytesPerWord bytes (runWords).
func countWords(s string) int {
	n := 0
	prev := uint8(1) // whether the byte before was space
	run := 0         // length of the run of non-space bytes that ends here
	for i := 0; i < len(s); i++ {
		space := asciiSpace[s[i]]
		n += int(prev &^ space) // a word starts here
		prev = space
		run = (run + 1) * int(1-space)
		if run > longRun {
			// The run counts runWords(run): more at longRun+1, then one
			// more every bytesPerWord bytes.
			switch {
			case run == longRun+1:
				n += (longRun+bytesPerWord)/bytesPerWord - 1
			case (run-1)%bytesPerWord == 0:
				n++
			}
		}
	}
	return n
}

// runWords is what a run of n bytes without a space counts for in countWords.
func runWords(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= longRun:
		return 1
	}
	return (n + bytesPerWord - 1) / bytesPerWord
}

// endsSentence reports whether s ends with sentence-final punctuation,
// possibly followed by closing quotes or brackets.
func endsSentence(s string) bool {
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		switch r {
		case '.', '!', '?', '…':
			return true
		case '"', '\'', ')', ']', '’', '”', '»', '*', '_':
			s = s[:len(s)-size]
			continue
		}
		return false
	}
	return false
}

// looksLikeHeading reports whether a one-line paragraph reads as a heading:
// a few words, and no full stop at the end unless it is all capitals
// ("CHAPTER IV.").
func looksLikeHeading(s string) bool {
	if len(s) > 100 || countWords(s) > 12 {
		return false
	}
	return !endsSentence(s) || !hasLower(s)
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// hasWord reports whether s has a letter or a digit. It is stricter than
// Words on purpose: a title or a document needs more than symbols and marks
// (½, 🥰), which the index reads as words too.
func hasWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isASCIIAlnum(c) {
			return true
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return true
			}
			i += size - 1
		}
	}
	return false
}

// cleanLine trims s and turns each run of white space (tabs, no-break
// spaces…) into one space, dropping other control characters. It allocates
// only when something changes.
func cleanLine(s string) string {
	s = strings.TrimFunc(s, isCleanSpace)
	clean := true
	for i := 0; clean && i < len(s); i++ {
		for i < len(s)-1 && lineSpecial[s[i]] == 0 {
			i++
		}
		if lineSpecial[s[i]] == 0 {
			break
		}
		switch c := s[i]; {
		case c == ' ':
			clean = i+1 == len(s) || s[i+1] != ' '
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			clean = !unicode.IsSpace(r) // not a no-break space, an em space…
			i += size - 1
		default:
			clean = false
		}
	}
	if clean {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		if isCleanSpace(r) {
			space = true
			continue
		}
		if r < 0x20 || r == 0x7f {
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
	}
	return sb.String()
}

// lineSpecial is 1 for the bytes cleanLine looks at twice: controls, DEL,
// a space (two in a row are one too many) and the first bytes of the
// Unicode spaces (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000).
var lineSpecial = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = 1
	}
	t[' '], t[0x7f], t[0xC2], t[0xE1], t[0xE2], t[0xE3] = 1, 1, 1, 1, 1, 1
	return t
}()

func isCleanSpace(r rune) bool { return unicode.IsSpace(r) }

// clip shortens s to about n bytes at a word boundary, for display.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > n/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// titleFromName makes a title from a file's base name: "the-old-mill" →
// "The old mill".
func titleFromName(base string) string {
	t := strings.Join(strings.FieldsFunc(strings.ToValidUTF8(base, ""), func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || unicode.IsSpace(r)
	}), " ")
	if t == "" {
		return "Untitled"
	}
	return upperFirst(t)
}
