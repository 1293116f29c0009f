package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/term"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
)

// chatHelp lists what chat understands besides questions.
const chatHelp = `Ask a question about the story, then follow it up ("what about…", "why did he…"):
each question is answered from the story, knowing the conversation so far.
  /reset     forget the conversation
  /doc ID    answer from document ID only (/doc alone: every document); the conversation starts again
  /docs      list the documents
  /help      this help
  /quit      leave (so does end of input, Ctrl-D)`

// maxChatLine bounds one line of chat input.
const maxChatLine = 64 << 10

func runChat(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "chat", "chat [--k N] [--doc ID]... [--db PATH]\n\n"+
		"Holds a conversation about the story on the terminal: each line is a question, answered\n"+
		"as ask answers it, with the questions and answers before it as its conversation (what\n"+
		"\"he\" or \"that\" refers to). Lines starting with / are commands: /reset, /doc ID, /docs,\n"+
		"/help, /quit. Reads standard input, so a script can pipe questions in.")
	k := fs.Int("k", 5, "how many passages to retrieve (1-50)")
	docs := docsFlag(fs, "answer from")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *k < 1 || *k > 50 {
		return usagef("--k: %d is not from 1 to 50", *k)
	}
	if fs.NArg() > 0 {
		return usagef("chat takes no arguments (got %q); type questions once it starts", truncate(strings.Join(fs.Args(), " "), 60))
	}
	s, sc, err := openScoped(ctx, e, *db, *docs)
	if err != nil {
		return err
	}
	defer s.st.Close()
	c := &chat{e: e, s: s, eng: s.engine(*k), scope: sc, prompt: isTerminal(e.stdin)}
	return c.run(ctx)
}

// chat is one conversation on the terminal.
type chat struct {
	e       *env
	s       story
	eng     *answer.Engine
	scope   knowledge.Scope
	history []answer.Turn
	// prompt is set on a terminal: a "> " prompt is shown before each
	// line. On a pipe each question is echoed instead, so the output reads
	// as a transcript.
	prompt bool
}

func (c *chat) run(ctx context.Context) error {
	w := c.e.stdout
	if c.prompt {
		fmt.Fprintln(w, "Ask about the story; /help lists the commands, /quit leaves.")
	}
	in := bufio.NewScanner(c.e.stdin)
	in.Buffer(nil, maxChatLine)
	for {
		if c.prompt {
			fmt.Fprint(w, "> ")
		}
		if !in.Scan() {
			if c.prompt {
				fmt.Fprintln(w)
			}
			if errors.Is(in.Err(), bufio.ErrTooLong) {
				return usagef("a line of input is over %d KB", maxChatLine>>10)
			}
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		if !c.prompt {
			fmt.Fprintf(w, "> %s\n", line)
		}
		quit, err := c.handle(ctx, line)
		if err != nil || quit {
			return err
		}
		fmt.Fprintln(w)
		if ctx.Err() != nil {
			return nil
		}
	}
}

// handle answers one line, a question or a command, and reports whether
// the conversation is over.
func (c *chat) handle(ctx context.Context, line string) (quit bool, err error) {
	w := c.e.stdout
	if !strings.HasPrefix(line, "/") {
		return false, c.ask(ctx, line)
	}
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch cmd {
	case "/quit", "/exit":
		return true, nil
	case "/reset":
		c.history = nil
		fmt.Fprintln(w, "The conversation starts again.")
	case "/help":
		fmt.Fprintln(w, chatHelp)
	case "/docs":
		return false, c.listDocs(ctx)
	case "/doc":
		return false, c.useDoc(ctx, arg)
	default:
		fmt.Fprintf(w, "%s is not a command; /help lists them (a question cannot start with /).\n", cmd)
	}
	return false, nil
}

func (c *chat) ask(ctx context.Context, question string) error {
	a, err := c.eng.Ask(ctx, answer.Query{Question: question, Scope: c.scope, History: c.history})
	if errors.Is(err, knowledge.ErrEmptyQuery) {
		fmt.Fprintln(c.e.stdout, "Nothing to ask in that: use some words.")
		return nil
	}
	if ctx.Err() != nil {
		return nil // interrupted: leave quietly
	}
	if err != nil {
		return err
	}
	printAnswer(c.e.stdout, a)
	c.history = append(c.history, answer.TurnOf(a))
	if n := len(c.history) - answer.MaxTurns; n > 0 {
		c.history = c.history[n:]
	}
	return nil
}

func (c *chat) listDocs(ctx context.Context) error {
	docs, err := c.s.st.Documents(ctx, knowledge.Everything)
	if err != nil {
		return err
	}
	for _, d := range docs {
		mark := " "
		if len(c.scope.Docs) == 1 && c.scope.Docs[0] == d.Slug {
			mark = "*"
		}
		fmt.Fprintf(c.e.stdout, "%s %s  %s\n", mark, d.Slug, d.Title)
	}
	if len(docs) == 0 {
		fmt.Fprintln(c.e.stdout, "The index holds no documents; add some with storybot ingest.")
	}
	return nil
}

func (c *chat) useDoc(ctx context.Context, id string) error {
	w := c.e.stdout
	var ids docList
	ids.Set(id)
	sc, err := scopeOf(ctx, c.s.st, ids)
	var uerr usageError
	if errors.As(err, &uerr) {
		fmt.Fprintf(w, "There is no document %q; /docs lists them.\n", id)
		return nil
	}
	if err != nil {
		return err
	}
	c.scope, c.history = sc, nil
	if len(ids) == 0 {
		fmt.Fprintln(w, "Answering from every document; the conversation starts again.")
		return nil
	}
	fmt.Fprintf(w, "Answering from %s; the conversation starts again.\n", strings.Join(ids, ", "))
	return nil
}

// isTerminal reports whether f, a reader or writer, is a terminal.
func isTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(fd.Fd()))
}
