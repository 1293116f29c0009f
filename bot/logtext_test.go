package bot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/llm"
)

// engineStore is the test library as the answering engine's store, whose
// search fails with searchErr when it is set.
type engineStore struct {
	*library
	searchErr error
}

var _ answer.Store = engineStore{}

func (s engineStore) Search(ctx context.Context, sc knowledge.Scope, q string, k int) ([]knowledge.Passage, error) {
	if s.searchErr != nil {
		return nil, s.searchErr
	}
	return s.library.Search(ctx, sc, q, k)
}

func (s engineStore) SearchWeighted(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error) {
	if s.searchErr != nil {
		return nil, s.searchErr
	}
	return s.library.Search(ctx, sc, texts[0].Text, k)
}

func (s engineStore) SearchRelated(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, _ []string, k int) ([]knowledge.Passage, error) {
	return s.SearchWeighted(ctx, sc, texts, k)
}

// Lacking finds every word: the test library searches words alone, not
// their related words.
func (s engineStore) Lacking(context.Context, knowledge.Scope, []string) ([]string, error) {
	return nil, nil
}

// Respelt respells nothing.
func (s engineStore) Respelt(_ context.Context, _ knowledge.Scope, text string) (string, [][2]string, error) {
	return text, nil, nil
}

func (s engineStore) Passages(_ context.Context, _ knowledge.Scope, doc string) ([]knowledge.Passage, error) {
	var out []knowledge.Passage
	for _, p := range s.passages {
		if p.Doc == doc {
			out = append(out, p)
		}
	}
	return out, nil
}

// stalledModel answers nothing: it reports each call on started, then
// waits for the caller to give up.
type stalledModel struct{ started chan struct{} }

func (m stalledModel) Chat(ctx context.Context, _ llm.Request) (llm.Reply, error) {
	m.started <- struct{}{}
	<-ctx.Done()
	return llm.Reply{}, ctx.Err()
}

// lockedBuffer is a log the handler and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestQuestionTextOnlyInTheDebugLog asks through the real answering engine
// and finds the question's words in the log only at debug level, whether the
// answer was cancelled while the model worked (the engine's error quotes the
// question), failed in the search, or came.
func TestQuestionTextOnlyInTheDebugLog(t *testing.T) {
	// Answerable from the story (the extractive answer abstains on a
	// question the story cannot answer), with a word of its own to look for.
	const question = `Where did the "captain" sail in 1850, zanzibar?`
	tests := []struct {
		name      string
		outcome   string
		searchErr error // the search fails with it
		stall     bool  // the model never answers and the asker gives up
	}{
		{name: "cancelled while the model works", outcome: "outcome=cancelled", stall: true},
		{name: "search fails", outcome: "outcome=error", searchErr: errors.New("database is locked")},
		{name: "answered", outcome: "outcome=answered"},
	}
	for _, tt := range tests {
		for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
			t.Run(tt.name+" at "+level.String(), func(t *testing.T) {
				var log lockedBuffer
				logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: level}))
				lib := newLibrary()
				opts := answer.Options{Store: engineStore{lib, tt.searchErr}, Logger: logger}
				model := stalledModel{started: make(chan struct{}, 1)}
				if tt.stall {
					opts.Model = model
				}
				h := newHandler(t, answer.New(opts), lib, bot.Config{Logger: logger})

				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tt.stall {
					go func() {
						<-model.started
						cancel()
					}()
				}
				h.Handle(ctx, bot.Request{User: "u1", Command: "ask", Args: bot.Args{"question": question}, Via: "slash"}, nil)

				got := log.String()
				if !strings.Contains(got, tt.outcome) {
					t.Fatalf("log lacks %s:\n%s", tt.outcome, got)
				}
				shown := strings.Contains(got, "zanzibar")
				if level == slog.LevelDebug && !shown {
					t.Errorf("debug log lacks the question:\n%s", got)
				}
				if level != slog.LevelDebug && shown {
					t.Errorf("%s log shows the question:\n%s", level, got)
				}
			})
		}
	}
}
