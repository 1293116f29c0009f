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
	fs := newFlagSet(e, "timeline", "timeline [--json] [--topic T] [--doc ID]... [--db PATH]\n\n"+
		"Lists the dated events of the documents in one order, each with its date, the words that\n"+
		"dated it and the sentence it stands in, quoted verbatim, and the passage (so the document)\n"+
		"it comes from. \"Last year\", \"this week\" and the like are read from each document's\n"+
		"date: the one given with 'storybot ingest --date' (or a date: line in Markdown front\n"+
		"matter), else a web page's publication date from its metadata, else the latest date its\n"+
		"text tells of in the past (not one it looks ahead to; none for a book, whose \"yesterday\"\n"+
		"is the story's). Without --doc, every document is covered: a saga told over several\n"+
		"articles is one timeline.\n"+
		"With a model configured, events also get one-line labels it writes (one call, bounded by\n"+
		"LLM_TIMEOUT), each kept only if it quotes its event word for word; without one, none.")
	asJSON := fs.Bool("json", false, "print JSON: {\"document_date\", \"document_date_source\", \"events\": [{\"date\", \"expression\", \"text\", \"quote\", \"passage_id\", \"doc\"}]}\n"+
		"(several documents add \"documents\": [{\"doc\", \"title\", \"document_date\", \"document_date_source\"}] and leave the\n"+
		"top-level date empty; with a model, events may have a \"label\" and the timeline a \"notice\")")
	topic := fs.String("topic", "", "only events in passages about this (e.g. --topic Ramos)")
	docs := docsFlag(fs, "list events of")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("timeline takes no arguments (got %q); narrow it with --topic", truncate(strings.Join(fs.Args(), " "), 60))
	}
	s, sc, err := openScoped(ctx, e, *db, *docs)
	if err != nil {
		return err
	}
	defer s.st.Close()
	tl, err := storyTimeline(ctx, s.st, sc, *topic)
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
	Documents(ctx context.Context, sc knowledge.Scope) ([]knowledge.Document, error)
	Passages(ctx context.Context, sc knowledge.Scope, doc string) ([]knowledge.Passage, error)
}

var _ timelineStore = (*sqlite.Store)(nil)

// errNoDocuments is the timeline of a scope with no documents in it.
var errNoDocuments = errors.New("the index holds no documents (see 'storybot ingest')")

// storyTimeline builds one timeline of the documents sc selects: each
// document's events, dated against its own date, merged in one order.
func storyTimeline(ctx context.Context, st timelineStore, sc knowledge.Scope, topic string) (timeline.Timeline, error) {
	docs, err := st.Documents(ctx, sc)
	if err != nil {
		return timeline.Timeline{}, err
	}
	if len(docs) == 0 {
		return timeline.Timeline{}, errNoDocuments
	}
	tls := make([]timeline.Timeline, 0, len(docs))
	for _, doc := range docs {
		ps, err := st.Passages(ctx, sc, doc.Slug)
		if err != nil {
			return timeline.Timeline{}, err
		}
		tl, err := timeline.Build(doc, ps, timeline.Options{Topic: topic})
		if err != nil {
			return tl, fmt.Errorf("timeline of %s: %w", doc.Slug, err)
		}
		tls = append(tls, tl)
	}
	return timeline.Merge(tls), nil
}

// writeTimeline prints tl for a terminal: what the dates rest on, then each
// event's date and text, the words that dated it, and its quote.
func writeTimeline(w io.Writer, tl timeline.Timeline, topic string) {
	titles := map[string]string{}
	switch {
	case len(tl.Documents) > 0:
		fmt.Fprintf(w, "Timeline of %d documents\n", len(tl.Documents))
		for _, d := range tl.Documents {
			titles[d.Doc] = d.Title
			fmt.Fprintf(w, "  %s (%s): %s\n", d.Title, d.Doc, documentDate(d.DocumentDate, d.DocumentDateSource, d.DocumentDateBasis))
		}
	default:
		fmt.Fprintf(w, "Timeline of %s (%s)\n", tl.Title, tl.Doc)
		fmt.Fprintf(w, "Document date: %s.\n", documentDate(tl.DocumentDate, tl.DocumentDateSource, tl.DocumentDateBasis))
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
		if title := titles[ev.Doc]; title != "" {
			fmt.Fprintf(w, "%sdated by %q in %s (%s)\n", pad, ev.Expression, title, ev.PassageID)
		} else {
			fmt.Fprintf(w, "%sdated by %q in %s\n", pad, ev.Expression, ev.PassageID)
		}
		fmt.Fprintln(w, indent("“"+knowledge.Unwrap(ev.Quote)+"”", pad)) // hard-wrapped lines joined; --json has them as they are
	}
	if tl.Notice != "" {
		fmt.Fprintf(w, "\n%s\n", tl.Notice)
	}
}

// documentDate says what a document's relative dates were read against.
func documentDate(date, source, basis string) string {
	if date == "" {
		return "unknown; " + basis
	}
	return fmt.Sprintf("%s, %s: %s", date, source, basis)
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

// storeTimeliner gives the Discord bot the timeline of the documents a
// scope selects, as storybot timeline shows it, with the labels labels
// writes when it is set.
type storeTimeliner struct {
	st     timelineStore
	labels labeller
}

var _ bot.Timeliner = storeTimeliner{}

// Timeline implements bot.Timeliner.
func (t storeTimeliner) Timeline(ctx context.Context, sc knowledge.Scope, topic string) (timeline.Timeline, error) {
	tl, err := storyTimeline(ctx, t.st, sc, topic)
	switch {
	case errors.Is(err, timeline.ErrEmptyTopic):
		return timeline.Timeline{}, &bot.UserError{Msg: "Give the topic in words, for example “Ramos”."}
	case errors.Is(err, errNoDocuments):
		return timeline.Timeline{}, &bot.UserError{Msg: "There is no story here yet, so no timeline."}
	case err != nil:
		return timeline.Timeline{}, err
	}
	if t.labels != nil {
		labelEvents(ctx, t.labels, &tl)
	}
	return tl, nil
}
