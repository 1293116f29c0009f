package knowledge_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/webpages"
	"github.com/storybot/storybot/knowledge"
)

// TestParseWebPages reads the annotated pages of testdata/web (menus in
// plain divs, "Most read" sidebars, reader comments, hidden text of every
// kind, 640 levels of nesting, a table layout): every word of the article
// is indexed, no hidden word is, and the page furniture goes, reader
// comments first of all.
func TestParseWebPages(t *testing.T) {
	pages, err := webpages.Load("testdata/web")
	if err != nil {
		t.Fatal(err)
	}
	gone := map[string][]string{ // what a reader could mistake for the story, if it stayed
		"plain-div-news.html": {"wasted twelve million dollars on consultants", "poured in a hurry", "Most read", "Supermarket chain"},
		"byline-date.html":    {"the council should be ashamed", "kept that book by his bed", "Related stories", "Sign up for our newsletter"},
		"blog-comments.html":  {"walled half of Wharfedale", "cement, which is cheating", "Recent Posts", "Leave a Reply"},
		"table-layout.html":   {"Welsh steam coal", "visitor number"},
		"wiki-article.html":   {"Navigation menu", "Community portal", "Creative Commons"},
	}
	if len(pages) < 7 {
		t.Fatalf("%d pages in testdata/web, want the 7 written for it", len(pages))
	}
	for _, pg := range pages {
		t.Run(pg.Name, func(t *testing.T) {
			p := mustParseOpt(t, string(pg.HTML), knowledge.ParseOptions{Name: pg.Name})
			text := indexed(p)
			for _, ph := range pg.Phrases["body"] {
				if !webpages.Contains(text, ph) {
					t.Errorf("body text lost: %q", ph)
				}
			}
			for _, ph := range pg.Phrases["hidden"] {
				if webpages.Contains(text, ph) {
					t.Errorf("hidden text indexed: %q", ph)
				}
			}
			kept, total := 0, 0
			for _, ph := range pg.Phrases["furniture"] {
				n := len(strings.Fields(ph))
				total += n
				if webpages.Contains(text, ph) {
					kept += n
				}
			}
			if kept*10 > total {
				t.Errorf("%d of %d words of page furniture kept, want at most a tenth", kept, total)
			}
			for _, s := range gone[pg.Name] {
				if strings.Contains(text, s) {
					t.Errorf("%q is indexed", s)
				}
			}
			for _, s := range []string{"<", ">", "{", "analyticsKey", "document.write", "dataLayer"} {
				if strings.Contains(text, s) {
					t.Errorf("markup or script %q in the passages", s)
				}
			}
		})
	}
}

// TestParseWebPageDates checks the publication date each page gives, and
// where it is read from, and that --date wins over it.
func TestParseWebPageDates(t *testing.T) {
	tests := []struct {
		file, title, date string
	}{
		{"plain-div-news.html", "Harbour bridge reopens after three-year repair", "2024-03-08"},   // article:published_time
		{"hidden-text.html", "Orchard town votes to keep its night market", "2023-11-02"},         // JSON-LD, in the page's time zone
		{"deep-nesting.html", "Glassworks chimney comes down after ninety years", "2022-06-17"},   // <time datetime>, 640 levels down
		{"byline-date.html", "Library returns a book borrowed in 1953", "2023-03-14"},             // "By Mara Quint · Published 14 March 2023"
		{"faq-page.html", "Parking permits: frequently asked questions", "2021-09-30"},            // dcterms.date
		{"blog-comments.html", "Rebuilding a dry stone wall, one winter at a time", "2020-01-12"}, // time.published, not .updated nor the comments'
		{"wiki-article.html", "Oakridge Baking Society", ""},                                      // "last edited" in the footer is no publication date
		{"table-layout.html", "The Millbrook Steam Rally", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "web", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: tt.file})
			wantSource := knowledge.DateMetadata
			if tt.date == "" {
				wantSource = ""
			}
			if p.Doc.Title != tt.title || p.Doc.Date != tt.date || p.Doc.DateSource != wantSource {
				t.Errorf("title %q, date %q from %q; want %q, %q from %q", p.Doc.Title, p.Doc.Date, p.Doc.DateSource, tt.title, tt.date, wantSource)
			}
			q := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: tt.file, Date: "1999-12-31"})
			if q.Doc.Date != "1999-12-31" || q.Doc.DateSource != knowledge.DateConfigured {
				t.Errorf("with --date: date %q from %q; want 1999-12-31, configured", q.Doc.Date, q.Doc.DateSource)
			}
		})
	}
}

// TestParseHTMLDates reads publication dates from each kind of metadata,
// in order of trust.
func TestParseHTMLDates(t *testing.T) {
	tests := []struct {
		name, head, body, want string
	}{
		{"json-ld graph", `<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": "Article", "datePublished": "2021-07-04T10:00:00-04:00"}]}</script>`, "", "2021-07-04"},
		{"json-ld over meta", `<script type="application/ld+json">[{"datePublished": "2021-07-04"}]</script><meta property="article:published_time" content="2020-01-01">`, "", "2021-07-04"},
		{"meta name date", `<meta name="date" content="2019/05/31">`, "", "2019-05-31"},
		{"citation date", `<meta name="citation_publication_date" content="2018/11/02">`, "", "2018-11-02"},
		{"meta over time", `<meta itemprop="datePublished" content="2017-03-01">`, `<time datetime="2016-01-01">then</time>`, "2017-03-01"},
		{"rfc1123 meta", `<meta name="pubdate" content="Tue, 10 Nov 2009 23:00:00 +0000">`, "", "2009-11-10"},
		{"itemprop span", "", `<span itemprop="datePublished" content="2015-08-09">9 August</span>`, "2015-08-09"},
		{"time pubdate", "", `<time datetime="2014-01-01">New Year</time> <time pubdate datetime="2014-02-02">2 Feb</time>`, "2014-02-02"},
		{"time in nav skipped", "", `<nav><time datetime="2001-01-01">old</time></nav><time datetime="2013-05-05">5 May</time>`, "2013-05-05"},
		{"byline month first", "", `<div class="article-byline">By Jo Bloggs | Updated March 3, 2012, 9:14 AM</div>`, "2012-03-03"},
		{"byline earliest", "", `<p class="dateline">Published 4th June 2011, updated 6 June 2011</p>`, "2011-06-04"},
		{"hidden meta skipped", "", `<div hidden><time datetime="2000-01-01">x</time></div>`, ""},
		{"not a date", `<meta name="date" content="soon">`, `<p class="byline">By the editors</p>`, ""},
		{"impossible date", `<meta name="date" content="2019-02-31">`, "", ""},
	}
	para := "<p>The ferry crossed the sound in forty minutes on a calm night, with thirty passengers and two cars on board, and the crew served tea.</p>"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := "<html><head><title>Night ferry</title>" + tt.head + "</head><body>" + tt.body + para + "</body></html>"
			p := mustParseOpt(t, page, knowledge.ParseOptions{Name: "ferry.html"})
			if p.Doc.Date != tt.want {
				t.Errorf("Date = %q, want %q", p.Doc.Date, tt.want)
			}
		})
	}
}

// TestParseHTMLHidden checks every kind of hidden text, and text that only
// looks hidden, with and without --keep-all: hidden text is never indexed.
func TestParseHTMLHidden(t *testing.T) {
	tests := []struct {
		name, css, html string
		shown           bool
	}{
		{"display none", "", `<p style="DISPLAY: none !important">MARKER</p>`, false},
		{"visibility hidden", "", `<p style="visibility:hidden">MARKER</p>`, false},
		{"hidden attribute", "", `<p hidden>MARKER</p>`, false},
		{"hidden until found", "", `<p hidden="until-found">MARKER</p>`, true},
		{"aria-hidden", "", `<span aria-hidden="true">MARKER</span>`, false},
		{"aria-hidden false", "", `<span aria-hidden="false">MARKER</span>`, true},
		{"sr-only", "", `<span class="sr-only">MARKER</span>`, false},
		{"visually-hidden", "", `<span class="lead visually-hidden">MARKER</span>`, false},
		{"screen-reader-text", "", `<a class="screen-reader-text" href="#">MARKER</a>`, false},
		{"d-none", "", `<div class="d-none">MARKER</div>`, false},
		{"d-none shown on desktops", "", `<div class="d-none d-lg-block">MARKER</div>`, true},
		{"tailwind hidden shown on tablets", "", `<div class="hidden md:flex">MARKER</div>`, true},
		{"zero size", "", `<div style="width:0; height:0; overflow:hidden">MARKER</div>`, false},
		{"one pixel", "", `<div style="width:1px;height:1px;overflow:hidden">MARKER</div>`, false},
		{"small but shown", "", `<div style="width:200px;height:20px;overflow:hidden">MARKER</div>`, true},
		{"zero font", "", `<span style="font-size:0px">MARKER</span>`, false},
		{"transparent", "", `<span style="opacity:0">MARKER</span>`, false},
		{"half transparent", "", `<span style="opacity:0.5">MARKER</span>`, true},
		{"off screen", "", `<div style="position:absolute;left:-10000px">MARKER</div>`, false},
		{"off screen in em", "", `<div style="position:fixed; top:-100em">MARKER</div>`, false},
		{"nudged, not off screen", "", `<div style="position:relative;left:-10px">MARKER</div>`, true},
		{"text indent", "", `<h2 style="text-indent:-9999px">MARKER</h2>`, false},
		{"clip rect", "", `<span style="position:absolute;clip:rect(0 0 0 0)">MARKER</span>`, false},
		{"clip path", "", `<span style="clip-path: inset(50%)">MARKER</span>`, false},
		{"closed dialog", "", `<dialog>MARKER</dialog>`, false},
		{"open dialog", "", `<dialog open>MARKER</dialog>`, true},
		{"style sheet class", ".x-promo { color: red; display: none }", `<p class="a x-promo">MARKER</p>`, false},
		{"style sheet id", "/* hide */ #tip{visibility:hidden}", `<p id="tip">MARKER</p>`, false},
		{"style sheet compound", "p.note, .other { font-size: 0 }", `<p class="note">MARKER</p>`, false},
		{"style sheet print only", "@media print { .noscreen { display: none } }", `<p class="noscreen">MARKER</p>`, true},
		{"style sheet other class", ".x-promo { display: none }", `<p class="x-promotion">MARKER</p>`, true},
		{"template", "", `<template><p>MARKER</p></template>`, false},
		{"noscript", "", `<noscript>MARKER</noscript>`, false},
	}
	story := []string{
		"The ferry left the harbour at nine o'clock on a calm night, with thirty passengers and two cars on board, and crossed the sound in forty minutes.",
		"The crew served tea in the saloon while a school choir on its way home from a competition sang in the stern, and the captain slowed down to let them finish.",
		"At the far pier a bus waited for the passengers, and the last of them were in their beds by eleven, the harbour master said.",
	}
	for _, tt := range tests {
		for _, keepAll := range []bool{false, true} {
			page := "<html><head><title>Night ferry</title><style>" + tt.css + "</style></head><body><article><h1>Night ferry</h1><p>" +
				story[0] + "</p>" + strings.ReplaceAll(tt.html, "MARKER", "Marker words here.") + "<p>" + story[1] + "</p><p>" + story[2] + "</p></article></body></html>"
			p := mustParseOpt(t, page, knowledge.ParseOptions{Name: "ferry.html", KeepAll: keepAll})
			text := indexed(p)
			if got := strings.Contains(text, "Marker words"); got != tt.shown {
				t.Errorf("%s (keep all %t): indexed %t, want %t; passages %q", tt.name, keepAll, got, tt.shown, text)
			}
			for _, s := range story {
				if !strings.Contains(text, s) {
					t.Errorf("%s (keep all %t): story lost: %q", tt.name, keepAll, s)
				}
			}
		}
	}
}

// TestParseHTMLDeepNesting checks pages nested far deeper than the HTML
// parser's limit of 512: their text is read as HTML, never as markup, and
// scripts, style sheets and hidden text deep down stay out.
func TestParseHTMLDeepNesting(t *testing.T) {
	for _, depth := range []int{511, 520, 3000, 20000} {
		var sb strings.Builder
		sb.WriteString("<html><head><title>Deep</title><style>.gone{display:none}</style></head><body><p>Shallow words at the top of the page, before the nesting starts.</p>")
		for i := range depth {
			sb.WriteString([]string{"<div>", "<span>", "<section>", "<b>"}[i%4])
		}
		sb.WriteString("<h2>Deep heading</h2><p>The deep paragraph says the lock keeper opened the gates at dawn.</p>" +
			"<script>var secret = '<p>script body</p>';</script><style>p{color:red}</style>" +
			"<div class=gone>Rule-hidden text.</div><div style='display:none'>Style-hidden text.</div><p hidden>Attribute-hidden text.</p>" +
			"<table><tr><td>cell one</td><td>cell two</td></tr></table><p>Last deep words.</p>")
		for i := depth - 1; i >= 0; i-- {
			sb.WriteString([]string{"</div>", "</span>", "</section>", "</b>"}[i%4])
		}
		sb.WriteString("<p>Shallow words at the end of the page.</p></body></html>")
		for _, keepAll := range []bool{false, true} {
			p := mustParseOpt(t, sb.String(), knowledge.ParseOptions{Name: "deep.html", KeepAll: keepAll})
			text := p.Doc.Text
			for _, want := range []string{"Deep heading", "the lock keeper opened the gates at dawn.", "cell one", "cell two", "Last deep words."} {
				if !strings.Contains(text, want) {
					t.Errorf("depth %d (keep all %t): %q lost from %q", depth, keepAll, want, text)
				}
			}
			for _, bad := range []string{"<", ">", "secret", "script body", "color:red", "hidden text"} {
				if strings.Contains(strings.ToLower(text), bad) {
					t.Errorf("depth %d (keep all %t): %q in the text %q", depth, keepAll, bad, text)
				}
			}
		}
	}
}

// TestParseDoc2DialPages puts the Doc2Dial government pages into a page
// layout of menus, sidebars and footers: no answer that the dialogues rest
// on may be dropped.
func TestParseDoc2DialPages(t *testing.T) {
	layout, err := os.ReadFile("testdata/web/doc2dial-layout.html")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := webpages.Doc2Dial(layout, filepath.Join(datasets, "doc2dial-dev"))
	if err != nil {
		t.Skipf("Doc2Dial: %v", err)
	}
	lost, answers := 0, 0
	for _, pg := range pages {
		p := mustParseOpt(t, string(pg.HTML), knowledge.ParseOptions{Name: "page.html"})
		text := indexed(p)
		for _, a := range pg.Answers {
			answers++
			if !webpages.Contains(text, a) {
				lost++
				t.Errorf("%s: answer dropped: %q", pg.Name, a)
			}
		}
		for _, f := range []string{"Sign in to your online account", "Replace a lost card", "produced and published at U.S. taxpayer expense"} {
			if strings.Contains(text, f) {
				t.Errorf("%s: page furniture %q indexed", pg.Name, f)
			}
		}
	}
	if answers < 500 {
		t.Errorf("%d answers, want Doc2Dial's 509", answers)
	}
	t.Logf("%d of %d answers dropped", lost, answers)
}
