package main

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

// page is one HTML page with what an extractor should keep and drop, as
// phrases of lower-case words (see words).
type page struct {
	name    string
	html    []byte
	phrases map[string][]string // "body", "furniture", "hidden" → phrases
	answers []string            // Doc2Dial: the gold spans, which must be kept
}

// loadPages reads the annotated pages of dir: each element with a
// data-eval attribute ("body", "furniture", "hidden") gives phrases of
// that class, split at block elements, links and line breaks; nested
// annotations take their own text.
func loadPages(dir string) ([]page, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	var out []page
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

func annotated(name string, b []byte) (page, error) {
	// The annotations are read from a parse of the page that the nesting
	// limit of x/net/html cannot refuse: the tokenizer.
	p := page{name: name, html: b, phrases: map[string][]string{}}
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
		if w := words(sb.String()); class != "" && w != "" {
			p.phrases[class] = append(p.phrases[class], w)
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

// words returns the words of s (runs of letters and digits), lower-cased
// and joined by single spaces.
func words(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// doc2dialPages fills the layout with each Doc2Dial document: a short line
// without a full stop becomes a heading, other lines paragraphs. The
// document's lines are its body; the gold spans its answers.
func doc2dialPages(layout []byte, dir string) ([]page, error) {
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
	var out []page
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
			if w := words(a); w != "" {
				p.answers = append(p.answers, w)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// FillLayout puts a Doc2Dial document into the layout.
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
