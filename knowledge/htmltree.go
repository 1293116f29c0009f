package knowledge

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Nesting depths at which flattenHTML cuts a page that html.Parse refused:
// x/net/html refuses pages whose elements nest deeper than 512, and the
// parser may open more elements than the tags it reads (implied and
// reconstructed ones), so the first cut leaves a margin, the last keeps no
// element at all.
var flattenDepths = []int{256, 64, 0}

// parseTree parses an HTML page. A page nested too deeply for html.Parse
// is flattened past a depth (flattenHTML) and parsed again, so that its
// text is still read as HTML: its markup, scripts and style sheets never
// become text.
func parseTree(text string) *html.Node {
	if root, err := html.Parse(strings.NewReader(text)); err == nil {
		return root
	}
	for _, depth := range flattenDepths {
		if root, err := html.Parse(bytes.NewReader(flattenHTML(text, depth))); err == nil {
			return root
		}
	}
	// With no element left, html.Parse has nothing to refuse; an empty
	// page stands in all the same.
	return &html.Node{Type: html.DocumentNode}
}

// flattenHTML rewrites a page so that no element nests deeper than depth:
// past it, elements that hold no text a reader sees (scripts, style
// sheets, hidden elements…) are left out whole, a block element's tags
// become line breaks, and other tags are dropped, their text kept.
func flattenHTML(text string, depth int) []byte {
	var out bytes.Buffer
	out.Grow(len(text))
	z := html.NewTokenizer(strings.NewReader(text))
	var open []string       // the names of the open elements kept
	cut := map[string]int{} // open elements whose tags were dropped, by name
	skip, skipName := 0, "" // inside an element left out whole: its depth and name
	inStyle := false        // inside a style element
	var css strings.Builder // the style sheets seen so far, to judge hidden elements by
	var rules *styleRules   // parsed from css when an element past depth needs them
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.Bytes()
		}
		if tt == html.TextToken && (inStyle || skipName == "style") {
			css.Write(z.Text())
			rules = nil
		}
		if skip > 0 {
			if skip = skipDepth(z, tt, skip, skipName); skip == 0 {
				skipName = ""
			}
			continue
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := bytes.Clone(z.Raw())
			t := z.Token()
			element := tt == html.StartTagToken && !isVoid(t.DataAtom)
			if len(open) < depth {
				out.Write(raw)
				if element {
					open = append(open, t.Data)
					inStyle = t.DataAtom == atom.Style
				}
				continue
			}
			if rules == nil {
				rules = parseStyleRules(css.String())
			}
			n := &html.Node{Type: html.ElementNode, Data: t.Data, DataAtom: t.DataAtom, Attr: t.Attr}
			if notText(t.DataAtom) || t.DataAtom == atom.Style || rules.hides(n) {
				if element {
					skip, skipName = 1, t.Data
				}
				continue
			}
			if isHTMLBlock(t.DataAtom) || t.DataAtom == atom.Br {
				out.WriteString("<br>")
			}
			if element && (t.DataAtom == atom.Time || hasAttr(n, "itemprop")) {
				// An empty copy keeps its date for readPageMeta.
				out.Write(raw)
				out.WriteString("</" + t.Data + ">")
			}
			if element {
				cut[t.Data]++
			}
		case html.EndTagToken:
			inStyle = false
			name, _ := z.TagName()
			if cut[string(name)] > 0 {
				cut[string(name)]--
				if isHTMLBlock(atom.Lookup(name)) {
					out.WriteString("<br>")
				}
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					open = open[:i]
					break
				}
			}
			out.Write(z.Raw())
		default:
			out.Write(z.Raw())
		}
	}
}

// skipDepth follows the element being left out whole, named name and
// open depth times over, through one more token, and returns the new depth.
func skipDepth(z *html.Tokenizer, tt html.TokenType, depth int, name string) int {
	switch tt {
	case html.StartTagToken:
		if n, _ := z.TagName(); string(n) == name {
			return depth + 1
		}
	case html.EndTagToken:
		if n, _ := z.TagName(); string(n) == name {
			return depth - 1
		}
	}
	return depth
}

// isVoid reports whether an element never has content, nor an end tag.
func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Link,
		atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
