package timeline_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

// newDoc makes a document whose paragraphs (separated by blank lines) are
// its passages, the way the store hands them to Build.
func newDoc(slug, date, text string) (knowledge.Document, []knowledge.Passage) {
	doc := knowledge.Document{Slug: slug, Title: slug, Text: text, Date: date}
	var ps []knowledge.Passage
	off := 0
	for _, para := range strings.Split(text, "\n\n") {
		if t := strings.TrimSpace(para); t != "" {
			start := off + strings.Index(para, t)
			n := len(ps) + 1
			ps = append(ps, knowledge.Passage{
				ID: knowledge.PassageID(slug, n), Doc: slug, N: n, Text: t, Start: start, End: start + len(t),
			})
		}
		off += len(para) + len("\n\n")
	}
	return doc, ps
}

func build(t *testing.T, date, text string, opts timeline.Options) timeline.Timeline {
	t.Helper()
	doc, ps := newDoc("town", date, text)
	tl, err := timeline.Build(doc, ps, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, e := range tl.Events {
		if got := doc.Text[e.Start:e.End]; got != e.Quote {
			t.Errorf("quote %q is not the document's text at %d:%d (%q)", e.Quote, e.Start, e.End, got)
		}
		if !strings.Contains(strings.Join(strings.Fields(e.Quote), " "), e.Expression) {
			t.Errorf("quote %q does not hold the expression %q", e.Quote, e.Expression)
		}
	}
	return tl
}

// summary lists events as "date expression", or "date–until expression".
func summary(tl timeline.Timeline) []string {
	out := []string{}
	for _, e := range tl.Events {
		d := e.Date
		if e.Until != "" {
			d += "–" + e.Until
		}
		out = append(out, d+" "+e.Expression)
	}
	return out
}

func TestExpressions(t *testing.T) {
	// 2020-01-03 is a Friday; its week began on Monday 2019-12-30.
	const friday = "2020-01-03"
	tests := []struct {
		name, date, text string
		want             []string
	}{
		{"last week across New Year", friday, "Last week the council voted to close the bridge.", []string{"2019-12 Last week"}},
		{"last year across New Year", friday, "The mayor resigned last year.", []string{"2019 last year"}},
		{"this year", friday, "This year the festival returns.", []string{"2020 This year"}},
		{"last month", friday, "The budget passed last month.", []string{"2019-12 last month"}},
		{"yesterday", friday, "The river flooded yesterday.", []string{"2020-01-02 yesterday"}},
		{"today", friday, "The bridge reopens today.", []string{"2020-01-03 today"}},
		{"two years ago", friday, "A storm hit the coast two years ago.", []string{"2018 two years ago"}},
		{"three days ago", friday, "The ferry sank 3 days ago.", []string{"2019-12-31 3 days ago"}},
		{"on Thursday is the day before", friday, "The bridge reopened on Thursday.", []string{"2020-01-02 on Thursday"}},
		{"on Friday is the document's day", friday, "The mayor spoke on Friday.", []string{"2020-01-03 on Friday"}},
		{"last Friday is a week back", friday, "The mayor spoke last Friday.", []string{"2019-12-27 last Friday"}},
		{"on Saturday is the last one", friday, "The market opened on Saturday.", []string{"2019-12-28 on Saturday"}},
		{"earlier this week mostly in the new year", friday, "Earlier this week the mayor spoke.", []string{"2020 Earlier this week"}},
		{"this week inside a month", "2019-05-16", "However, this week a source spoke.", []string{"2019-05 this week"}},
		{"a month without a year is the latest one", friday, "The works began in March.", []string{"2019-03 in March"}},
		{"last May", "2019-05-16", "The plant closed last May.", []string{"2018-05 last May"}},
		{"a day without a year", friday, "The plant closed on December 12.", []string{"2019-12-12 December 12"}},
		{"an upcoming day and month on its weekday", "2024-08-01", "The fair will be held on Saturday 14 September.", []string{"2024-09-14 Saturday 14 September"}},
		{"the present looks ahead", "2024-08-01", "The fair takes place on Saturday, September 14, on the green.", []string{"2024-09-14 Saturday, September 14"}},
		{"an upcoming day and month on its weekday, next year", "2023-08-01", "The fair will be held on Saturday 14 September.", []string{"2024-09-14 Saturday 14 September"}},
		{"a weekday that fits no near year is not used", "2024-08-01", "The fair was held on Saturday 14 September.", []string{"2023-09-14 Saturday 14 September"}},
		{"a letter's dateline is read as the past", "1813-01-28", "Gracechurch Street, Monday, August 2.", []string{"1812-08-02 Monday, August 2"}},
		{"an upcoming day and month", "2024-08-01", "The fair will open on 14 September.", []string{"2024-09-14 14 September"}},
		{"a past day and month", "2024-08-01", "The fair opened on 14 September.", []string{"2023-09-14 14 September"}},
		{"an upcoming weekday", friday, "The council will meet on Thursday.", []string{"2020-01-09 on Thursday"}},
		{"an upcoming month", friday, "The bridge is expected to reopen in March.", []string{"2020-03 in March"}},

		{"year", "", "The FBI made its demand in 2015.", []string{"2015 in 2015"}},
		{"month and year", "", "Ramos pleaded guilty in October 2018 to running it.", []string{"2018-10 October 2018"}},
		{"month of year", "", "It ended in October of 2018.", []string{"2018-10 October of 2018"}},
		{"month, year", "", "One day—it was in March, 1883—a letter came.", []string{"1883-03 March, 1883"}},
		{"month, two-digit year", "1890-10-09", "It was in January, ’85, that my father died.", []string{"1885-01 January, ’85"}},
		{"abbreviated month", "", "It ended in Oct. 2018.", []string{"2018-10 Oct. 2018"}},
		{"US date", "", "He was born on March 3, 2019 in Ohio.", []string{"2019-03-03 March 3, 2019"}},
		{"British date", "", "He left on 3 March 2019 for good.", []string{"2019-03-03 3 March 2019"}},
		{"ordinal date", "", "He left on the 3rd of March, 2019.", []string{"2019-03-03 3rd of March, 2019"}},
		{"ISO date", "", "The log starts on 2019-03-03 at noon.", []string{"2019-03-03 2019-03-03"}},
		{"decade", "", "The firm grew in the 1990s.", []string{"1990s the 1990s"}},
		{"mid-year", "", "The firm folded in mid-2018.", []string{"2018 in mid-2018"}},
		{"season", "", "They met in the summer of 2018.", []string{"2018 in the summer of 2018"}},
		{"early year", "", "The firm folded in early 2019.", []string{"2019 in early 2019"}},
		{"sentence-initial year", "", "In 1999, they won the cup.", []string{"1999 In 1999"}},

		{"range of years", "", "From 2010 to 2012 she served as mayor.", []string{"2010–2012 From 2010 to 2012"}},
		{"range of months", "", "Between March and May 2019 the bridge was closed.", []string{"2019-03–2019-05 Between March and May 2019"}},
		{"range across New Year", "", "Between November and February 2019 it snowed.", []string{"2018-11–2019-02 Between November and February 2019"}},
		{"dashed range", "", "The war (1939–1945) changed the town.", []string{"1939–1945 1939–1945"}},

		{"money", "", "He agreed to forfeit $118 million in cash.", nil},
		{"gang name", "", "It was an investigation into the gang MS-13.", nil},
		{"plan name", "", "The Cheapest NBN 50 Plans are here.", nil},
		{"prison term", "", "Ramos landed nine years in prison.", nil},
		{"count of charges", "", "He faces 7 charges.", nil},
		{"thousands", "", "The report ran to 1,000 pages.", nil},
		{"page number", "", "See page 2019 of the report.", nil},
		{"a count after in", "", "In 2000 cases the court agreed.", nil},
		{"a count range", "", "Between 2000 and 3000 people came.", nil},
		{"odds", "", "It was a one in 1000 chance.", nil},
		{"a year as an adjective is no event", "", "The 2016 election was close.", nil},
		{"May the verb", "", "May I ask where Theresa May went?", nil},
		{"another week's weekday", friday, "They stayed till the following Tuesday, as on every Sunday.", nil},
		{"at last", friday, "At last month after month went by.", nil},
		{"a compound number", friday, "She married five-and-twenty years ago.", nil},
		{"the last year of a life", friday, "It was the last year of his life.", nil},
		{"relative with no document date", "", "The mayor resigned last year.", nil},
		{"since bounds", "", "It was the warmest winter since 1987.", nil},
		{"for the first time since", "", "The river froze for the first time since 1987.", nil},
		{"by sets a target", "", "The city aims to be carbon neutral by 2030.", nil},
		{"before bounds", "", "He had left the town before 2015.", nil},
		{"than compares", "", "More people came this year than in 1987.", nil},
		{"compared with", "", "Sales rose by a fifth compared with 2015.", nil},
		{"an expression across a line break", "", "It was not published till\n1813, four years before her death.", []string{"1813 till 1813"}},

		{"the most precise date in a sentence", "", "In 2019, on March 3, the bridge fell.", []string{"2019-03-03 March 3"}},
		{"a weekday before its date", "", "On Thursday, March 7, 2019, the bridge fell.", []string{"2019-03-07 March 7, 2019"}},
		{"two happenings in a sentence", "", "He was arrested in March 2018 and sentenced in May 2019.",
			[]string{"2018-03 March 2018", "2019-05 May 2019"}},
		{"a relative date holding an explicit one", "2019-06-01", "Earlier this year, in February 2019, the mayor spoke.",
			[]string{"2019-02 February 2019"}},
		{"a month taking the year before it", friday, "In 2015 the firm opened, and in March it hired a cook.",
			[]string{"2015-03 in March"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := build(t, tt.date, tt.text, timeline.Options{})
			got := summary(tl)
			if fmt.Sprint(got) != fmt.Sprint(append([]string{}, tt.want...)) {
				t.Errorf("%q (dated %q):\ngot  %q\nwant %q", tt.text, tt.date, got, tt.want)
			}
		})
	}
}

func TestEventsAreSortedYearBeforeItsMonths(t *testing.T) {
	tl := build(t, "2019-09-20", `The shop was sold in May 2019.

Earlier this year the owner fell ill.

It opened in 2015.

The summer of 2015 was hot.

It was renovated on 2015-02-01 and closed in January 2015.`, timeline.Options{})
	got := summary(tl)
	want := []string{
		"2015 in 2015", // ties in document order
		"2015 The summer of 2015",
		"2015-01 January 2015",
		"2015-02-01 2015-02-01",
		"2019 Earlier this year",
		"2019-05 May 2019",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestDocumentDate(t *testing.T) {
	t.Run("configured", func(t *testing.T) {
		tl := build(t, "2020-01-03", "Nothing happened.", timeline.Options{})
		if tl.DocumentDate != "2020-01-03" || tl.DocumentDateSource != timeline.SourceConfigured {
			t.Errorf("document date %q (%s), want 2020-01-03 (configured)", tl.DocumentDate, tl.DocumentDateSource)
		}
	})
	t.Run("inferred from the latest date", func(t *testing.T) {
		tl := build(t, "", "It opened in 2010. It was sold in December 2016. Last year it closed; this week it was torn down.", timeline.Options{})
		if tl.DocumentDate != "2016-12" || tl.DocumentDateSource != timeline.SourceInferred {
			t.Errorf("document date %q (%s), want 2016-12 (inferred)", tl.DocumentDate, tl.DocumentDateSource)
		}
		if !strings.Contains(tl.DocumentDateBasis, "December 2016") {
			t.Errorf("basis %q does not say which date it rests on", tl.DocumentDateBasis)
		}
		// "this week" is when the text was written: after December 2016.
		want := []string{"2010 in 2010", "2015 Last year", "2016-12 December 2016", "2016 this week"}
		if got := summary(tl); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
	t.Run("not from a date the text looks ahead to", func(t *testing.T) {
		tl := build(t, "", "Ramos was sentenced in May 2023. A report on the case is due in March 2024. Last year he was arrested.", timeline.Options{})
		if tl.DocumentDate != "2023" {
			t.Errorf("document date %q, want 2023 (not the March 2024 the report is due)", tl.DocumentDate)
		}
		want := []string{"2022 Last year", "2023-05 May 2023", "2024-03 March 2024"}
		if got := summary(tl); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
	t.Run("not from a future tense", func(t *testing.T) {
		tl := build(t, "", "The bridge closed in June 2021. It will reopen in April 2023, the council said last week.", timeline.Options{})
		if tl.DocumentDate != "2021" {
			t.Errorf("document date %q, want 2021 (not 2023, when the bridge will reopen)", tl.DocumentDate)
		}
	})
	t.Run("not from a target or a decade", func(t *testing.T) {
		tl := build(t, "", "It was sold in December 2016. The city plans to be carbon neutral by 2030, as it was in the 2040s.", timeline.Options{})
		if tl.DocumentDate != "2016-12" {
			t.Errorf("document date %q, want 2016-12 (not 2030, not the 2040s)", tl.DocumentDate)
		}
	})
	t.Run("none in a book", func(t *testing.T) {
		story := "I take up my pen in the year 1745 and go back to the time when my father kept the inn.\n\n" +
			"I remember him as if it were yesterday, as he came plodding to the inn door.\n\n" +
			strings.Repeat("The sea rolled on and the wind blew and the old captain sat by the fire singing his song. ", 1200)
		tl := build(t, "", story, timeline.Options{})
		if tl.DocumentDate != "" || !strings.Contains(tl.DocumentDateBasis, "book") {
			t.Errorf("document date %q (%s), want none: a book's yesterday is the story's", tl.DocumentDate, tl.DocumentDateBasis)
		}
		if want := []string{"1745 in the year 1745"}; fmt.Sprint(summary(tl)) != fmt.Sprint(want) {
			t.Errorf("got %q, want %q: \"yesterday\" undated", summary(tl), want)
		}
	})
	t.Run("none in chapters", func(t *testing.T) {
		doc, ps := newDoc("novel", "", "The ship sailed in 1745 from Bristol.\n\nYesterday the captain died.")
		ps[0].Chapter, ps[1].Chapter = "chapter 1", "chapter 2"
		tl, err := timeline.Build(doc, ps, timeline.Options{})
		if err != nil || tl.DocumentDate != "" || len(tl.Events) != 1 {
			t.Errorf("got %q with %q, %v; want no document date and only the 1745 event", tl.DocumentDate, summary(tl), err)
		}
	})
	t.Run("none", func(t *testing.T) {
		tl := build(t, "", "Last year it closed.", timeline.Options{})
		if tl.DocumentDate != "" || tl.DocumentDateSource != timeline.SourceInferred || len(tl.Events) != 0 {
			t.Errorf("got %q (%s) with %d events, want no date and no events", tl.DocumentDate, tl.DocumentDateSource, len(tl.Events))
		}
		if tl.Events == nil {
			t.Error("Events is nil, want an empty list")
		}
	})
	t.Run("invalid", func(t *testing.T) {
		doc, ps := newDoc("town", "2019-13-01", "It closed in 2015.")
		_, err := timeline.Build(doc, ps, timeline.Options{})
		if err == nil || !strings.Contains(err.Error(), "2019-13-01") {
			t.Errorf("Build with date 2019-13-01: err = %v, want one naming the date", err)
		}
	})
}

func TestTopic(t *testing.T) {
	text := `The FBI demanded that Apple build a backdoor in 2015.

Ramos pleaded guilty in October 2018.

Ramos was sentenced in May 2019.`
	tl := build(t, "", text, timeline.Options{Topic: "Ramos"})
	want := []string{"2018-10 October 2018", "2019-05 May 2019"}
	if got := summary(tl); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("topic Ramos: got %q, want %q", got, want)
	}
	tl = build(t, "", text, timeline.Options{Topic: "the sentencing of Ramos"})
	want = []string{"2019-05 May 2019"}
	if got := summary(tl); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("topic sentencing: got %q, want %q", got, want)
	}
	doc, ps := newDoc("town", "", text)
	if _, err := timeline.Build(doc, ps, timeline.Options{Topic: "?!"}); !errors.Is(err, timeline.ErrEmptyTopic) {
		t.Errorf("topic \"?!\": err = %v, want ErrEmptyTopic", err)
	}
}

func TestEventText(t *testing.T) {
	tests := []struct{ text, want string }{
		{"The FBI demanded that Apple build a backdoor in 2015 (it was eventually forced to turn to hackers), while a task force tried to coerce Facebook.",
			"The FBI demanded that Apple build a backdoor in 2015"},
		{"However, this week a source told Motherboard that the FBI offered him a deal: “the opportunity to do less time.”",
			"This week a source told Motherboard that the FBI offered him a deal"},
		{"Ramos pleaded guilty in October 2018 to running a criminal enterprise, according to Motherboard, with a press release stating more.",
			"Ramos pleaded guilty in October 2018 to running a criminal enterprise"},
		{"He founded the firm in 2010, and in 2015 he sold it to a bank.", "He founded the firm in 2010"},
	}
	for _, tt := range tests {
		tl := build(t, "2019-06-01", tt.text, timeline.Options{})
		if len(tl.Events) == 0 {
			t.Errorf("%q: no events", tt.text)
			continue
		}
		if got := tl.Events[0].Text; got != tt.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tt.text, got, tt.want)
		}
	}
}
