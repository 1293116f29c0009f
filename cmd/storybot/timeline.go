package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

func runTimeline(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "timeline", "timeline [--json] [--topic T] [--doc SLUG] [--db PATH]\n\n"+
		"Lists the dated events of a document in order, each with its date, the words that dated\n"+
		"it and the sentence it stands in, quoted verbatim. \"Last year\", \"this week\" and the\n"+
		"like are read from the document date: the one given with 'storybot ingest --date' (or a\n"+
		"date: line in Markdown front matter), else the latest date the text itself gives.\n"+
		"Without --doc, the document is the only one indexed, or the one ingested last.")
	asJSON := fs.Bool("json", false, "print JSON: {\"document_date\", \"document_date_source\", \"events\": [{\"date\", \"expression\", \"text\", \"quote\", \"passage_id\"}]}")
	topic := fs.String("topic", "", "only events in passages about this (e.g. --topic Ramos)")
	doc := fs.String("doc", "", "the document's slug (see 'storybot search' output ids: SLUG#N)")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("timeline takes no arguments (got %q); narrow it with --topic", truncate(strings.Join(fs.Args(), " "), 60))
	}
	cfg, err := loadConfig(e, *db)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	tl, err := storyTimeline(ctx, st, *doc, *topic)
	if errors.Is(err, timeline.ErrEmptyTopic) {
		return usagef("--topic %q has no words to look for", truncate(*topic, 60))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, tl)
	}
	writeTimeline(e.stdout, tl, *topic)
	return nil
}

// timelineStore is what a timeline reads from the index.
type timelineStore interface {
	Documents(ctx context.Context) ([]knowledge.Document, error)
	Document(ctx context.Context, slug string) (knowledge.Document, error)
	Passages(ctx context.Context, doc string) ([]knowledge.Passage, error)
}

var _ timelineStore = (*knowledge.Store)(nil)

// storyTimeline builds the timeline of the document slug, or, when slug is
// empty, of the document ingested last (the only one, on most installs).
func storyTimeline(ctx context.Context, st timelineStore, slug, topic string) (timeline.Timeline, error) {
	if slug == "" {
		docs, err := st.Documents(ctx)
		if err != nil {
			return timeline.Timeline{}, err
		}
		if len(docs) == 0 {
			return timeline.Timeline{}, errors.New("the index holds no documents (see 'storybot ingest')")
		}
		slug = docs[len(docs)-1].Slug
	}
	doc, err := st.Document(ctx, slug)
	if errors.Is(err, knowledge.ErrNotFound) {
		return timeline.Timeline{}, usagef("no document %q in the index (see 'storybot ingest')", slug)
	}
	if err != nil {
		return timeline.Timeline{}, err
	}
	ps, err := st.Passages(ctx, slug)
	if err != nil {
		return timeline.Timeline{}, err
	}
	tl, err := timeline.Build(doc, ps, timeline.Options{Topic: topic})
	if err != nil {
		return tl, fmt.Errorf("timeline of %s: %w", slug, err)
	}
	return tl, nil
}

// writeTimeline prints tl for a terminal: what the dates rest on, then each
// event's date and text, the words that dated it, and its quote.
func writeTimeline(w io.Writer, tl timeline.Timeline, topic string) {
	fmt.Fprintf(w, "Timeline of %s (%s)\n", tl.Title, tl.Doc)
	switch {
	case tl.DocumentDate == "":
		fmt.Fprintf(w, "Document date: unknown; %s.\n", tl.DocumentDateBasis)
	default:
		fmt.Fprintf(w, "Document date: %s, %s: %s.\n", tl.DocumentDate, tl.DocumentDateSource, tl.DocumentDateBasis)
	}
	if len(tl.Events) == 0 {
		if topic != "" {
			fmt.Fprintf(w, "\nNo dated events in the passages about %q.\n", topic)
		} else {
			fmt.Fprintln(w, "\nNo dated events.")
		}
		return
	}
	width := 0
	for _, e := range tl.Events {
		width = max(width, len(eventDate(e)))
	}
	pad := strings.Repeat(" ", width+2)
	for _, ev := range tl.Events {
		fmt.Fprintf(w, "\n%-*s  %s\n", width, eventDate(ev), ev.Text)
		fmt.Fprintf(w, "%sdated by %q in %s\n", pad, ev.Expression, ev.PassageID)
		fmt.Fprintf(w, "%s“%s”\n", pad, strings.Join(strings.Fields(ev.Quote), " "))
	}
}

// eventDate is an event's date, or its range: "2010–2012".
func eventDate(e timeline.Event) string {
	if e.Until != "" {
		return e.Date + "–" + e.Until
	}
	return e.Date
}

// storeTimeliner gives the Discord bot the timeline of the document
// ingested last, as storybot timeline shows it without --doc.
type storeTimeliner struct{ st timelineStore }

var _ bot.Timeliner = storeTimeliner{}

// Timeline implements bot.Timeliner.
func (t storeTimeliner) Timeline(ctx context.Context, topic string) (bot.Timeline, error) {
	tl, err := storyTimeline(ctx, t.st, "", topic)
	if errors.Is(err, timeline.ErrEmptyTopic) {
		return bot.Timeline{}, &bot.UserError{Msg: "Give the topic in words, for example “Ramos”."}
	}
	if err != nil {
		return bot.Timeline{}, err
	}
	out := bot.Timeline{Document: tl.Title, DocumentDate: tl.DocumentDate, DocumentDateSource: tl.DocumentDateSource}
	for _, e := range tl.Events {
		out.Events = append(out.Events, bot.Event{
			Date: eventDate(e), Expression: e.Expression, Text: e.Text, Quote: e.Quote, PassageID: e.PassageID,
		})
	}
	return out, nil
}
