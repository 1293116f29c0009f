package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
)

type timelineJSON struct {
	DocumentDate       string `json:"document_date"`
	DocumentDateSource string `json:"document_date_source"`
	Events             []struct {
		Date       string `json:"date"`
		Expression string `json:"expression"`
		Text       string `json:"text"`
		Quote      string `json:"quote"`
		PassageID  string `json:"passage_id"`
	} `json:"events"`
}

func timelineOf(t *testing.T, vars map[string]string, args ...string) timelineJSON {
	t.Helper()
	r := runCLI(t, vars, append([]string{"timeline", "--json"}, args...)...)
	if r.err != nil {
		t.Fatalf("timeline %v: %v\n%s", args, r.err, r.stderr)
	}
	var got timelineJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("output is not the documented JSON: %v\n%s", err, r.stdout)
	}
	if got.Events == nil {
		t.Errorf("events is null, want a list:\n%s", r.stdout)
	}
	return got
}

// dated lists events as "date expression".
func dated(tl timelineJSON) []string {
	var out []string
	for _, e := range tl.Events {
		out = append(out, e.Date+" "+e.Expression)
	}
	return out
}

func TestTimelineDefaultStory(t *testing.T) {
	got := timelineOf(t, testEnv(t))
	if got.DocumentDate != "2019" || got.DocumentDateSource != "inferred" {
		t.Errorf("document date %q (%s), want 2019 (inferred)", got.DocumentDate, got.DocumentDateSource)
	}
	want := []string{
		"2015 in 2015",
		"2018 last year",
		"2018-10 October 2018",
		"2019 on Thursday",
		"2019 this week",
		"2019 earlier this year",
		"2019 Earlier this year",
		"2019 Earlier this week",
		"2019-05 May 2019",
	}
	if g := dated(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}
	story := string(knowledge.DefaultStory)
	for _, e := range got.Events {
		if !strings.Contains(story, e.Quote) {
			t.Errorf("quote is not verbatim in the story: %q", e.Quote)
		}
		if !strings.Contains(e.Quote, e.Expression) || !strings.HasPrefix(e.PassageID, "phantom-secure#") {
			t.Errorf("event %+v: expression not in its quote, or passage id wrong", e)
		}
	}

	r := runCLI(t, testEnv(t), "timeline")
	if r.err != nil {
		t.Fatalf("timeline: %v", r.err)
	}
	for _, want := range []string{"Document date: 2019, inferred", "May 2019", "2018-10  Ramos pleaded guilty in October 2018",
		`dated by "last year" in phantom-secure#`, "“Ramos landed nine years in prison in May 2019, but"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("readable timeline lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestTimelineTopic(t *testing.T) {
	vars := testEnv(t)
	got := dated(timelineOf(t, vars, "--topic", "Ramos"))
	if strings.Contains(strings.Join(got, "\n"), "2015") {
		t.Errorf("--topic Ramos keeps the 2015 Apple dispute: %q", got)
	}
	for _, want := range []string{"2018-10 October 2018", "2019-05 May 2019"} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("--topic Ramos lost %q: %q", want, got)
		}
	}
	r := runCLI(t, vars, "timeline", "--topic", "zeppelin")
	if r.err != nil || !strings.Contains(r.stdout, `No dated events in the passages about "zeppelin".`) {
		t.Errorf("--topic zeppelin: %v\n%s", r.err, r.stdout)
	}
}

func TestTimelineConfiguredDate(t *testing.T) {
	vars := testEnv(t)
	// 2020-01-03 is a Friday.
	town := writeFile(t, "town.txt", []byte(`The Bridge

The council voted last week to close the old bridge over the river for good, after engineers found cracks in two of its piers.

The bridge reopened on Thursday for pedestrians only, and the mayor, who resigned last year, came to watch the crowds cross it.

The bridge was built between March and May 1921 by a crew of 40 men, and it carried 1,000 carts a day at its busiest.
`))
	timelineOf(t, vars) // indexes the default story into the fresh database
	if r := runCLI(t, vars, "ingest", "--date", "2020-01-03", town); r.err != nil {
		t.Fatalf("ingest: %v\n%s", r.err, r.stderr)
	}
	got := timelineOf(t, vars, "--doc", "town")
	if got.DocumentDate != "2020-01-03" || got.DocumentDateSource != "configured" {
		t.Errorf("document date %q (%s), want 2020-01-03 (configured)", got.DocumentDate, got.DocumentDateSource)
	}
	want := []string{"1921-03 between March and May 1921", "2019 last year", "2019-12 last week", "2020-01-02 on Thursday"}
	if g := dated(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}

	// Without --doc, the document ingested last; --doc picks another.
	if g := timelineOf(t, vars); g.DocumentDate != "2020-01-03" {
		t.Errorf("without --doc: document date %q, want the town story's", g.DocumentDate)
	}
	if g := timelineOf(t, vars, "--doc", "phantom-secure"); g.DocumentDate != "2019" {
		t.Errorf("--doc phantom-secure: document date %q, want 2019", g.DocumentDate)
	}
}

func TestTimelineFrontMatterDate(t *testing.T) {
	vars := testEnv(t)
	md := writeFile(t, "harbour.md", []byte("---\ntitle: The Harbour\ndate: 2021-03-10\n---\n\n"+
		"The harbour master retired last month after forty years on the quay, handing the keys to his deputy at a small ceremony.\n"))
	if r := runCLI(t, vars, "ingest", md); r.err != nil {
		t.Fatalf("ingest: %v\n%s", r.err, r.stderr)
	}
	got := timelineOf(t, vars, "--doc", "harbour")
	if got.DocumentDate != "2021-03-10" || got.DocumentDateSource != "configured" || strings.Join(dated(got), "|") != "2021-02 last month" {
		t.Errorf("got %q (%s) %q, want 2021-03-10 (configured) [2021-02 last month]", got.DocumentDate, got.DocumentDateSource, dated(got))
	}
}

func TestTimelineUsageErrors(t *testing.T) {
	vars := testEnv(t)
	for _, args := range [][]string{
		{"timeline", "Ramos"},
		{"timeline", "--topic", "?!"},
		{"timeline", "--doc", "no-such-story"},
		{"timeline", "--frobnicate"},
	} {
		r := runCLI(t, vars, args...)
		if !errors.As(r.err, new(usageError)) {
			t.Errorf("%q: err = %v, want a usage error", args, r.err)
		}
		if r.stdout != "" {
			t.Errorf("%q printed %q on stdout", args, r.stdout)
		}
	}
}

func TestStoreTimeliner(t *testing.T) {
	ctx := context.Background()
	st, err := knowledge.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	tl, err := storeTimeliner{st}.Timeline(ctx, "Ramos")
	if err != nil {
		t.Fatalf("Timeline: %v", err)
	}
	if tl.DocumentDate != "2019" || tl.DocumentDateSource != "inferred" || !strings.HasPrefix(tl.Document, "Report: FBI") {
		t.Errorf("got %+v", tl)
	}
	if len(tl.Events) == 0 || tl.Events[len(tl.Events)-1].Date != "2019-05" || tl.Events[len(tl.Events)-1].Expression != "May 2019" {
		t.Errorf("events %+v, want the May 2019 sentence last", tl.Events)
	}
	var uerr *bot.UserError
	if _, err := (storeTimeliner{st}).Timeline(ctx, "?!"); !errors.As(err, &uerr) {
		t.Errorf("topic \"?!\": err = %v, want a bot.UserError", err)
	}
}
