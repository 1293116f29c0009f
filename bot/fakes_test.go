package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

// library is an in-memory bot.Library holding one small story.
type library struct {
	docs     []knowledge.Document
	passages []knowledge.Passage
}

var _ bot.Library = (*library)(nil)

// newLibrary returns a story whose second passage contains "@here".
func newLibrary() *library {
	texts := []string{
		"The captain sailed north in 1850. The crew feared the ice.",
		"At the harbour a sailor shouted @here, the ship is back! and everyone ran to the quay.",
		"The captain wrote in his log that the voyage had cost three ships.",
	}
	l := &library{docs: []knowledge.Document{{Slug: "voyage", Title: "The Northern Voyage"}}}
	for i, t := range texts {
		l.passages = append(l.passages, knowledge.Passage{ID: knowledge.PassageID("voyage", i+1), Doc: "voyage", N: i + 1, Text: t})
	}
	return l
}

// The library's one story belongs to every server, so it ignores scopes
// but for the documents they name.

func (l *library) Documents(_ context.Context, sc knowledge.Scope) ([]knowledge.Document, error) {
	var docs []knowledge.Document
	for _, d := range l.docs {
		if sc.Sees(d.Guild, d.Slug) {
			docs = append(docs, d)
		}
	}
	return docs, nil
}

func (l *library) Binding(context.Context, string, ...string) (string, string, error) {
	return "", "", nil
}

func (l *library) Passage(_ context.Context, _ knowledge.Scope, id string) (knowledge.Passage, error) {
	for _, p := range l.passages {
		if p.ID == id {
			return p, nil
		}
	}
	return knowledge.Passage{}, fmt.Errorf("passage %q: %w", id, knowledge.ErrNotFound)
}

func (l *library) PassageIDs(_ context.Context, _ knowledge.Scope, prefix string, limit int) ([]string, error) {
	var ids []string
	for _, p := range l.passages {
		if strings.HasPrefix(p.ID, prefix) && len(ids) < limit {
			ids = append(ids, p.ID)
		}
	}
	return ids, nil
}

func (l *library) Search(_ context.Context, _ knowledge.Scope, q string, k int) ([]knowledge.Passage, error) {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return nil, knowledge.ErrEmptyQuery
	}
	var out []knowledge.Passage
	for _, p := range l.passages {
		for _, w := range words {
			if strings.Contains(strings.ToLower(p.Text), w) && len(out) < k {
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}

func (l *library) Stats(context.Context) (int, int, error) { return len(l.docs), len(l.passages), nil }

// answerer is a fake model: it answers every question by quoting the
// passage about the sailor, after waiting for release when release is set.
type answerer struct {
	lib     *library
	release chan struct{} // nil: answer at once
	mu      sync.Mutex
	asked   []string
	started chan string // receives each question as it starts, if not nil
}

var _ bot.Answerer = (*answerer)(nil)

func (a *answerer) Ask(ctx context.Context, query answer.Query) (answer.Answer, error) {
	q := query.Question
	a.mu.Lock()
	a.asked = append(a.asked, q)
	a.mu.Unlock()
	if a.started != nil {
		a.started <- q
	}
	if a.release != nil {
		select {
		case <-a.release:
		case <-ctx.Done():
			return answer.Answer{}, ctx.Err()
		}
	}
	p := a.lib.passages[1]
	return answer.Answer{
		Question: q, Mode: answer.ModeLLM, Model: "fake-model",
		Answer:    "A sailor brought the news of the ship's return [1].",
		Citations: []answer.Citation{{Ref: 1, PassageID: p.ID, Quote: p.Text[:strings.Index(p.Text, " and")]}},
	}, nil
}

func (a *answerer) questions() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.asked)
}

// timeliner is a fake bot.Timeliner with two events.
type timeliner struct {
	topics []string
	notice string
}

func (t *timeliner) Timeline(_ context.Context, _ knowledge.Scope, topic string) (timeline.Timeline, error) {
	t.topics = append(t.topics, topic)
	return timeline.Timeline{
		Doc: "voyage", Title: "The Northern Voyage", DocumentDate: "1851-03-01", DocumentDateSource: timeline.SourceInferred,
		Events: []timeline.Event{
			{Date: "1850", Expression: "in 1850", Text: "The captain sailed north", Quote: "The captain sailed north in 1850.", PassageID: "voyage#1"},
			{Date: "1851-02", Expression: "last month", Text: "the ship came back", Quote: "The ship came back last month.", PassageID: "voyage#2"},
		},
		Notice: t.notice,
	}, nil
}
