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
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/stats"
	"github.com/storybot/storybot/timeline"
)

// Answerer answers a question about the story.
type Answerer interface {
	Ask(ctx context.Context, q answer.Query) (answer.Answer, error)
}

// Library is the part of the index the bot reads, always within the scope
// of the server asking: documents for titles, /help and /story list,
// passages for /source and its autocompletion, and the stories channels
// and servers are bound to. *knowledge/sqlite.Store implements it.
type Library interface {
	Documents(ctx context.Context, sc knowledge.Scope) ([]knowledge.Document, error)
	// Passage returns knowledge.ErrNotFound for an id not in sc.
	Passage(ctx context.Context, sc knowledge.Scope, id string) (knowledge.Passage, error)
	PassageIDs(ctx context.Context, sc knowledge.Scope, prefix string, limit int) ([]string, error)
	Search(ctx context.Context, sc knowledge.Scope, q string, k int) ([]knowledge.Passage, error)
	// Binding returns the document bound to the first of channels that has
	// one in the server guild, else to the whole server, else "", and the
	// channel it was bound on ("" for the server).
	Binding(ctx context.Context, guild string, channels ...string) (doc, on string, err error)
}

// Timeliner lists the dated events of the documents sc selects in one
// order, only those about topic when it is not empty.
type Timeliner interface {
	Timeline(ctx context.Context, sc knowledge.Scope, topic string) (timeline.Timeline, error)
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
	// Shelf enables /story, with which servers manage their stories; nil
	// leaves the command unregistered.
	Shelf Shelf
	// Recorder, when set, is told what became of each question and of the
	// feedback on answers (storybot stats), and answers carry feedback
	// buttons. It must not block.
	Recorder Recorder
	// Metrics, when set, counts questions, rejections and feedback.
	Metrics *Metrics
	Logger  *slog.Logger
	// Now is the clock the rate limit runs on.
	Now func() time.Time
}

// Recorder keeps statistics of questions and feedback; *stats.Journal
// implements it, writing in the background.
type Recorder interface {
	Question(q stats.Question)
	Vote(v stats.Vote)
}

// Handler answers storybot's commands and mentions.
type Handler struct {
	answerer  Answerer
	library   Library
	timeliner Timeliner
	shelf     Shelf
	recorder  Recorder
	metrics   *Metrics
	limits    *limiter
	gate      *gate
	log       *slog.Logger
	now       func() time.Time
	commands  []command
}

// command is one slash command.
type command struct {
	def *discordgo.ApplicationCommand
	// costly commands can take long: they are acknowledged at once and go
	// through the rate limit and the answer queue; so do costlySubs.
	costly     bool
	costlySubs []string
	// private commands answer the asker alone.
	private bool
	run     func(ctx context.Context, r Request) (Reply, error)
	// complete suggests values for the option being typed, by option name.
	complete map[string]completer
}

// completer suggests values for what a user is typing in an option.
type completer func(ctx context.Context, r Request, typed string) ([]*discordgo.ApplicationCommandOptionChoice, error)

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

// maxOptionValue is Discord's limit on a string option's value.
const maxOptionValue = 100

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
		shelf:     cfg.Shelf,
		recorder:  cfg.Recorder,
		metrics:   cfg.Metrics,
		limits:    newLimiter(cfg.RatePerMinute, cfg.RateBurst, cfg.Now),
		gate:      newGate(cfg.MaxConcurrent, cfg.MaxQueued),
		log:       cfg.Logger,
		now:       cfg.Now,
	}
	h.register()
	return h
}

// storyOption is the optional story a question is asked of, with
// autocompletion.
func storyOption(desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: "story", Autocomplete: true, MaxLength: maxOptionValue,
		Description: desc,
	}
}

// register declares every command, in the order /help lists them.
func (h *Handler) register() {
	minLen := 1
	stories := map[string]completer{
		"story": h.completeStory,
	}
	h.add(command{costly: true, run: h.cmdAsk, complete: stories, def: &discordgo.ApplicationCommand{
		Name:        "ask",
		Description: "Ask a question about the story; the answer quotes it, word for word.",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question", Required: true,
			Description: "What do you want to know? e.g. who did what, when, why",
			MinLength:   &minLen, MaxLength: maxQuestion,
		}, {
			Type: discordgo.ApplicationCommandOptionBoolean, Name: "public",
			Description: "Show the answer to the channel (default) or, with False, only to you",
		}, storyOption("The story to ask about; by default this channel's, else all of this server's"), {
			Type: discordgo.ApplicationCommandOptionBoolean, Name: "thread",
			Description: "Answer in a new thread named after the question, for follow-up questions",
		}},
	}})
	if h.timeliner != nil {
		h.add(command{costly: true, run: h.cmdTimeline, complete: stories, def: &discordgo.ApplicationCommand{
			Name:        "timeline",
			Description: "The story's dated events in order, each with a quote.",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "topic", MaxLength: 100,
				Description: "Only events about this (a name, a place, a word); leave empty for all",
			}, storyOption("The story; by default this channel's, else all of this server's, in one order")},
		}})
	}
	h.add(command{run: h.cmdSource, complete: map[string]completer{
		"passage": h.completePassage,
	}, def: &discordgo.ApplicationCommand{
		Name:        "source",
		Description: "Show a passage of the story in full, by the id shown under a quote.",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "passage", Required: true, Autocomplete: true,
			Description: "A passage id such as story#3; type a word to search", MaxLength: maxOptionValue,
		}},
	}})
	if h.shelf != nil {
		h.registerStory()
	}
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

// Request is one thing a user asked, by slash command, mention or button.
type Request struct {
	// ID is the interaction's or the message's id, unique to the request;
	// an answer's feedback buttons name it.
	ID      string
	User    string
	Command string
	// Sub is the subcommand used ("add" for /story add), or "".
	Sub  string
	Args Args
	// Via says how it arrived ("slash", "mention", "button"), for the log
	// and for hints.
	Via string
	// Guild is the server it was asked in, "" in a direct message; Channel
	// the channel, and Parent the channel a thread belongs to ("" when
	// Channel is no thread).
	Guild, Channel, Parent string
	// Manager says the member may manage the server (Manage Server or
	// Administrator), as Discord computed it for this interaction.
	Manager bool
	// Files are the files attached to the command, by option name.
	Files map[string]File
	// Progress, when set, shows a message in place of the acknowledgement
	// while a slow command works (a large upload being indexed).
	Progress func(text string)
	// Conversation, when set, rebuilds the conversation a question
	// follows up (a reply to an answer, a message in the bot's thread). It
	// is called only once the question is accepted, and never fails: what
	// cannot be read is left out.
	Conversation func(ctx context.Context) Conversation
}

// File is a file attached to a command.
type File struct {
	Name        string
	Size        int64
	ContentType string
	// Open downloads it.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// scope is what the request may read: the documents of its server and of
// every server (only those of every server in a direct message).
func (r Request) scope() knowledge.Scope { return knowledge.Scope{Guild: r.Guild} }

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
	latency := time.Since(start)
	attrs := []any{"via", req.Via, "command", req.Command, "user", req.User,
		"latency", latency.Round(time.Millisecond), "outcome", outcome}
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
	if msg == "question" {
		reply = h.recordQuestion(req, reply, outcome, start, latency)
	}
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
	private := c.private || !req.Args.boolean("public", true)
	if c.costly || slices.Contains(c.costlySubs, req.Sub) {
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
	} else {
		req.Progress = nil // nothing was acknowledged to show it in place of
	}
	reply, err := c.run(ctx, req)
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

// validate checks req's options against the command's definition (its
// subcommand's, for one), as Discord does for slash commands, so mentions
// get the same checks.
func validate(def *discordgo.ApplicationCommand, req Request) error {
	opts := def.Options
	if req.Sub != "" {
		sub := subcommand(def, req.Sub)
		if sub == nil {
			return userErrorf("I don't know /%s %s; try /help.", def.Name, req.Sub)
		}
		opts = sub.Options
	}
	for _, o := range opts {
		if o.Type != discordgo.ApplicationCommandOptionString {
			continue
		}
		v := req.Args.str(o.Name)
		if o.Required && v == "" {
			if req.Via != "slash" {
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

// subcommand is def's subcommand called name, or nil.
func subcommand(def *discordgo.ApplicationCommand, name string) *discordgo.ApplicationCommandOption {
	for _, o := range def.Options {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand && o.Name == name {
			return o
		}
	}
	return nil
}

func (h *Handler) cmdAsk(ctx context.Context, r Request) (Reply, error) {
	inThread := r.Args.boolean("thread", false) && r.Guild != "" && r.Parent == ""
	if inThread && !r.Args.boolean("public", true) {
		return Reply{}, userErrorf("A thread is seen by the whole channel: ask with public:True, or without thread.")
	}
	var conv Conversation
	if r.Conversation != nil {
		conv = r.Conversation(ctx)
	}
	sc, err := h.storyScope(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	if r.Args.str("story") == "" && conv.Story != "" {
		// The story the conversation was about carries over, if the
		// server still sees it.
		if docs, err := h.library.Documents(ctx, r.scope().Only(conv.Story)); err == nil && len(docs) > 0 {
			sc = r.scope().Only(conv.Story)
		}
	}
	reply, err := h.Ask(ctx, sc, r.Args.str("question"), conv.History)
	if err != nil || !inThread {
		return reply, err
	}
	reply.Thread = threadName(r.Args.str("question"))
	reply.Intro = Message{Content: "🧵 " + escape(reply.Thread) + "\n-# The answer is in this thread; follow-up questions there continue the conversation."}
	return reply, nil
}

// Ask answers question, asked after history (oldest first, nil for none),
// from the documents sc selects: the answer text with its [n] markers, the
// verified quotes, and how it was made, under a line saying what it
// answered (so that a conversation can be rebuilt from it).
func (h *Handler) Ask(ctx context.Context, sc knowledge.Scope, question string, history []answer.Turn) (Reply, error) {
	a, err := h.answerer.Ask(ctx, answer.Query{Question: question, Scope: sc, History: history})
	if errors.Is(err, knowledge.ErrEmptyQuery) {
		return Reply{}, userErrorf("I couldn't find any words to look up in that question; try asking with a few words from the story.")
	}
	if err != nil {
		return Reply{}, fmt.Errorf("answer: %w", err)
	}
	story := ""
	if len(sc.Docs) == 1 {
		story = sc.Docs[0]
	}
	reply := renderAnswer(a, h.titles(ctx, sc), askedLine(a.Question, story))
	reply.answered = &answered{a: a, scope: sc}
	return reply, nil
}

// titles maps the slugs of the documents sc selects to their titles.
// Without them, quotes show slugs.
func (h *Handler) titles(ctx context.Context, sc knowledge.Scope) map[string]string {
	docs, err := h.library.Documents(ctx, sc)
	if err != nil {
		h.log.Warn("list documents for titles", "err", err)
	}
	titles := make(map[string]string, len(docs))
	for _, d := range docs {
		titles[d.Slug] = d.Title
	}
	return titles
}

func (h *Handler) cmdSource(ctx context.Context, r Request) (Reply, error) {
	return h.Source(ctx, r.scope(), r.Args.str("passage"))
}

// Source shows the passage with the given id, of the documents sc selects,
// in full.
func (h *Handler) Source(ctx context.Context, sc knowledge.Scope, id string) (Reply, error) {
	p, err := h.library.Passage(ctx, sc, id)
	if errors.Is(err, knowledge.ErrNotFound) {
		example := "story#1"
		if docs, _ := h.library.Documents(ctx, sc); len(docs) > 0 {
			example = knowledge.PassageID(docs[0].Slug, 1)
		}
		return Reply{}, userErrorf("There is no passage %q. Passage ids look like `%s` (shown under each quote); start typing in the passage box to pick one.", id, example)
	}
	if err != nil {
		return Reply{}, fmt.Errorf("passage %q: %w", id, err)
	}
	return renderSource(p, h.titles(ctx, sc.Only(p.Doc))), nil
}

// completePassage suggests passage ids for what a user has typed: ids that
// start with it, else the passages that best match it as a search, of the
// documents the user's server sees.
func (h *Handler) completePassage(ctx context.Context, r Request, typed string) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	const limit = 25 // Discord shows at most 25 choices
	sc := r.scope()
	typed = strings.TrimSpace(typed)
	ids, err := h.library.PassageIDs(ctx, sc, typed, limit)
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
	ps, err := h.library.Search(ctx, sc, typed, limit)
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

// Complete answers an autocomplete request for the option being typed.
func (h *Handler) Complete(ctx context.Context, req Request, option, typed string) []*discordgo.ApplicationCommandOptionChoice {
	c, ok := h.command(req.Command)
	if !ok || c.complete[option] == nil {
		return nil
	}
	choices, err := c.complete[option](ctx, req, typed)
	if err != nil {
		h.log.Warn("autocomplete", "command", req.Command, "option", option, "err", err)
	}
	return choices
}

func (h *Handler) cmdHelp(ctx context.Context, r Request) (Reply, error) {
	return h.Help(ctx, r.scope())
}

// Help says which stories sc selects, what the commands are, how answers
// are grounded and what the footers mean. It is shown only to the asker.
func (h *Handler) Help(ctx context.Context, sc knowledge.Scope) (Reply, error) {
	docs, err := h.library.Documents(ctx, sc)
	if err != nil {
		return Reply{}, fmt.Errorf("list documents: %w", err)
	}
	return renderHelp(docs, h.Commands()), nil
}

func (h *Handler) cmdTimeline(ctx context.Context, r Request) (Reply, error) {
	sc, err := h.storyScope(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	return h.Timeline(ctx, sc, r.Args.str("topic"))
}

// Timeline lists the dated events of the documents sc selects in order,
// each with its date, a quote (the dating words in bold) and its passage
// id.
func (h *Handler) Timeline(ctx context.Context, sc knowledge.Scope, topic string) (Reply, error) {
	if h.timeliner == nil {
		return Reply{}, userErrorf("The timeline isn't available here.")
	}
	tl, err := h.timeliner.Timeline(ctx, sc, topic)
	if err != nil {
		return Reply{}, fmt.Errorf("timeline %q: %w", topic, err)
	}
	return renderTimeline(tl, topic), nil
}
