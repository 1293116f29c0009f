package timeline_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
	"github.com/storybot/storybot/timeline"
)

// defaultStory indexes the embedded story into a fresh store, as a fresh
// install does, and returns it as the store gives it back.
func defaultStory(tb testing.TB) (knowledge.Document, []knowledge.Passage) {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "index.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.EnsureDefault(ctx); err != nil {
		tb.Fatalf("EnsureDefault: %v", err)
	}
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 {
		tb.Fatalf("Documents: %v, %v", docs, err)
	}
	doc, err := st.Document(ctx, knowledge.Everything, docs[0].Slug)
	if err != nil {
		tb.Fatalf("Document: %v", err)
	}
	ps, err := st.Passages(ctx, knowledge.Everything, doc.Slug)
	if err != nil {
		tb.Fatalf("Passages: %v", err)
	}
	return doc, ps
}

func TestDefaultStory(t *testing.T) {
	doc, ps := defaultStory(t)
	tl, err := timeline.Build(doc, ps, timeline.Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if tl.DocumentDate != "2019" || tl.DocumentDateSource != "inferred" {
		t.Errorf("document date %q (%s), want 2019 (inferred)", tl.DocumentDate, tl.DocumentDateSource)
	}

	// The four happenings the story dates, in order.
	order := []struct{ date, expression, words string }{
		{"2015", "in 2015", "Apple"},
		{"2018", "last year", "busted Phantom Secure"},
		{"2018-10", "October 2018", "pleaded guilty"},
		{"2019-05", "May 2019", "nine years in prison"},
	}
	last := -1
	for _, want := range order {
		i := indexOf(tl, want.expression)
		if i < 0 {
			t.Errorf("no event dated by %q", want.expression)
			continue
		}
		e := tl.Events[i]
		if e.Date != want.date || !strings.Contains(e.Quote, want.words) || !strings.Contains(e.Text, want.words) {
			t.Errorf("event %q: got %s %q, want %s about %q", want.expression, e.Date, e.Text, want.date, want.words)
		}
		if i < last {
			t.Errorf("event %q comes before the one listed ahead of it", want.expression)
		}
		last = i
	}
	for _, expr := range []string{"earlier this year", "Earlier this year", "this week", "Earlier this week", "on Thursday"} {
		if i := indexOf(tl, expr); i < 0 || tl.Events[i].Date != "2019" {
			t.Errorf("%q not placed in 2019: %+v", expr, tl.Events)
		}
	}
	// The text was written in May 2019 or later: what happened this week
	// or on Thursday cannot precede the sentence of May 2019.
	may := indexOf(tl, "May 2019")
	for _, expr := range []string{"this week", "Earlier this week", "on Thursday"} {
		if i := indexOf(tl, expr); i < may {
			t.Errorf("%q comes before %q: %v", expr, "May 2019", summary(tl))
		}
	}

	seen := make(map[string]string)
	for _, e := range tl.Events {
		if got := doc.Text[e.Start:e.End]; got != e.Quote {
			t.Errorf("quote %q is not the document text at its offsets (%q)", e.Quote, got)
		}
		if !strings.Contains(doc.Text, e.Quote) || !strings.HasPrefix(e.PassageID, doc.Slug+"#") {
			t.Errorf("event %+v: quote not verbatim or passage id wrong", e)
		}
		if prev, ok := seen[e.Quote]; ok && prev == e.Date {
			t.Errorf("two events dated %s from one sentence: %q", e.Date, e.Quote)
		}
		seen[e.Quote] = e.Date
		for _, ad := range []string{"NBN", "affiliate", "cheapest"} {
			if strings.Contains(strings.ToLower(e.Quote), strings.ToLower(ad)) {
				t.Errorf("event from the advertising block: %q", e.Quote)
			}
		}
	}
	if !sort.SliceIsSorted(tl.Events, func(i, j int) bool { return tl.Events[i].Date[:4] < tl.Events[j].Date[:4] }) {
		t.Errorf("events not in order of year: %v", summary(tl))
	}
}

func TestDefaultStoryTopic(t *testing.T) {
	doc, ps := defaultStory(t)
	tl, err := timeline.Build(doc, ps, timeline.Options{Topic: "Ramos"})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if i := indexOf(tl, "in 2015"); i >= 0 {
		t.Errorf("topic Ramos keeps the 2015 Apple dispute: %q", tl.Events[i].Quote)
	}
	for _, expr := range []string{"October 2018", "May 2019"} {
		if indexOf(tl, expr) < 0 {
			t.Errorf("topic Ramos lost the event dated by %q: %v", expr, summary(tl))
		}
	}
}

func TestJSONShape(t *testing.T) {
	doc, ps := defaultStory(t)
	tl, err := timeline.Build(doc, ps, timeline.Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	b, err := json.Marshal(tl)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Top    map[string]json.RawMessage
		Events []map[string]any
	}
	if err := json.Unmarshal(b, &got.Top); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got.Top["events"], &got.Events); err != nil {
		t.Fatal(err)
	}
	if keys := keysOf(got.Top); !reflect.DeepEqual(keys, []string{"document_date", "document_date_source", "events"}) {
		t.Errorf("top-level keys %v", keys)
	}
	for _, e := range got.Events {
		if keys := keysOf(e); !reflect.DeepEqual(keys, []string{"date", "doc", "expression", "passage_id", "quote", "text"}) {
			t.Errorf("event keys %v", keys)
		}
		for k, v := range e {
			if _, ok := v.(string); !ok {
				t.Errorf("event %s is %T, want a string", k, v)
			}
		}
	}
	empty, _ := json.Marshal(timeline.Timeline{Events: []timeline.Event{}})
	if want := `{"document_date":"","document_date_source":"","events":[]}`; string(empty) != want {
		t.Errorf("empty timeline: %s, want %s", empty, want)
	}
}

func indexOf(tl timeline.Timeline, expression string) int {
	for i, e := range tl.Events {
		if e.Expression == expression {
			return i
		}
	}
	return -1
}

func keysOf[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// A saga told over several articles is one timeline: the events of every
// document in one order, each naming its document.
func TestMergeSeveralDocuments(t *testing.T) {
	build := func(slug, date, text string) timeline.Timeline {
		t.Helper()
		doc := knowledge.Document{Slug: slug, Title: "Part " + slug, Date: date, Text: text}
		tl, err := timeline.Build(doc, []knowledge.Passage{{ID: slug + "#1", Doc: slug, N: 1, Text: text, End: len(text)}}, timeline.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return tl
	}
	first := build("first", "2019-06-01", "The company was founded in 2008. Its chief was arrested last year.")
	second := build("second", "2020-03-01", "He pleaded guilty in October 2018. The firm closed in 2012.")
	tl := timeline.Merge([]timeline.Timeline{first, second})
	var got []string
	for _, e := range tl.Events {
		got = append(got, e.Date+" "+e.Doc)
	}
	want := []string{"2008 first", "2012 second", "2018 first", "2018-10 second"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged events %v, want %v", got, want)
	}
	if tl.Doc != "" || len(tl.Documents) != 2 || tl.Documents[1].Doc != "second" || tl.Documents[1].DocumentDate != "2020-03-01" {
		t.Errorf("merged timeline doc %q, documents %+v", tl.Doc, tl.Documents)
	}
	if one := timeline.Merge([]timeline.Timeline{first}); one.Doc != "first" || one.Documents != nil || len(one.Events) != len(first.Events) {
		t.Errorf("one timeline merged: %+v", one)
	}
}
