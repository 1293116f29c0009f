// Command bench-html writes an HTML version of text files, for ingest
// benchmarks on web pages: each file becomes a page with a site header,
// menu, sidebar and footer around an article whose paragraphs (blocks
// separated by blank lines) are <p> elements, short lines without a full
// stop <h2> headings, hard-wrapped lines joined.
//
//	go run ./scripts/bench-html -out DIR FILE...
package main

import (
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "", "folder to write the pages to")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: bench-html -out DIR FILE...")
		os.Exit(2)
	}
	for _, f := range flag.Args() {
		if err := convert(f, *out); err != nil {
			fmt.Fprintln(os.Stderr, "bench-html:", err)
			os.Exit(1)
		}
	}
}

func convert(file, dir string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	var sb strings.Builder
	fmt.Fprintf(&sb, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s | Public Domain Library</title>
<meta property="article:published_time" content="2024-01-15T08:00:00Z">
<style>.promo { display: none }</style><script>var pageView = {"id": %q};</script></head>
<body>
<header><div class="logo"><a href="/">Public Domain Library</a></div>
<nav><a href="/">Home</a> <a href="/authors">Authors</a> <a href="/new">New books</a> <a href="/about">About us</a></nav></header>
<div class="layout"><main><article>
<h1>%s</h1>
`, html.EscapeString(name), name, html.EscapeString(name))
	for _, para := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n") {
		t := strings.Join(strings.Fields(para), " ")
		switch {
		case t == "":
		case len(t) < 60 && !strings.ContainsAny(t[len(t)-1:], ".!?\"'”’"):
			fmt.Fprintf(&sb, "<h2>%s</h2>\n", html.EscapeString(t))
		default:
			fmt.Fprintf(&sb, "<p>%s</p>\n", html.EscapeString(t))
		}
	}
	sb.WriteString(`</article></main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">A Tale of Two Cities</a></li><li><a href="/b">Moby Dick</a></li><li><a href="/c">Middlemarch</a></li></ul>
<p class="promo">Hidden promotion text.</p></aside></div>
<div class="comments"><h3>Reader comments</h3><div class="comment"><p>I read this at school and hated it, but it is wonderful now.</p></div></div>
<footer><p>Public Domain Library. <a href="/privacy">Privacy policy</a> · <a href="/terms">Terms of use</a></p></footer>
</body></html>
`)
	return os.WriteFile(filepath.Join(dir, name+".html"), []byte(sb.String()), 0o644)
}
