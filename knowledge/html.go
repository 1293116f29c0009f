package knowledge

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML reads an HTML page with a real HTML5 parser (parseTree, which
// reads pages nested too deeply for it too). What a reader is not shown is
// taken out first: hidden elements (styleRules.hides), scripts, style
// sheets and other non-text elements. The article is then picked out by
// readability (codeberg.org/readeck/go-readability, a port of Firefox's
// Reader View): menus, sidebars, comments, related links and footers are
// dropped, listed in runs of consecutive blocks, unless keepAll. Without an
// article, or with keepAll, the whole page is read, nav, aside, form, and
// a header or footer outside article or main being dropped as furniture
// (unless keepAll). Block elements (p, div, li, h1–h6, blockquote, pre, td
// rows…) become paragraphs, headings marked as such. The title is the
// longest h1 that <title> contains (titles often end in " | Site Name"),
// else <title>, else the first h1; that h1 heads the text. The date is the
// page's publication date (readPageMeta).
func parseHTML(text string, keepAll bool) draft {
	root := parseTree(text)
	rules := pageStyleRules(root)
	meta := readPageMeta(root, rules)
	removeUnseen(root, rules)

	var d draft
	var all []block // with an article: every block of the page, to list what it left out
	if !keepAll {
		all = walkHTML(root, htmlWalker{keepAll: true}).blocks
		if art := readArticle(root); art != nil {
			// Inside the article, its header and footer are its own.
			if w := walkHTML(art, htmlWalker{articles: 1}); slices.ContainsFunc(w.blocks, func(b block) bool { return hasWord(b.text) }) {
				d.blocks = w.blocks
			}
		}
		if d.blocks == nil {
			// No article: the whole page, read again (readability changed
			// the tree), without its furniture.
			all, root = nil, parseTree(text)
			removeUnseen(root, rules)
		}
	}
	if d.blocks == nil {
		page := walkHTML(root, htmlWalker{keepAll: keepAll})
		d.blocks, d.dropped = page.blocks, page.dropped
	}
	d.title, d.date, d.dateSource = meta.title, meta.date, DateMetadata

	h1 := meta.headline()
	if h1 != "" && (d.title == "" || strings.Contains(strings.ToLower(d.title), strings.ToLower(h1))) {
		d.title = h1
		if !slices.ContainsFunc(d.blocks, func(b block) bool { return strings.EqualFold(b.text, h1) }) {
			d.blocks = slices.Insert(d.blocks, 0, block{text: h1, heading: true, level: 1})
		}
	}
	if all != nil {
		d.dropped = furnitureRuns(all, d.blocks)
	}
	if len(d.title) > maxTitleLen {
		d.title = clip(d.title, maxTitleLen)
	}
	return d
}

// walkHTML reads the blocks under n with w.
func walkHTML(n *html.Node, w htmlWalker) htmlWalker {
	w.walk(n)
	w.flush()
	return w
}

// readArticle returns the node holding the page's article, as readability
// finds it, or nil. It changes root.
func readArticle(root *html.Node) *html.Node {
	p := readability.NewParser()
	a, err := p.ParseAndMutate(root, nil)
	if err != nil || a.Node == nil {
		return nil
	}
	setAtoms(a.Node)
	return a.Node
}

// setAtoms gives the elements readability made (its new <p> for a <div>
// of text…) the DataAtom that html.Parse would have, which the walk reads.
func setAtoms(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == 0 {
		n.DataAtom = atom.Lookup([]byte(n.Data))
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		setAtoms(c)
	}
}

// furnitureRuns lists what the article left out of the page: the page
// blocks not in the article, consecutive ones joined with " · " into
// entries of about maxDroppedLen bytes, longer blocks clipped.
func furnitureRuns(page, article []block) []string {
	kept := make(map[string]int, len(article))
	for _, b := range article {
		kept[b.text]++
	}
	var out []string
	run := ""
	end := func() {
		if run != "" {
			out = append(out, clip(run, maxDroppedLen))
			run = ""
		}
	}
	for _, b := range page {
		if kept[b.text] > 0 {
			kept[b.text]--
			end()
			continue
		}
		if run != "" && len(run)+len(" · ")+len(b.text) > maxDroppedLen {
			end()
		}
		if run != "" {
			run += " · "
		}
		run += b.text
	}
	end()
	return out
}

// pageStyleRules reads the rules of the page's style sheets that hide
// what they select.
func pageStyleRules(root *html.Node) *styleRules {
	var sb strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Style {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				sb.WriteString(c.Data)
			}
			sb.WriteByte('\n')
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(root)
	return parseStyleRules(sb.String())
}

// removeUnseen takes out of the tree what a reader is not shown: hidden
// elements, elements that never hold text (notText) and comments.
func removeUnseen(n *html.Node, rules *styleRules) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode,
			c.Type == html.ElementNode && (notText(c.DataAtom) || c.DataAtom == atom.Style || rules.hides(c)):
			n.RemoveChild(c)
		default:
			if c.Type == html.ElementNode && strings.EqualFold(attrOf(c, "hidden"), "until-found") {
				// Shown when a search finds it; readability would take it for hidden.
				c.Attr = slices.DeleteFunc(c.Attr, func(a html.Attribute) bool { return a.Key == "hidden" })
			}
			removeUnseen(c, rules)
		}
		c = next
	}
}

type htmlWalker struct {
	keepAll bool
	blocks  []block
	dropped []string

	sb       strings.Builder // the paragraph being read
	space    bool            // a space is due before the next word
	pre      int             // depth inside <pre>
	preText  bool            // the paragraph holds preformatted text
	level    int             // the level of the outermost h1–h6 the walk is in, or 0
	articles int             // depth inside article or main
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
	case html.DocumentNode:
		w.children(n)
	case html.ElementNode:
		w.element(n)
	}
	// Comments and the doctype hold no text.
}

// element reads an element: a block element becomes paragraphs of its own.
func (w *htmlWalker) element(n *html.Node) {
	if w.special(n) {
		return
	}
	block := isHTMLBlock(n.DataAtom)
	if block {
		w.flush()
	}
	if depth := w.depth(n.DataAtom); depth != nil {
		*depth++
		defer func() { *depth-- }()
	}
	if lv := headingLevel(n.DataAtom); lv > 0 && w.level == 0 {
		w.level = lv
		defer func() { w.level = 0 }()
	}
	w.children(n)
	if block {
		w.flush()
	}
}

// special reads the elements that are not read as text, and reports
// whether n was one of them: what is never text, the title, page furniture
// (unless kept), line breaks and table cells.
func (w *htmlWalker) special(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Title:
		return true
	case atom.Nav, atom.Aside, atom.Form:
		return w.drop(n)
	case atom.Header, atom.Footer:
		return w.articles == 0 && w.drop(n)
	case atom.Br, atom.Hr:
		w.flush()
		return true
	case atom.Td, atom.Th:
		w.space = w.sb.Len() > 0
		w.children(n)
		w.space = w.sb.Len() > 0
		return true
	}
	return notText(n.DataAtom)
}

// depth returns the count of open elements of a's kind that the walk
// keeps (pre, article or main), or nil.
func (w *htmlWalker) depth(a atom.Atom) *int {
	switch a {
	case atom.Pre:
		return &w.pre
	case atom.Article, atom.Main:
		return &w.articles
	}
	return nil
}

func (w *htmlWalker) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// drop records page furniture as dropped and reports whether to skip it.
func (w *htmlWalker) drop(n *html.Node) bool {
	if w.keepAll {
		return false
	}
	if t := collapseSpace(textOf(n, nil)); t != "" {
		w.dropped = append(w.dropped, clip(t, maxDroppedLen))
	}
	return true
}

func (w *htmlWalker) text(s string) {
	if w.pre > 0 {
		w.preText = true
		w.sb.WriteString(s)
		return
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f { // white space, and controls read as white space
				w.space = w.sb.Len() > 0
				i++
				continue
			}
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
				j++
			}
			w.word(s[i:j])
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			w.space = w.sb.Len() > 0
		} else {
			w.word(s[i : i+size])
		}
		i += size
	}
}

// word writes a run of text without white space, after a space if one is due.
func (w *htmlWalker) word(s string) {
	if w.space {
		w.sb.WriteByte(' ')
		w.space = false
	}
	w.sb.WriteString(s)
}

// flush ends the paragraph being read.
func (w *htmlWalker) flush() {
	s := w.sb.String()
	w.sb.Reset()
	w.space = false
	if w.preText {
		w.preText = false
		// Preformatted text keeps its lines; blank lines separate paragraphs.
		for _, p := range strings.Split(cleanCode(s), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				w.blocks = append(w.blocks, block{text: trimLineEnds(p)})
			}
		}
		return
	}
	if s != "" {
		w.blocks = append(w.blocks, block{text: s, heading: w.level > 0 || looksLikeHeading(s), level: w.level})
	}
}

// trimLineEnds removes trailing spaces from each line and drops lines
// holding only spaces, so no blank line remains inside a paragraph.
func trimLineEnds(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimRight(l, " "); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// textOf returns the text inside n, skipping what is never text and what
// rules hide (rules may be nil).
func textOf(n *html.Node, rules *styleRules) string {
	var sb strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && (notText(n.DataAtom) || rules.hides(n)):
			return
		case n.Type == html.ElementNode && isHTMLBlock(n.DataAtom):
			sb.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return sb.String()
}

// collapseSpace trims s and turns runs of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r < 0x20 || r == 0x7f
	}), " ")
}

// notText reports whether an element never holds text a reader sees.
func notText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math, atom.Iframe,
		atom.Object, atom.Embed, atom.Canvas, atom.Select, atom.Button, atom.Input, atom.Textarea, atom.Img:
		return true
	}
	return false
}

// headingLevel is 1–6 for h1–h6, else 0.
func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

func isHTMLBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption, atom.Dd,
		atom.Details, atom.Dialog, atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hgroup, atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P, atom.Pre,
		atom.Section, atom.Summary, atom.Table, atom.Tr, atom.Ul, atom.Legend:
		return true
	}
	return false
}
