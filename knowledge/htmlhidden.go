package knowledge

import (
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// styleRules are the simple selectors (tag, #id, .class and their
// compounds, such as p.note) whose rules in a page's own style sheets hide
// what they select. Rules inside @media and other at-rules, and selectors
// with combinators or pseudo-classes, are not read: they hide only under
// conditions, or would need a style engine to match.
type styleRules struct {
	selectors []simpleSelector
}

type simpleSelector struct {
	tag     string
	id      string
	classes []string
}

// parseStyleRules reads the rules of css that hide what they select.
func parseStyleRules(css string) *styleRules {
	r := &styleRules{}
	for css != "" {
		css = strings.TrimLeft(css, " \t\r\n\f;")
		switch {
		case strings.HasPrefix(css, "/*"):
			_, css, _ = strings.Cut(css[2:], "*/")
			continue
		case strings.HasPrefix(css, "@"):
			css = skipAtRule(css)
			continue
		}
		open := strings.IndexByte(css, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(css[open:], '}')
		if end < 0 {
			end = len(css) - open
		}
		selectors, decls := css[:open], css[open+1:open+end]
		css = css[min(open+end+1, len(css)):]
		if !stylesHide(decls) {
			continue
		}
		for _, s := range strings.Split(selectors, ",") {
			if sel, ok := parseSimpleSelector(strings.TrimSpace(stripComments(s))); ok {
				r.selectors = append(r.selectors, sel)
			}
		}
	}
	return r
}

// skipAtRule skips an at-rule: up to its semicolon, or its whole block.
func skipAtRule(css string) string {
	semi, open := strings.IndexByte(css, ';'), strings.IndexByte(css, '{')
	if open < 0 || semi >= 0 && semi < open {
		if semi < 0 {
			return ""
		}
		return css[semi+1:]
	}
	depth := 0
	for i := open; i < len(css); i++ {
		switch css[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return css[i+1:]
			}
		}
	}
	return ""
}

func stripComments(s string) string {
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+2+j+2:]
	}
}

// parseSimpleSelector reads "tag", "#id", ".a.b", "div.note#x"; anything
// else (combinators, attributes, pseudo-classes, *) is not ok.
func parseSimpleSelector(s string) (simpleSelector, bool) {
	var sel simpleSelector
	if s == "" {
		return sel, false
	}
	i := 0
	for i < len(s) && isIdentByte(s[i]) {
		i++
	}
	sel.tag = strings.ToLower(s[:i])
	for i < len(s) {
		kind := s[i]
		if kind != '.' && kind != '#' {
			return sel, false
		}
		j := i + 1
		for j < len(s) && isIdentByte(s[j]) {
			j++
		}
		if j == i+1 {
			return sel, false
		}
		if kind == '.' {
			sel.classes = append(sel.classes, s[i+1:j])
		} else {
			sel.id = s[i+1 : j]
		}
		i = j
	}
	return sel, true
}

func isIdentByte(c byte) bool { return isASCIIAlnum(c) || c == '-' || c == '_' }

func (sel simpleSelector) matches(n *html.Node) bool {
	if sel.tag != "" && sel.tag != n.Data {
		return false
	}
	if sel.id != "" && attrOf(n, "id") != sel.id {
		return false
	}
	if len(sel.classes) > 0 {
		classes := strings.Fields(attrOf(n, "class"))
		for _, c := range sel.classes {
			if !slices.Contains(classes, c) {
				return false
			}
		}
	}
	return true
}

// hides reports whether an element is not shown to a reader: the hidden
// attribute (but hidden="until-found", which a search reveals),
// aria-hidden, a closed dialog, an inline style or a rule of the page's
// style sheets that hides it (stylesHide), or a class that the common CSS
// frameworks hide (hiddenClasses) unless another class of it shows it at
// some screen size ("d-none d-md-block", "hidden md:block"). r may be nil.
func (r *styleRules) hides(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	var class string
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			if !strings.EqualFold(a.Val, "until-found") {
				return true
			}
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			if stylesHide(a.Val) {
				return true
			}
		case "class":
			class = a.Val
		}
	}
	if n.DataAtom == atom.Dialog && !hasAttr(n, "open") {
		return true
	}
	if class != "" && classesHide(strings.Fields(class)) {
		return true
	}
	if r != nil {
		for _, sel := range r.selectors {
			if sel.matches(n) {
				return true
			}
		}
	}
	return false
}

// hiddenClasses are class names that CSS frameworks (Bootstrap, Tailwind,
// Foundation, WordPress, Drupal…) and common practice give to elements
// that are not shown, or shown only to screen readers.
var hiddenClasses = map[string]bool{
	"hidden": true, "hide": true, "is-hidden": true, "u-hidden": true, "d-none": true, "invisible": true,
	"sr-only": true, "sr-only-focusable": true, "visually-hidden": true, "visually-hidden-focusable": true,
	"visuallyhidden": true, "screen-reader-text": true, "screen-reader-only": true, "show-for-sr": true,
	"element-invisible": true, "offscreen": true, "off-screen": true, "a11y-hidden": true, "assistive-text": true,
}

// classesHide reports whether a class list hides its element: a hidden
// class, and no responsive class that shows it on some screens.
func classesHide(classes []string) bool {
	hide := false
	for _, c := range classes {
		if hiddenClasses[strings.ToLower(c)] {
			hide = true
		}
	}
	if !hide {
		return false
	}
	for _, c := range classes {
		if showsAtBreakpoint(strings.ToLower(c)) {
			return false
		}
	}
	return true
}

// showsAtBreakpoint reports whether a class shows its element on some
// screen sizes: Bootstrap's d-md-block, Tailwind's md:flex.
func showsAtBreakpoint(c string) bool {
	for _, bp := range []string{"sm", "md", "lg", "xl", "xxl", "2xl"} {
		if v, ok := strings.CutPrefix(c, "d-"+bp+"-"); ok && v != "none" {
			return true
		}
		if v, ok := strings.CutPrefix(c, bp+":"); ok && v != "hidden" && v != "sr-only" &&
			(v == "block" || v == "inline" || v == "flex" || v == "grid" || v == "table" || v == "contents" ||
				strings.HasPrefix(v, "inline-") || v == "not-sr-only") {
			return true
		}
	}
	return false
}

// stylesHide reports whether CSS declarations hide their element or its
// text: display:none, visibility:hidden, opacity:0, a zero font size, a
// box of at most 1px with its overflow hidden, a clip to nothing, or a
// position or text indent far off the screen.
func stylesHide(decls string) bool {
	box := boxStyle{width: -1, height: -1, maxHeight: -1}
	for _, d := range strings.Split(decls, ";") {
		prop, val, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important")))
		if declarationHides(prop, val) {
			return true
		}
		box.read(prop, val)
	}
	return box.hides()
}

// declarationHides reports whether one declaration hides its element.
func declarationHides(prop, val string) bool {
	switch prop {
	case "display":
		return val == "none"
	case "visibility":
		return val == "hidden" || val == "collapse"
	case "opacity":
		f, err := strconv.ParseFloat(val, 64)
		return err == nil && f <= 0.01
	case "font-size":
		px, ok := cssLength(val)
		return ok && px <= 0
	case "clip":
		return clipsAll(val)
	case "clip-path":
		return val == "inset(50%)" || val == "inset(100%)" || strings.HasPrefix(val, "circle(0")
	case "text-indent":
		px, ok := cssLength(val)
		return ok && px <= -500
	}
	return false
}

// boxStyle is what declarations say about an element's box, which hides
// it only taken together.
type boxStyle struct {
	width, height, maxHeight float64 // px, or -1
	overflowHidden           bool
	positioned               bool // absolute or fixed
	offscreen                bool // left, top… 500px or more off the screen
}

func (b *boxStyle) read(prop, val string) {
	switch prop {
	case "width":
		b.width, _ = lengthOr(val, -1)
	case "height":
		b.height, _ = lengthOr(val, -1)
	case "max-height":
		b.maxHeight, _ = lengthOr(val, -1)
	case "overflow", "overflow-x", "overflow-y":
		b.overflowHidden = b.overflowHidden || val == "hidden" || val == "clip"
	case "position":
		b.positioned = val == "absolute" || val == "fixed"
	case "left", "top", "right", "margin-left", "margin-top":
		if px, ok := cssLength(val); ok && px <= -500 {
			b.offscreen = true
		}
	}
}

// hides reports whether the box is at most 1px with its overflow hidden,
// or placed off the screen.
func (b boxStyle) hides() bool {
	tiny := func(v float64) bool { return v >= 0 && v <= 1 }
	return b.overflowHidden && (tiny(b.width) || tiny(b.height) || tiny(b.maxHeight)) || b.positioned && b.offscreen
}

func lengthOr(val string, def float64) (float64, bool) {
	if px, ok := cssLength(val); ok {
		return px, true
	}
	return def, false
}

// cssLength reads a CSS length in px (em and rem counted as 16px; a bare
// 0 or 0%), or not ok.
func cssLength(val string) (float64, bool) {
	num, unit := val, ""
	for _, u := range []string{"px", "rem", "em", "pt", "%"} {
		if n, ok := strings.CutSuffix(val, u); ok {
			num, unit = n, u
			break
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return 0, false
	}
	switch unit {
	case "em", "rem":
		return f * 16, true
	case "pt":
		return f * 4 / 3, true
	case "%", "":
		return f, f == 0 // only a zero needs no unit, and a share of what is unknown
	}
	return f, true
}

// clipsAll reports whether a clip: rect(…) leaves at most one pixel.
func clipsAll(val string) bool {
	inner, ok := strings.CutPrefix(val, "rect(")
	if !ok {
		return false
	}
	parts := strings.FieldsFunc(strings.TrimSuffix(inner, ")"), func(r rune) bool { return r == ',' || r == ' ' })
	if len(parts) != 4 {
		return false
	}
	var v [4]float64
	for i, p := range parts {
		px, ok := cssLength(p)
		if !ok {
			return false
		}
		v[i] = px
	}
	// rect(top, right, bottom, left)
	return v[2]-v[0] <= 1 && v[1]-v[3] <= 1
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
