// Package bot is storybot's Discord front end: slash commands and mentions
// answered with quoted sources, fair to everyone under load, and never able
// to ping anyone.
//
// Handler holds the commands, each a method that takes a context and returns
// what to post, so they are tested without Discord: handler.go registers
// them, applies the fairness rules (fairness.go) and fetches their data;
// render.go lays every reply out within Discord's limits. Bot connects a
// Handler to Discord through a discordgo session (discord.go).
// HealthHandler serves /healthz.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

// Answerer answers a question about the story.
type Answerer interface {
	Ask(ctx context.Context, q answer.Query) (answer.Answer, error)
}

// Library is the part of the index the bot reads: documents for titles and
// /help, passages for /source and its autocompletion.
type Library interface {
	Documents(ctx context.Context) ([]knowledge.Document, error)
	// Passage returns knowledge.ErrNotFound for an unknown id.
	Passage(ctx context.Context, id string) (knowledge.Passage, error)
	PassageIDs(ctx context.Context, prefix string, limit int) ([]string, error)
	Search(ctx context.Context, q string, k int) ([]knowledge.Passage, error)
}

// Timeliner lists the story's dated events in order, only those about
// topic when it is not empty.
type Timeliner interface {
	Timeline(ctx context.Context, topic string) (timeline.Timeline, error)
}

// Config holds a Handler's settings; the zero value of each field means its default.
type Config struct {
	// RatePerMinute and RateBurst are each user's allowance of questions.
	RatePerMinute float64
	RateBurst     int
	// MaxConcurrent answers are worked on at once; MaxQueued more may wait.
	MaxConcurrent int
	MaxQueued     int
	// Timeliner enables /timeline; nil leaves the command unregistered.
	Timeliner Timeliner
	Logger    *slog.Logger
	// Now is the clock the rate limit runs on.
	Now func() time.Time
}

// Handler answers storybot's commands and mentions.
type Handler struct {
	answerer  Answerer
	library   Library
	timeliner Timeliner
	limits    *limiter
	gate      *gate
	log       *slog.Logger
	commands  []command
}

// command is one slash command.
type command struct {
	def *discordgo.ApplicationCommand
	// costly commands can take long: they are acknowledged at once and go
	// through the rate limit and the answer queue.
	costly   bool
	run      func(ctx context.Context, o Args) (Reply, error)
	complete func(ctx context.Context, typed string) ([]*discordgo.ApplicationCommandOptionChoice, error)
}

// Args are the options of a command as a user filled them in.
type Args map[string]any

func (o Args) str(name string) string {
	s, _ := o[name].(string)
	return strings.TrimSpace(s)
}

func (o Args) boolean(name string, def bool) bool {
	if b, ok := o[name].(bool); ok {
		return b
	}
	return def
}

// maxQuestion is the longest question accepted, in characters.
const maxQuestion = 500

// NewHandler returns a Handler answering from a and lib.
func NewHandler(a Answerer, lib Library, cfg Config) *Handler {
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 6
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		answerer:  a,
		library:   lib,
		timeliner: cfg.Timeliner,
		limits:    newLimiter(cfg.RatePerMinute, cfg.RateBurst, cfg.Now),
		gate:      newGate(cfg.MaxConcurrent, cfg.MaxQueued),
		log:       cfg.Logger,
	}
	h.register()
	return h
}

// register declares every command, in the order /help lists them.
func (h *Handler) register() {
	minLen := 1
	h.add(command{costly: true, run: h.cmdAsk, def: &discordgo.ApplicationCommand{
		Name:        "ask",
		Description: "Ask a question about the story; the answer quotes it, word for word.",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question", Required: true,
			Description: "What do you want to know? e.g. who did what, when, why",
			MinLength:   &minLen, MaxLength: maxQuestion,
		}, {
			Type: discordgo.ApplicationCommandOptionBoolean, Name: "public",
			Description: "Show the answer to the channel (default) or, with False, only to you",
		}},
	}})
	if h.timeliner != nil {
		h.add(command{costly: true, run: h.cmdTimeline, def: &discordgo.ApplicationCommand{
			Name:        "timeline",
			Description: "The story's dated events in order, each with a quote.",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "topic", MaxLength: 100,
				Description: "Only events about this (a name, a place, a word); leave empty for all",
			}},
		}})
	}
	h.add(command{run: h.cmdSource, complete: h.completePassage, def: &discordgo.ApplicationCommand{
		Name:        "source",
		Description: "Show a passage of the story in full, by the id shown under a quote.",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "passage", Required: true, Autocomplete: true,
			Description: "A passage id such as story#3; type a word to search", MaxLength: 100,
		}},
	}})
	h.add(command{run: h.cmdHelp, def: &discordgo.ApplicationCommand{
		Name:        "help",
		Description: "What story this is, how answers are grounded, what the footers mean.",
	}})
}

func (h *Handler) add(c command) { h.commands = append(h.commands, c) }

// Commands returns the slash commands to register with Discord.
func (h *Handler) Commands() []*discordgo.ApplicationCommand {
	defs := make([]*discordgo.ApplicationCommand, len(h.commands))
	for i, c := range h.commands {
		defs[i] = c.def
	}
	return defs
}

func (h *Handler) command(name string) (command, bool) {
	for _, c := range h.commands {
		if c.def.Name == name {
			return c, true
		}
	}
	return command{}, false
}

// UserError is a problem with what a user asked. Its message is for that
// user alone.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

func userErrorf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// Request is one thing a user asked, by slash command or by mention.
type Request struct {
	User    string
	Command string
	Args    Args
	// Via says how it arrived ("slash", "mention"), for the log and for hints.
	Via string
}

// Handle runs req and returns what to post; it never fails, errors become
// replies. Costly commands first pass the user's rate limit and take a place
// in the answer queue; then ack is called, before any slow work, with
// whether the reply will be private, so the caller acknowledges at once (a
// deferred response, a typing indicator). When a request is refused before
// that (bad input, too fast, too busy), ack is not called and the reply is
// private.
func (h *Handler) Handle(ctx context.Context, req Request, ack func(private bool) error) Reply {
	start := time.Now()
	reply, outcome, err := h.handle(ctx, req, ack)
	attrs := []any{"via", req.Via, "command", req.Command, "user", req.User,
		"latency", time.Since(start).Round(time.Millisecond), "outcome", outcome}
	if reply.Mode != "" {
		attrs = append(attrs, "mode", string(reply.Mode))
	}
	debug := h.log.Enabled(ctx, slog.LevelDebug)
	if err != nil && debug {
		attrs = append(attrs, "err", err)
	} else if err != nil {
		attrs = append(attrs, "err", withoutUserText(err.Error(), req.Args))
	}
	if debug {
		attrs = append(attrs, "options", req.Args)
	}
	level, msg := slog.LevelInfo, "command"
	if outcome == "error" {
		level = slog.LevelError
	}
	if c, ok := h.command(req.Command); ok && c.costly {
		msg = "question"
	}
	h.log.Log(ctx, level, msg, attrs...)
	return reply
}

func (h *Handler) handle(ctx context.Context, req Request, ack func(private bool) error) (Reply, string, error) {
	if ack == nil {
		ack = func(bool) error { return nil }
	}
	c, ok := h.command(req.Command)
	if !ok {
		return textReply("I don't know that command any more; try /help.", true), "invalid", nil
	}
	if err := validate(c.def, req); err != nil {
		return errorReply(err), "invalid", nil
	}
	private := !req.Args.boolean("public", true)
	if c.costly {
		// The queue first: a question refused for being busy costs no allowance.
		t, ok := h.gate.enter()
		if !ok {
			return textReply("I'm busy answering a lot of questions right now; please ask again in a minute.", true), "busy", nil
		}
		defer t.leave()
		if wait := h.limits.take(req.User); wait > 0 {
			secs := int(math.Ceil(wait.Seconds()))
			return textReply(fmt.Sprintf("Slow down a little: you can ask again in %d s.", secs), true), "rate_limited", nil
		}
		if err := ack(private); err != nil {
			return Reply{}, "error", fmt.Errorf("acknowledge: %w", err)
		}
		if err := t.wait(ctx); err != nil {
			return stoppedReply(private), "cancelled", err
		}
	}
	reply, err := c.run(ctx, req.Args)
	var uerr *UserError
	switch {
	case errors.As(err, &uerr):
		return errorReply(err), "invalid", nil
	case err != nil && ctx.Err() != nil:
		return stoppedReply(private), "cancelled", err
	case err != nil:
		return textReply("Sorry, something went wrong on my side; please try again later.", private), "error", err
	}
	reply.Ephemeral = reply.Ephemeral || private
	outcome := "ok"
	switch reply.Mode {
	case answer.ModeNotFound:
		outcome = "not_found"
	case answer.ModeLLM, answer.ModeExtractive:
		outcome = "answered"
	}
	return reply, outcome, nil
}

func errorReply(err error) Reply { return textReply(err.Error(), true) }

func stoppedReply(private bool) Reply {
	return textReply("I had to stop before I could answer (storybot is restarting); please ask again in a minute.", private)
}

// validate checks req's options against the command's definition, as
// Discord does for slash commands, so mentions get the same checks.
func validate(def *discordgo.ApplicationCommand, req Request) error {
	for _, o := range def.Options {
		if o.Type != discordgo.ApplicationCommandOptionString {
			continue
		}
		v := req.Args.str(o.Name)
		if o.Required && v == "" {
			if req.Via == "mention" {
				return userErrorf("Mention me with a question about the story after my name, and I'll answer it with quotes.")
			}
			return userErrorf("Please fill in the %s.", o.Name)
		}
		if o.MaxLength > 0 && length(v) > o.MaxLength {
			return userErrorf("Your %s is %d characters long; please keep it to %d.", o.Name, length(v), o.MaxLength)
		}
	}
	return nil
}

func (h *Handler) cmdAsk(ctx context.Context, o Args) (Reply, error) {
	return h.Ask(ctx, o.str("question"))
}

// Ask answers question from the story: the answer text with its [n]
// markers, the verified quotes, and how it was made.
func (h *Handler) Ask(ctx context.Context, question string) (Reply, error) {
	a, err := h.answerer.Ask(ctx, answer.Query{Question: question})
	if errors.Is(err, knowledge.ErrEmptyQuery) {
		return Reply{}, userErrorf("I couldn't find any words to look up in that question; try asking with a few words from the story.")
	}
	if err != nil {
		return Reply{}, fmt.Errorf("answer: %w", err)
	}
	return renderAnswer(a, h.titles(ctx)), nil
}

// titles maps document slugs to titles. Without them, quotes show slugs.
func (h *Handler) titles(ctx context.Context) map[string]string {
	docs, err := h.library.Documents(ctx)
	if err != nil {
		h.log.Warn("list documents for titles", "err", err)
	}
	titles := make(map[string]string, len(docs))
	for _, d := range docs {
		titles[d.Slug] = d.Title
	}
	return titles
}

func (h *Handler) cmdSource(ctx context.Context, o Args) (Reply, error) {
	return h.Source(ctx, o.str("passage"))
}

// Source shows the passage with the given id in full.
func (h *Handler) Source(ctx context.Context, id string) (Reply, error) {
	p, err := h.library.Passage(ctx, id)
	if errors.Is(err, knowledge.ErrNotFound) {
		example := "story#1"
		if docs, _ := h.library.Documents(ctx); len(docs) > 0 {
			example = knowledge.PassageID(docs[0].Slug, 1)
		}
		return Reply{}, userErrorf("There is no passage %q. Passage ids look like `%s` (shown under each quote); start typing in the passage box to pick one.", id, example)
	}
	if err != nil {
		return Reply{}, fmt.Errorf("passage %q: %w", id, err)
	}
	return renderSource(p, h.titles(ctx)), nil
}

// completePassage suggests passage ids for what a user has typed: ids that
// start with it, else the passages that best match it as a search.
func (h *Handler) completePassage(ctx context.Context, typed string) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	const limit = 25 // Discord shows at most 25 choices
	typed = strings.TrimSpace(typed)
	ids, err := h.library.PassageIDs(ctx, typed, limit)
	if err != nil {
		return nil, err
	}
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, limit)
	for _, id := range ids {
		choices = append(choices, passageChoice(id, ""))
	}
	if len(choices) > 0 || typed == "" {
		return choices, nil
	}
	ps, err := h.library.Search(ctx, typed, limit)
	if errors.Is(err, knowledge.ErrEmptyQuery) {
		return choices, nil
	}
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		choices = append(choices, passageChoice(p.ID, p.Text))
	}
	return choices, nil
}

// Complete answers an autocomplete request for a command's option.
func (h *Handler) Complete(ctx context.Context, cmd, typed string) []*discordgo.ApplicationCommandOptionChoice {
	c, ok := h.command(cmd)
	if !ok || c.complete == nil {
		return nil
	}
	choices, err := c.complete(ctx, typed)
	if err != nil {
		h.log.Warn("autocomplete", "command", cmd, "err", err)
	}
	return choices
}

func (h *Handler) cmdHelp(ctx context.Context, _ Args) (Reply, error) { return h.Help(ctx) }

// Help says which story this is, what the commands are, how answers are
// grounded and what the footers mean. It is shown only to the asker.
func (h *Handler) Help(ctx context.Context) (Reply, error) {
	docs, err := h.library.Documents(ctx)
	if err != nil {
		return Reply{}, fmt.Errorf("list documents: %w", err)
	}
	return renderHelp(docs, h.Commands()), nil
}

func (h *Handler) cmdTimeline(ctx context.Context, o Args) (Reply, error) {
	return h.Timeline(ctx, o.str("topic"))
}

// Timeline lists the story's dated events in order, each with its date, a
// quote (the dating words in bold) and its passage id.
func (h *Handler) Timeline(ctx context.Context, topic string) (Reply, error) {
	if h.timeliner == nil {
		return Reply{}, userErrorf("The timeline isn't available here.")
	}
	tl, err := h.timeliner.Timeline(ctx, topic)
	if err != nil {
		return Reply{}, fmt.Errorf("timeline %q: %w", topic, err)
	}
	return renderTimeline(tl, topic), nil
}
