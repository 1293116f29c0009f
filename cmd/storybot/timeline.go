package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
	"github.com/storybot/storybot/timeline"
)

func runTimeline(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "timeline", "timeline [--json] [--topic T] [--doc SLUG] [--db PATH]\n\n"+
		"Lists the dated events of a document in order, each with its date, the words that dated\n"+
		"it and the sentence it stands in, quoted verbatim. \"Last year\", \"this week\" and the\n"+
		"like are read from the document date: the one given with 'storybot ingest --date' (or a\n"+
		"date: line in Markdown front matter), else a web page's publication date from its\n"+
		"metadata, else the latest date the text itself gives.\n"+
		"Without --doc, the document is the only one indexed, or the one ingested last.\n"+
		"With a model configured, events also get one-line labels it writes (one call, bounded by\n"+
		"LLM_TIMEOUT), each kept only if it quotes its event word for word; without one, none.")
	asJSON := fs.Bool("json", false, "print JSON: {\"document_date\", \"document_date_source\", \"events\": [{\"date\", \"expression\", \"text\", \"quote\", \"passage_id\"}]}\n"+
		"(with a model, events may have a \"label\" and the timeline a \"notice\")")
	topic := fs.String("topic", "", "only events in passages about this (e.g. --topic Ramos)")
	doc := fs.String("doc", "", "the document's slug (see 'storybot search' output ids: SLUG#N)")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("timeline takes no arguments (got %q); narrow it with --topic", truncate(strings.Join(fs.Args(), " "), 60))
	}
	s, err := openStory(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.st.Close()

	tl, err := storyTimeline(ctx, s.st, *doc, *topic)
	if errors.Is(err, timeline.ErrEmptyTopic) {
		return usagef("--topic %q has no words to look for", truncate(*topic, 60))
	}
	if err != nil {
		return err
	}
	if s.cfg.ModelConfigured() {
		labelEvents(ctx, s.engine(0), &tl)
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

var _ timelineStore = (*sqlite.Store)(nil)

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
		width = max(width, len(e.When()))
	}
	pad := strings.Repeat(" ", width+2)
	for _, ev := range tl.Events {
		text := ev.Text
		if ev.Label != "" {
			text = ev.Label + " · " + text
		}
		fmt.Fprintf(w, "\n%-*s  %s\n", width, ev.When(), text)
		fmt.Fprintf(w, "%sdated by %q in %s\n", pad, ev.Expression, ev.PassageID)
		fmt.Fprintln(w, indent("“"+ev.Quote+"”", pad)) // verbatim, line breaks and all
	}
	if tl.Notice != "" {
		fmt.Fprintf(w, "\n%s\n", tl.Notice)
	}
}

// labeller writes one-line labels for quotes, each checked against its
// quote; *answer.Engine does, with one model call, or none without a model.
type labeller interface {
	Label(ctx context.Context, quotes []string) (labels []string, notice string)
}

var _ labeller = (*answer.Engine)(nil)

// labelEvents gives tl's events the labels l writes for their quotes, and
// tl the notice that says how they were made. The quotes and dates stay
// the story's.
func labelEvents(ctx context.Context, l labeller, tl *timeline.Timeline) {
	if len(tl.Events) == 0 {
		return
	}
	quotes := make([]string, len(tl.Events))
	for i, e := range tl.Events {
		quotes[i] = e.Quote
	}
	labels, notice := l.Label(ctx, quotes)
	for i := range min(len(labels), len(tl.Events)) {
		tl.Events[i].Label = labels[i]
	}
	tl.Notice = notice
}

// storeTimeliner gives the Discord bot the timeline of the document
// ingested last, as storybot timeline shows it without --doc, with the
// labels labels writes when it is set.
type storeTimeliner struct {
	st     timelineStore
	labels labeller
}

var _ bot.Timeliner = storeTimeliner{}

// Timeline implements bot.Timeliner.
func (t storeTimeliner) Timeline(ctx context.Context, topic string) (timeline.Timeline, error) {
	tl, err := storyTimeline(ctx, t.st, "", topic)
	if errors.Is(err, timeline.ErrEmptyTopic) {
		return timeline.Timeline{}, &bot.UserError{Msg: "Give the topic in words, for example “Ramos”."}
	}
	if err != nil {
		return timeline.Timeline{}, err
	}
	if t.labels != nil {
		labelEvents(ctx, t.labels, &tl)
	}
	return tl, nil
}
