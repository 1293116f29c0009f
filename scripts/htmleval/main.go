// Command htmleval scores HTML article extractors on annotated pages:
// storybot's own pages (knowledge/testdata/web, each element marked
// data-eval="body", "furniture" or "hidden") and the Doc2Dial government
// pages put into a page layout with menus and footers. For each extractor it
// reports the share of body words kept, of furniture (menus, sidebars,
// comments, footers) and of hidden words dropped, the Doc2Dial answers
// kept, and the time per page. It is a module of its own so that the
// libraries it compares stay out of storybot's go.mod.
//
//	cd scripts/htmleval && go run . [-runs 5]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	readeck "codeberg.org/readeck/go-readability/v2"
	shiori "github.com/go-shiori/go-readability"
	"github.com/markusmobius/go-trafilatura"

	"github.com/storybot/storybot/internal/webpages"
	"github.com/storybot/storybot/knowledge"
)

// extractor returns the text of a page that it would index.
type extractor struct {
	name string
	run  func(name string, page []byte) (string, error)
}

var pageURL, _ = url.Parse("https://example.org/story")

var extractors = []extractor{
	{"storybot (knowledge.Parse)", func(name string, b []byte) (string, error) {
		p, err := knowledge.Parse(b, knowledge.ParseOptions{Name: "page.html"})
		return p.Doc.Title + "\n" + p.Doc.Text, err
	}},
	{"readeck/go-readability v2.1.3", func(name string, b []byte) (string, error) {
		a, err := readeck.FromReader(bytes.NewReader(b), pageURL)
		if err != nil {
			return "", err
		}
		var sb strings.Builder
		err = a.RenderText(&sb)
		return a.Title() + "\n" + sb.String(), err
	}},
	{"go-shiori/go-readability (deprecated)", func(name string, b []byte) (string, error) {
		a, err := shiori.FromReader(bytes.NewReader(b), pageURL)
		return a.Title + "\n" + a.TextContent, err
	}},
	{"go-trafilatura v1.12.2", func(name string, b []byte) (string, error) {
		r, err := trafilatura.Extract(bytes.NewReader(b), trafilatura.Options{OriginalURL: pageURL, ExcludeComments: true})
		if err != nil {
			return "", err
		}
		return r.Metadata.Title + "\n" + r.ContentText, nil
	}},
	{"go-trafilatura, with fallback", func(name string, b []byte) (string, error) {
		r, err := trafilatura.Extract(bytes.NewReader(b), trafilatura.Options{OriginalURL: pageURL, ExcludeComments: true, EnableFallback: true})
		if err != nil {
			return "", err
		}
		return r.Metadata.Title + "\n" + r.ContentText, nil
	}},
}

func main() {
	pagesDir := flag.String("pages", "../../knowledge/testdata/web", "annotated pages")
	d2d := flag.String("doc2dial", "../../../shared/datasets/doc2dial-dev", "Doc2Dial folder (empty: skip)")
	runs := flag.Int("runs", 3, "timed runs over all pages")
	verbose := flag.Bool("v", false, "list each phrase kept or dropped wrongly")
	flag.Parse()
	if err := run(os.Stdout, *pagesDir, *d2d, *runs, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "htmleval:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir, d2d string, runs int, verbose bool) error {
	own, err := webpages.Load(dir)
	if err != nil {
		return err
	}
	var gov []webpages.Page
	if d2d != "" {
		layout, err := os.ReadFile(dir + "/doc2dial-layout.html")
		if err != nil {
			return err
		}
		if gov, err = webpages.Doc2Dial(layout, d2d); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "%d annotated pages, %d Doc2Dial pages; time is the mean of %d runs over all of them\n\n", len(own), len(gov), runs)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| extractor\t| body kept\t| furniture dropped\t| hidden dropped\t| Doc2Dial body kept\t| Doc2Dial furniture dropped\t| Doc2Dial answers kept\t| ms/page\t|")
	fmt.Fprintln(tw, "| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t|")
	var errs []string
	for _, x := range extractors {
		var s, g score
		for _, p := range own {
			s.add(x, p, verbose)
		}
		for _, p := range gov {
			g.add(x, p, verbose)
		}
		all := append(append([]webpages.Page(nil), own...), gov...)
		start := time.Now()
		for range runs {
			for _, p := range all {
				x.run(p.Name, p.HTML)
			}
		}
		ms := float64(time.Since(start).Microseconds()) / 1000 / float64(runs*len(all))
		fmt.Fprintf(tw, "| %s\t| %s\t| %s\t| %s\t| %s\t| %s\t| %s\t| %.2f\t|\n", x.name, s.share("body", true), s.share("furniture", false),
			s.share("hidden", false), g.share("body", true), g.share("furniture", false), g.answerShare(), ms)
		for _, e := range append(s.errs, g.errs...) {
			errs = append(errs, x.name+": "+e)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range errs {
		fmt.Fprintln(w, "error:", e)
	}
	return nil
}

// score counts words of phrases found in an extractor's output, by class.
type score struct {
	found, total     map[string]int
	answers, answerN int
	errs             []string
}

func (s *score) add(x extractor, p webpages.Page, verbose bool) {
	if s.found == nil {
		s.found, s.total = map[string]int{}, map[string]int{}
	}
	out, err := x.run(p.Name, p.HTML)
	if err != nil {
		s.errs = append(s.errs, fmt.Sprintf("%s: %v", p.Name, err))
	}
	text := " " + webpages.Words(out) + " "
	for class, phrases := range p.Phrases {
		for _, ph := range phrases {
			n := len(strings.Fields(ph))
			s.total[class] += n
			in := strings.Contains(text, " "+ph+" ")
			if in {
				s.found[class] += n
			}
			if verbose && in != (class == "body") {
				fmt.Printf("%s: %s: %s %q\n", x.name, p.Name, map[bool]string{true: "kept", false: "lost"}[in], class+": "+ph)
			}
		}
	}
	for _, a := range p.Answers {
		s.answerN++
		if strings.Contains(text, " "+a+" ") {
			s.answers++
		} else if verbose {
			fmt.Printf("%s: %s: answer lost %q\n", x.name, p.Name, a)
		}
	}
}

// share is the share of the class's words found (kept) or not (dropped).
func (s score) share(class string, kept bool) string {
	if s.total[class] == 0 {
		return "–"
	}
	f := float64(s.found[class]) / float64(s.total[class])
	if !kept {
		f = 1 - f
	}
	return fmt.Sprintf("%.1f%% of %d", 100*f, s.total[class])
}

func (s score) answerShare() string {
	if s.answerN == 0 {
		return "–"
	}
	return fmt.Sprintf("%d of %d", s.answers, s.answerN)
}
