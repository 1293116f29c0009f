// Package webpages reads the annotated web pages that the HTML tests and
// scripts/htmleval score article extraction on: each element marked
// data-eval="body", "furniture" or "hidden" gives phrases of that class,
// which an extractor should keep (body) or drop. Doc2Dial's government
// pages are put into a page layout of menus and footers, their text the
// body and their gold spans the answers that must be kept.
package webpages

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Page is one HTML page with what an extractor should keep and drop, as
// phrases of lower-case words (see Words).
type Page struct {
	Name    string
	HTML    []byte
	Phrases map[string][]string // "body", "furniture", "hidden" → phrases
	Answers []string            // Doc2Dial: the gold spans, which must be kept
}

// Load reads the annotated pages of dir: each element with a
// data-eval attribute ("body", "furniture", "hidden") gives phrases of
// that class, split at block elements, links and line breaks; nested
// annotations take their own text.
func Load(dir string) ([]Page, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	var out []Page
	for _, name := range names {
		if strings.HasSuffix(name, "-layout.html") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		p, err := annotated(filepath.Base(name), b)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func annotated(name string, b []byte) (Page, error) {
	// The annotations are read from a parse of the page that the nesting
	// limit of x/net/html cannot refuse: the tokenizer.
	p := Page{Name: name, HTML: b, Phrases: map[string][]string{}}
	z := html.NewTokenizer(strings.NewReader(string(b)))
	type open struct {
		tag   string
		class string
	}
	var stack []open
	var sb strings.Builder
	flush := func() {
		class := ""
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].class != "" {
				class = stack[i].class
				break
			}
		}
		if w := Words(sb.String()); class != "" && w != "" {
			p.Phrases[class] = append(p.Phrases[class], w)
		}
		sb.Reset()
	}
	raw := ""
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return p, nil
		case html.TextToken:
			if raw == "" {
				sb.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if splits(t.DataAtom) || attr(t, "data-eval") != "" {
				flush()
			}
			if t.DataAtom == atom.Script || t.DataAtom == atom.Style {
				raw = t.Data
			}
			if tt == html.StartTagToken && !void(t.DataAtom) {
				stack = append(stack, open{t.Data, attr(t, "data-eval")})
			}
		case html.EndTagToken:
			t := z.Token()
			if t.Data == raw {
				raw = ""
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].tag == t.Data {
					if splits(t.DataAtom) || stack[i].class != "" {
						flush()
					}
					stack = stack[:i]
					break
				}
			}
		}
	}
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func splits(a atom.Atom) bool {
	switch a {
	case atom.B, atom.I, atom.Em, atom.Strong, atom.Span, atom.Sup, atom.Sub, atom.Font, atom.Time, atom.Small, atom.Abbr, atom.Code:
		return false
	}
	return true
}

func void(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Input, atom.Meta, atom.Link, atom.Hr, atom.Wbr, atom.Source, atom.Area, atom.Col, atom.Embed:
		return true
	}
	return false
}

// Words returns the words of s (runs of letters and digits), lower-cased
// and joined by single spaces.
func Words(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// Doc2Dial fills the layout with each Doc2Dial document of dir: a short
// line without a full stop becomes a heading, other lines paragraphs. The
// document's lines are its body; the gold spans its answers.
func Doc2Dial(layout []byte, dir string) ([]Page, error) {
	answers := map[string][]string{}
	f, err := os.Open(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var q struct {
			Doc     string   `json:"doc"`
			Answers []string `json:"answers"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, err
		}
		answers[q.Doc] = append(answers[q.Doc], q.Answers...)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	docs := make([]string, 0, len(answers))
	for d := range answers {
		docs = append(docs, d)
	}
	sort.Strings(docs)
	var out []Page
	for _, d := range docs {
		b, err := os.ReadFile(filepath.Join(dir, d))
		if err != nil {
			return nil, err
		}
		title, body, _ := strings.Cut(string(b), "\n")
		p, err := annotated("doc2dial/"+filepath.Base(d), FillLayout(layout, title, body))
		if err != nil {
			return nil, err
		}
		for _, a := range answers[d] {
			if w := Words(a); w != "" {
				p.Answers = append(p.Answers, w)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// FillLayout puts a Doc2Dial document into the layout, at its
// placeholders {{TITLE}} and {{BODY}}.
func FillLayout(layout []byte, title, body string) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "<h1 data-eval=\"body\">%s</h1>\n", html.EscapeString(strings.TrimSpace(title)))
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		tag := "p"
		if len(strings.Fields(l)) <= 12 && !strings.ContainsAny(l[len(l)-1:], ".?!:") {
			tag = "h2"
		}
		fmt.Fprintf(&sb, "<%s data-eval=\"body\">%s</%s>\n", tag, html.EscapeString(l), tag)
	}
	s := strings.ReplaceAll(string(layout), "{{TITLE}}", html.EscapeString(strings.TrimSpace(title)))
	return []byte(strings.ReplaceAll(s, "{{BODY}}", sb.String()))
}

// Contains reports whether the phrase (Words) stands in text, on word
// boundaries.
func Contains(text, phrase string) bool {
	return strings.Contains(" "+Words(text)+" ", " "+phrase+" ")
}
