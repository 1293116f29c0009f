package knowledge

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML reads an HTML page with a real HTML5 parser. Block elements
// (p, div, li, h1–h6, blockquote, pre, td rows…) become paragraphs; script,
// style and other non-text elements are skipped; nav, aside, form, and a
// header or footer outside article or main are page furniture, dropped
// (and listed) unless keepAll. The title is the first h1 when <title>
// contains it (titles often end in " | Site Name"), else <title>, else the
// first h1.
func parseHTML(text string, keepAll bool) draft {
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		// html.Parse fails only when its reader does; a strings.Reader does not.
		return draft{blocks: plainBlocks(text, 0)}
	}
	w := htmlWalker{keepAll: keepAll}
	w.walk(root)
	w.flush()
	d := draft{blocks: w.blocks, dropped: w.dropped, title: w.title}
	if w.h1 != "" && (d.title == "" || strings.Contains(strings.ToLower(d.title), strings.ToLower(w.h1))) {
		d.title = w.h1
	}
	if len(d.title) > maxTitleLen {
		d.title = clip(d.title, maxTitleLen)
	}
	return d
}

type htmlWalker struct {
	keepAll bool
	blocks  []block
	dropped []string
	title   string // from <title>
	h1      string // the first kept <h1>

	sb       strings.Builder // the paragraph being read
	space    bool            // a space is due before the next word
	pre      int             // depth inside <pre>
	preText  bool            // the paragraph holds preformatted text
	heading  int             // depth inside h1–h6
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
	if hidden(n) || w.special(n) {
		return
	}
	block := isHTMLBlock(n.DataAtom)
	if block {
		w.flush()
	}
	if n.DataAtom == atom.H1 && w.h1 == "" {
		w.h1 = collapseSpace(textOf(n))
	}
	if depth := w.depth(n.DataAtom); depth != nil {
		*depth++
		defer func() { *depth-- }()
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
		if w.title == "" {
			w.title = collapseSpace(textOf(n))
		}
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
// keeps (headings, pre, article or main), or nil.
func (w *htmlWalker) depth(a atom.Atom) *int {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return &w.heading
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
	if t := collapseSpace(textOf(n)); t != "" {
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
	for _, r := range s {
		if unicode.IsSpace(r) || r < 0x20 || r == 0x7f {
			w.space = w.sb.Len() > 0
			continue
		}
		if w.space {
			w.sb.WriteByte(' ')
			w.space = false
		}
		w.sb.WriteRune(r)
	}
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
		w.blocks = append(w.blocks, block{text: s, heading: w.heading > 0 || looksLikeHeading(s)})
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

// textOf returns the text inside n, skipping what is never text.
func textOf(n *html.Node) string {
	var sb strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && (notText(n.DataAtom) || hidden(n)):
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

// hidden reports whether an element is marked as not shown.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "hidden" || a.Key == "aria-hidden" && a.Val == "true" {
			return true
		}
	}
	return false
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
