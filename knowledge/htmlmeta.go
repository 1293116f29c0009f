package knowledge

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageMeta is what a page says about itself, read before its article is
// picked out: its title, its first visible h1, and its publication date.
type pageMeta struct {
	title string   // <title>
	h1s   []string // the first few visible h1 elements
	date  string   // YYYY-MM-DD, or ""
}

// publishedMeta are the <meta> names and properties that give a page's
// publication date (Open Graph, Dublin Core, schema.org microdata, and
// those that news sites and Google Scholar use), best first.
var publishedMeta = []string{
	"article:published_time", "datepublished", "og:published_time", "published_time", "publishdate",
	"publish-date", "pubdate", "dcterms.issued", "dc.date.issued", "dcterms.date", "dc.date", "dcterms.created",
	"dc.date.created", "citation_publication_date", "citation_date", "parsely-pub-date", "sailthru.date", "date",
}

// readPageMeta reads a page's title, first h1 and publication date: from
// JSON-LD datePublished, else a <meta> date (publishedMeta), else a <time
// datetime> marked as the publication date or, failing that, the first
// one outside page furniture, else a dated byline (an element whose class
// or id names a byline, dateline or posting date, with a full date written
// out: "By Mara Quint · 14 March 2023"). Hidden elements are not read.
func readPageMeta(root *html.Node, rules *styleRules) pageMeta {
	r := metaReader{rules: rules, metas: map[string]string{}}
	r.visit(root, false)
	m := r.meta
	m.date = r.ldDate
	for _, k := range publishedMeta {
		if m.date == "" {
			m.date = machineDate(r.metas[k])
		}
	}
	m.date = firstNonEmpty(m.date, r.markedTime, r.firstTime, r.bylineDate)
	return m
}

// metaReader collects what readPageMeta chooses from.
type metaReader struct {
	rules      *styleRules
	meta       pageMeta
	metas      map[string]string // <meta> contents by lower-case name, property or itemprop
	ldDate     string            // JSON-LD datePublished
	markedTime string            // a <time> or microdata marked as the publication date
	firstTime  string            // the first <time datetime> outside page furniture
	bylineDate string            // a date written out in a byline
}

// visit reads n and what it holds; furniture says whether n is inside
// nav, aside, footer or form.
func (r *metaReader) visit(n *html.Node, furniture bool) {
	if n.Type == html.ElementNode {
		if r.rules.hides(n) {
			return
		}
		switch n.DataAtom {
		case atom.Title:
			if r.meta.title == "" {
				r.meta.title = collapseSpace(textOf(n, r.rules))
			}
			return
		case atom.Script:
			if r.ldDate == "" && strings.EqualFold(attrOf(n, "type"), "application/ld+json") && n.FirstChild != nil {
				r.ldDate = jsonLDPublished(n.FirstChild.Data)
			}
			return
		case atom.Meta:
			key := strings.ToLower(firstNonEmpty(attrOf(n, "property"), attrOf(n, "name"), attrOf(n, "itemprop")))
			if _, seen := r.metas[key]; !seen && key != "" {
				r.metas[key] = attrOf(n, "content")
			}
		case atom.H1:
			if h := collapseSpace(textOf(n, r.rules)); h != "" && len(r.meta.h1s) < 8 {
				r.meta.h1s = append(r.meta.h1s, h)
			}
		case atom.Time:
			r.time(n, furniture)
		case atom.Nav, atom.Aside, atom.Footer, atom.Form:
			furniture = true
		}
		if d := itemPropDate(n); d != "" && r.markedTime == "" {
			r.markedTime = d
		}
		if r.bylineDate == "" && !furniture && classOrIDHas(n, "byline", "dateline", "posted", "published", "pubdate", "article-date", "post-date", "entry-meta", "timestamp") {
			r.bylineDate = writtenDate(collapseSpace(textOf(n, r.rules)))
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.visit(c, furniture)
	}
}

// time reads a <time datetime>.
func (r *metaReader) time(n *html.Node, furniture bool) {
	d := machineDate(attrOf(n, "datetime"))
	if d == "" {
		return
	}
	if r.markedTime == "" && (hasAttr(n, "pubdate") || strings.EqualFold(attrOf(n, "itemprop"), "datePublished") ||
		classOrIDHas(n, "published", "entry-date", "pubdate")) {
		r.markedTime = d
	}
	if r.firstTime == "" && !furniture {
		r.firstTime = d
	}
}

// itemPropDate reads microdata on an element other than <meta> or <time>:
// <span itemprop="datePublished" content="2024-03-08">.
func itemPropDate(n *html.Node) string {
	if !strings.EqualFold(attrOf(n, "itemprop"), "datePublished") || n.DataAtom == atom.Meta || n.DataAtom == atom.Time {
		return ""
	}
	return machineDate(firstNonEmpty(attrOf(n, "content"), attrOf(n, "datetime")))
}

// classOrIDHas reports whether n's class or id has one of the words, as a
// whole class name or a part of one between dashes and underscores
// ("posted-on", "article_byline").
func classOrIDHas(n *html.Node, words ...string) bool {
	names := strings.Fields(strings.ToLower(attrOf(n, "class") + " " + attrOf(n, "id")))
	for _, name := range names {
		parts := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' })
		for _, w := range words {
			if name == w || strings.Contains(w, "-") && strings.Contains(name, w) || slices.Contains(parts, w) {
				return true
			}
		}
	}
	return false
}

// jsonLDPublished returns the first datePublished in a JSON-LD script, in
// its objects, arrays and @graph, or "".
func jsonLDPublished(src string) string {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return ""
	}
	var find func(v any, depth int) string
	find = func(v any, depth int) string {
		if depth > 8 {
			return ""
		}
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["datePublished"].(string); ok {
				if d := machineDate(s); d != "" {
					return d
				}
			}
			for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage", "itemListElement"} {
				if d := find(x[k], depth+1); d != "" {
					return d
				}
			}
		case []any:
			for _, e := range x {
				if d := find(e, depth+1); d != "" {
					return d
				}
			}
		}
		return ""
	}
	return find(v, 0)
}

// machineDate reads the date of a machine-written timestamp (ISO 8601,
// "2024-03-08T09:30:00+00:00", "2024/03/08", RFC 1123) as YYYY-MM-DD, the
// day as the page wrote it, in its own time zone; "" when it is not one.
func machineDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] {
		d := s[:4] + "-" + s[5:7] + "-" + s[8:10]
		if (len(s) == 10 || !isASCIIAlnum(s[10]) || s[10] == 'T') && plausibleDate(d) {
			return d
		}
		return ""
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC850, "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}

// plausibleDate reports whether d is a real YYYY-MM-DD date of a page.
func plausibleDate(d string) bool {
	t, err := time.Parse(time.DateOnly, d)
	return err == nil && t.Year() >= 1900 && t.Year() < 2200
}

// writtenDate returns the earliest full date written out in s ("14 March
// 2023", "March 14, 2023", "14th Mar 2023", "2023-03-14") as YYYY-MM-DD,
// or "".
func writtenDate(s string) string {
	if len(s) > 300 {
		return ""
	}
	toks := dateTokens(s)
	best := ""
	for i := range toks {
		d := ""
		if len(toks[i]) >= 10 {
			d = machineDate(toks[i])
		}
		if d == "" && i+2 < len(toks) {
			d = dayMonthYear(toks[i], toks[i+1], toks[i+2])
			if d == "" {
				d = dayMonthYear(toks[i+1], toks[i], toks[i+2])
			}
		}
		if d != "" && (best == "" || d < best) {
			best = d
		}
	}
	return best
}

// dateTokens splits s into words and numbers, dropping ordinal suffixes
// ("14th" → "14") and the punctuation between them; an ISO date stays one
// token.
func dateTokens(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == ':' || r == '+')
	})
	out := f[:0]
	for _, t := range f {
		t = strings.Trim(t, "-:+")
		if t == "" {
			continue
		}
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			if n, ok := strings.CutSuffix(t, suf); ok && n != "" && n[0] >= '0' && n[0] <= '9' {
				t = n
			}
		}
		out = append(out, t)
	}
	return out
}

var monthNumbers = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// dayMonthYear reads a day number, a month name and a four-digit year.
func dayMonthYear(day, month, year string) string {
	m, ok := monthNumbers[strings.ToLower(month)]
	if !ok || len(year) != 4 || len(day) > 2 {
		return ""
	}
	dn, err1 := strconv.Atoi(day)
	yn, err2 := strconv.Atoi(year)
	if err1 != nil || err2 != nil || dn < 1 || dn > 31 {
		return ""
	}
	d := time.Date(yn, time.Month(m), dn, 0, 0, 0, 0, time.UTC)
	if d.Day() != dn {
		return "" // 31 April
	}
	s := d.Format(time.DateOnly)
	if !plausibleDate(s) {
		return ""
	}
	return s
}

// headline returns the page's headline: the longest h1 that its title
// contains, else the first h1.
func (m pageMeta) headline() string {
	best := ""
	title := strings.ToLower(m.title)
	for _, h := range m.h1s {
		if strings.Contains(title, strings.ToLower(h)) && len(h) > len(best) {
			best = h
		}
	}
	if best == "" && len(m.h1s) > 0 {
		best = m.h1s[0]
	}
	return best
}
