// Package timeline lists the dated events of a document in chronological
// order. It finds temporal expressions in the passages ("in 2015",
// "October 2018", "last year", "earlier this week", "on Thursday"), resolves
// the relative ones against the document date (configured, or inferred from
// the latest explicit date the text tells of in the past; none for a book),
// and makes one event per happening, each with its date at the precision
// the text supports, the words that dated it and the sentence it stands in,
// quoted verbatim. A date without its year ("Saturday 14 September", "in
// March", "on Thursday") is read ahead of the document date in a sentence
// that tells of the future or of a present that looks ahead, back from it
// otherwise, on the weekday it names when that fits a near year; a
// date that only bounds or compares ("since 1987", "by 2030", "than in
// 1987") dates no event; what happened at the document date ("this week")
// comes after the explicit dates it was inferred from.
package timeline

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// Sources of the document date.
const (
	SourceConfigured = "configured" // Document.Date, from `ingest --date` or front matter
	SourceMetadata   = "metadata"   // Document.Date, a web page's publication date from its metadata
	SourceInferred   = "inferred"   // from the dates the text gives
)

// Timeline is a document's dated events, earliest first, or those of
// several documents (Merge).
type Timeline struct {
	// Doc and Title name the document; "" for several.
	Doc   string `json:"-"`
	Title string `json:"-"`
	// DocumentDate is the date relative expressions were resolved against
	// (YYYY, YYYY-MM or YYYY-MM-DD), or "" when the text gives none.
	DocumentDate string `json:"document_date"`
	// DocumentDateSource is SourceConfigured, SourceMetadata or SourceInferred.
	DocumentDateSource string `json:"document_date_source"`
	// DocumentDateBasis says in words how the document date was found.
	DocumentDateBasis string `json:"-"`
	// Documents lists the documents of a timeline of several (Merge),
	// each with the date its relative expressions were read against; the
	// document date fields above are then empty.
	Documents []Part `json:"documents,omitempty"`
	// Events are in chronological order; never nil.
	Events []Event `json:"events"`
	// Notice says how the events' labels were made, or why they have
	// none; "" when no one asked for labels (Build never sets it).
	Notice string `json:"notice,omitempty"`
}

// Event is one dated happening.
type Event struct {
	// Date is YYYY, YYYY-MM or YYYY-MM-DD, at the precision the text
	// supports ("1990s" for a decade). A range is dated by its start.
	Date string `json:"date"`
	// Expression is the dating words as written: "in 2015", "last year".
	Expression string `json:"expression"`
	// Text is the clause that tells what happened, trimmed for display.
	Text string `json:"text"`
	// Quote is the sentence holding Expression, exactly as in the document.
	Quote string `json:"quote"`
	// PassageID is the passage the quote comes from.
	PassageID string `json:"passage_id"`
	// Doc is the id of the document the quote comes from.
	Doc string `json:"doc"`
	// Label is a one-line summary written by a model and checked against
	// Quote, or "" (Build never sets it).
	Label string `json:"label,omitempty"`
	// Until is the end of a range ("from 2010 to 2012" ends "2012"), else "".
	Until string `json:"-"`
	// Start and End are the byte offsets of Quote in the document text.
	Start int `json:"-"`
	End   int `json:"-"`

	span span // the days Date covers, for sorting
	// atRef marks an event dated at the document date ("this week", "on
	// Thursday"): when that date is known only to a month or a year, the
	// event comes after the explicit dates it cannot precede.
	atRef bool
}

// When is the event's date, or its range: "2010–2012".
func (e Event) When() string {
	if e.Until != "" {
		return e.Date + "–" + e.Until
	}
	return e.Date
}

// Options narrow a timeline.
type Options struct {
	// Topic, when set, keeps only events whose passage holds every word of
	// it (stop words aside), compared as the search index compares them
	// (Porter stems, case and diacritics folded), so "--topic Ramos" keeps
	// the passages about Ramos and "sentencing" finds "sentenced".
	Topic string
}

// ErrEmptyTopic is returned by Build for a topic with no words in it.
var ErrEmptyTopic = errors.New("topic has no words")

// boundWords introduce dates that bound other events rather than date a
// happening, often in the future ("until 2025"), so they do not count when
// the document date is inferred; "by 2030" and the other boundPreps are
// mention.bound already.
var boundWords = map[string]bool{"until": true, "till": true}

// sentence is a sentence of a passage with the expressions found in it.
type sentence struct {
	passage  int    // index into the passages
	span     [2]int // in the passage text
	mentions []mention
}

// found is one resolved expression in its sentence.
type found struct {
	m        mention
	date     Date
	passage  int // index into passages
	sentence [2]int
}

// Build makes the timeline of doc from its passages (in document order, as
// Store.Passages returns them). It returns an error when doc.Date is set
// but is not a date, or when opts.Topic has no words.
func Build(doc knowledge.Document, passages []knowledge.Passage, opts Options) (Timeline, error) {
	t := Timeline{Doc: doc.Slug, Title: doc.Title, Events: []Event{}}
	var keep func(string) bool
	if opts.Topic != "" {
		var err error
		if keep, err = topicMatcher(opts.Topic); err != nil {
			return t, err
		}
	}

	// Find every expression first: the explicit ones may fix the document date.
	var sentences []sentence
	var sc scanner
	var hits []int
	for pi, p := range passages {
		if hits = dateHints(hits[:0], p.Text); len(hits) == 0 {
			continue
		}
		h := 0
		for _, s := range knowledge.Sentences(p.Text) {
			for h < len(hits) && hits[h] < s[0] {
				h++
			}
			if h == len(hits) {
				break
			}
			if hits[h] >= s[1] {
				continue // nothing in this sentence could be a date
			}
			if ms := sc.scan(p.Text[s[0]:s[1]]); len(ms) > 0 {
				sentences = append(sentences, sentence{pi, s, ms})
			}
		}
	}

	var ref *span
	if doc.Date != "" {
		d, err := ParseDate(doc.Date)
		if err != nil {
			return t, fmt.Errorf("document %s: date: %w", doc.Slug, err)
		}
		s := d.span()
		ref = &s
		t.DocumentDate, t.DocumentDateSource = d.String(), SourceConfigured
		t.DocumentDateBasis = "configured for the document"
		if doc.DateSource == knowledge.DateMetadata {
			t.DocumentDateSource, t.DocumentDateBasis = SourceMetadata, "the publication date in the page's metadata"
		}
	} else {
		t.DocumentDateSource = SourceInferred
		ref, t.DocumentDate, t.DocumentDateBasis = inferDate(sentences, passages)
	}

	about := make(map[int]bool) // passage index → matches the topic
	for _, s := range sentences {
		p := passages[s.passage]
		if keep != nil {
			ok, seen := about[s.passage]
			if !seen {
				ok = keep(p.Text)
				about[s.passage] = ok
			}
			if !ok {
				continue
			}
		}
		var fs []found
		for _, m := range s.mentions {
			if m.bound {
				continue // "since 1987", "by 2030": no happening is dated
			}
			if d, ok := m.resolve(ref); ok {
				fs = append(fs, found{m: m, date: d, passage: s.passage, sentence: s.span})
			}
		}
		quote := p.Text[s.span[0]:s.span[1]]
		for _, f := range oneEach(fs) {
			e := Event{
				Date:       f.date.String(),
				Expression: oneLine(quote[f.m.start:f.m.end]),
				Text:       eventText(quote, f.m.start, f.m.end),
				Quote:      quote,
				PassageID:  p.ID,
				Doc:        doc.Slug,
				Start:      p.Start + s.span[0],
				End:        p.Start + s.span[1],
				span:       f.date.span(),
			}
			if f.m.until != nil {
				e.Until = f.m.until.String()
			}
			if !f.m.fixed && atRef(f.m, *ref) {
				e.span, e.atRef = *ref, true
			}
			t.Events = append(t.Events, e)
		}
	}
	sort.SliceStable(t.Events, func(i, j int) bool { return earlier(t.Events[i], t.Events[j]) })
	return t, nil
}

// oneLine collapses the white space in s to single spaces: an expression
// wrapped across lines ("till\n1813") shows as "till 1813".
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\t\r") && !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// nearDays is how close to the document date, and how short, an
// expression's span must be for the expression to date its event at the
// document date ("today", "this week", "on Thursday", "last night").
const nearDays = 7

// atRef reports whether m dates its event at the document date, which
// lies in ref, and ref is wider than a day: the event is then placed at
// ref, not at the earliest day m could mean. The text was written after
// the explicit dates ref was inferred from, and so was what happened on
// the day it was written or in the days before.
func atRef(m mention, ref span) bool {
	if days(ref) <= 1 {
		return false // the day is known: m's own date places it
	}
	s := m.relative()(ref.from)
	return days(s) <= nearDays && !s.to.Before(ref.from.AddDate(0, 0, -nearDays)) && !s.from.After(ref.from.AddDate(0, 0, nearDays))
}

// earlier orders events: earliest first, a year before its months, an
// event at the document date after the explicit dates that start with it.
// Events it does not order keep the order they are in (document order).
func earlier(x, y Event) bool {
	a, b := x.span, y.span
	if !a.from.Equal(b.from) {
		return a.from.Before(b.from)
	}
	if x.atRef != y.atRef {
		return y.atRef
	}
	return a.to.After(b.to)
}

// oneEach keeps one expression per happening in a sentence: of two dates
// where one contains the other ("earlier this year … in May 2019"), the
// more precise; of equal ones, the first. Dates that do not overlap are
// different happenings and each stays.
func oneEach(fs []found) []found {
	if len(fs) < 2 {
		return fs
	}
	var out []found
	for i, f := range fs {
		a := f.date.span()
		drop := false
		for j, g := range fs {
			if i == j {
				continue
			}
			b := g.date.span()
			contains := !a.from.After(b.from) && !a.to.Before(b.to)
			equal := a.from.Equal(b.from) && a.to.Equal(b.to)
			if contains && (!equal || j < i) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, f)
		}
	}
	return out
}

// inferDate infers the document date from the latest explicit date the
// text tells of in the past, or without a tense (in the present, if it
// tells of none so): the
// text was written on or after it, and "this year" is read as its year.
// Dates the text looks ahead to ("due in March 2024"), the ends it sets
// ("by 2030", "until 2025") and the dates it compares with ("since 1987",
// "than in 1987") are not when it was written; neither is any date in a
// book, whose "yesterday" is the story's. It returns nil and
// "" when there is no date to go by, and says in basis how the date was
// found, or why there is none.
func inferDate(sentences []sentence, passages []knowledge.Passage) (ref *span, date, basis string) {
	if isBook(passages) {
		return nil, "", "a book tells \"yesterday\" and \"last year\" from within its story, not from a date of writing, so they are left out"
	}
	latest := latestDate(sentences, past, unmarked)
	if latest == nil {
		latest = latestDate(sentences, present, present)
	}
	if latest == nil {
		return nil, "", "the text gives no date, so relative expressions (\"last year\") are left out"
	}
	from := latest.date.span().from
	s := span{from, mkday(from.Year(), 12, 31)}
	d, _ := dateOf(s)
	p := passages[latest.passage]
	expr := oneLine(p.Text[latest.sentence[0]:][latest.m.start:latest.m.end])
	basis = fmt.Sprintf("the latest date the text gives is %s (%q, %s); the text is taken to be from then or later that year",
		latest.date, expr, p.ID)
	return &s, d.String(), basis
}

// latestDate returns the latest explicit date told in tense t or u that
// may stand for when the text was written, or nil.
func latestDate(sentences []sentence, t, u tense) *found {
	var latest *found
	for _, s := range sentences {
		for _, m := range s.mentions {
			if !m.fixed || m.date.Decade || m.bound || boundWords[m.prep] || m.tense != t && m.tense != u {
				continue
			}
			d := m.date
			if m.until != nil {
				d = *m.until
			}
			if latest == nil || !d.span().from.Before(latest.date.span().from) {
				latest = &found{m: m, date: d, passage: s.passage, sentence: s.span}
			}
		}
	}
	return latest
}

// bookWords is the length, in words, from which a document is a book.
const bookWords = 20000

// isBook reports whether passages are a book's, whose relative dates are
// told from within the story: numbered chapters, or book length.
func isBook(passages []knowledge.Passage) bool {
	chapters := map[string]bool{}
	words := 0
	for _, p := range passages {
		if strings.HasPrefix(p.Chapter, "chapter ") {
			chapters[p.Chapter] = true
		}
		words += countWords(p.Text)
		if len(chapters) >= 2 || words >= bookWords {
			return true
		}
	}
	return false
}

// countWords counts the runs of non-space bytes in s.
func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		space := s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}
