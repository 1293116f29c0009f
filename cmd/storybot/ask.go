package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/llm"
	"github.com/storybot/storybot/llm/openai"
)

func runAsk(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ask", "ask [--json] [--k N] [--doc ID]... [--history FILE] [--db PATH] QUESTION")
	asJSON := fs.Bool("json", false, `print JSON: {"question", "mode", "answer", "citations": [{"ref", "passage_id", "quote"}], "notice"}`)
	k := fs.Int("k", 5, "how many passages to retrieve (1-50)")
	docs := docsFlag(fs, "answer from")
	historyFile := fs.String("history", "", `the conversation so far, a JSON list of {"question", "answer"} (ask --json output will do), oldest first: the question is a follow-up to it`)
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *k < 1 || *k > 50 {
		return usagef("--k: %d is not from 1 to 50", *k)
	}
	q, err := joinArgs(fs, "question")
	if err != nil {
		return err
	}
	var history []answer.Turn
	if *historyFile != "" {
		if history, err = readHistory(*historyFile); err != nil {
			return err
		}
	}
	s, sc, err := openScoped(ctx, e, *db, *docs)
	if err != nil {
		return err
	}
	defer s.st.Close()
	eng := s.engine(*k)
	a, err := eng.Ask(ctx, answer.Query{Question: q, Scope: sc, History: history})
	if errors.Is(err, knowledge.ErrEmptyQuery) {
		return usagef("nothing to ask in %q: use some words", truncate(q, 60))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		a.Citations = nonNil(a.Citations)
		return writeJSON(e.stdout, a)
	}
	printAnswer(e.stdout, a)
	return nil
}

// engine wires the answering engine, retrieving k passages: the index, and
// the model when one is configured.
func (s story) engine(k int) *answer.Engine {
	return answer.New(s.engineOptions(k))
}

// engineOptions configure the answering engine: k passages for the model,
// the configured model if there is one.
func (s story) engineOptions(k int) answer.Options {
	opts := answer.Options{Store: s.st, K: k, ContextTokens: s.cfg.ContextTokens, Timeout: s.cfg.LLMTimeout, Logger: s.log.With("component", "answer")}
	if s.cfg.ModelConfigured() {
		opts.Model = configuredModel{openai.New(openai.Options{
			BaseURL: s.cfg.BaseURL,
			APIKey:  s.cfg.APIKey,
			Model:   s.cfg.Model,
			Timeout: s.cfg.LLMTimeout,
			Logger:  s.log.With("component", "llm"),
		})}
		opts.ModelName = s.cfg.Model
	}
	return opts
}

// configuredModel is the model client as configured: a time-out names
// LLM_TIMEOUT, which the client and the engine know only as their timeout.
type configuredModel struct{ *openai.Client }

var _ answer.Model = configuredModel{}

func (m configuredModel) Chat(ctx context.Context, req llm.Request) (llm.Reply, error) {
	r, err := m.Client.Chat(ctx, req)
	if errors.Is(err, llm.ErrTimeout) || err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w; LLM_TIMEOUT bounds the model's work on each answer", err)
	}
	return r, err
}

// printAnswer writes the readable form: the answer, the numbered quotes
// with their passage ids and chapters (each quote's hard-wrapped lines
// joined: --json has them as they are), then the notice. An extractive
// answer is its quotes, so only its label is printed above them.
func printAnswer(w io.Writer, a answer.Answer) {
	if a.Mode == answer.ModeExtractive {
		fmt.Fprintln(w, a.Label())
	} else {
		fmt.Fprintln(w, a.Answer)
	}
	if len(a.Citations) > 0 {
		fmt.Fprintln(w)
	}
	for _, c := range a.Citations {
		fmt.Fprintf(w, "[%d] %s\n%s\n", c.Ref, withChapter(c.PassageID, c.Chapter), indent("“"+knowledge.Unwrap(c.Quote)+"”", "    "))
	}
	if a.Notice != "" {
		fmt.Fprintf(w, "\n%s\n", a.Notice)
	}
}

// maxHistoryFile bounds the file ask --history reads; the engine reads
// only the latest turns of it anyway (answer.MaxTurns).
const maxHistoryFile = 1 << 20

// readHistory reads the conversation of ask --history: a JSON list of
// {"question", "answer"} objects, other fields ignored.
func readHistory(path string) ([]answer.Turn, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--history: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxHistoryFile+1))
	if err != nil {
		return nil, usagef("--history: read %s: %v", path, err)
	}
	if len(data) > maxHistoryFile {
		return nil, usagef("--history: %s is over %d KB; keep the conversation's latest turns", path, maxHistoryFile>>10)
	}
	var turns []answer.Turn
	if err := json.Unmarshal(data, &turns); err != nil {
		return nil, usagef(`--history: %s is not a JSON list of {"question": "...", "answer": "..."}: %v`, path, err)
	}
	for i, t := range turns {
		if strings.TrimSpace(t.Question) == "" {
			return nil, usagef("--history: turn %d of %s has no question", i+1, path)
		}
	}
	return turns, nil
}
