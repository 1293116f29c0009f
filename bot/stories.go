package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/knowledge"
)

// Shelf changes the stories of a server: /story add, use and remove.
// cmd/storybot implements it on the index.
type Shelf interface {
	// Add indexes p, all or nothing, and returns its id and whether it
	// replaced an earlier version of itself.
	Add(ctx context.Context, p knowledge.Parsed) (id string, replaced bool, err error)
	// Remove removes the document id that belongs to the server guild
	// itself, or returns knowledge.ErrNotFound.
	Remove(ctx context.Context, guild, id string) error
	// Bind makes doc the story channel of guild answers from ("" for the
	// whole server); doc "" removes the binding. It returns
	// knowledge.ErrNotFound for a doc the server does not see.
	Bind(ctx context.Context, guild, channel, doc string) error
}

// Limits on /story add.
const (
	maxUpload     = 10 << 20 // bytes
	progressAbove = 1 << 20  // a larger file gets a progress message
)

// uploadFormats are the file extensions /story add indexes.
var uploadFormats = []string{".txt", ".md", ".markdown", ".html", ".htm"}

// Custom ids of the buttons /story remove asks with.
const (
	buttonRemove = "story-remove:"
	buttonKeep   = "story-keep:"
)

// registerStory declares /story. Its management subcommands change what a
// whole server sees, so Discord offers the command only to members who may
// manage the server (they can open it to others in the server's
// Integrations settings), and cmdStory checks again.
func (h *Handler) registerStory() {
	manage := int64(discordgo.PermissionManageGuild)
	inGuilds := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	story := func(desc string, required bool) *discordgo.ApplicationCommandOption {
		o := storyOption(desc)
		o.Required = required
		return o
	}
	h.add(command{private: true, costlySubs: []string{"add"}, run: h.cmdStory, def: &discordgo.ApplicationCommand{
		Name:                     "story",
		Description:              "List, choose, add and remove this server's stories.",
		DefaultMemberPermissions: &manage,
		Contexts:                 &inGuilds,
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list",
			Description: "The stories this server can ask about, and which one this channel uses",
		}, {
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: "use",
			Description: "Make a story the one this channel (and its threads) or the server answers from",
			Options: []*discordgo.ApplicationCommandOption{
				story("The story; leave empty to answer from the server's, else all", false),
				{
					Type: discordgo.ApplicationCommandOptionString, Name: "scope",
					Description: "This channel (default) or the whole server",
					Choices: []*discordgo.ApplicationCommandOptionChoice{
						{Name: "this channel and its threads", Value: "channel"}, {Name: "the whole server", Value: "server"},
					},
				},
			},
		}, {
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add",
			Description: "Add a story for this server from a .txt, .md or .html file (up to 10 MB)",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Required: true, Description: "A .txt, .md or .html file"},
				{Type: discordgo.ApplicationCommandOptionString, Name: "title", MaxLength: 200, Description: "The title, instead of the one found in the file"},
				{Type: discordgo.ApplicationCommandOptionString, Name: "date", MaxLength: 10, Description: "The story's date, YYYY-MM-DD: \"last year\" is read from it"},
			},
		}, {
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove",
			Description: "Remove one of this server's stories (asks first)",
			Options:     []*discordgo.ApplicationCommandOption{story("The story to remove", true)},
		}},
	}, complete: map[string]completer{
		"story": h.completeStory,
	}})
}

// storyScope is what a question reads: the story it names, else the one
// bound to its channel (or, in a thread, to the thread's channel), else to
// its server, else every story its server sees.
func (h *Handler) storyScope(ctx context.Context, r Request) (knowledge.Scope, error) {
	sc := r.scope()
	if id := r.Args.str("story"); id != "" {
		docs, err := h.library.Documents(ctx, sc.Only(id))
		if err != nil {
			return sc, err
		}
		if len(docs) == 0 {
			return sc, userErrorf("There is no story %q here; start typing in the story box to pick one.", id)
		}
		return sc.Only(id), nil
	}
	doc, _, err := h.library.Binding(ctx, r.Guild, r.Channel, r.Parent)
	if err != nil {
		return sc, fmt.Errorf("story of channel %s: %w", r.Channel, err)
	}
	if doc != "" {
		return sc.Only(doc), nil
	}
	return sc, nil
}

// completeStory suggests the stories whose id or title holds what was
// typed: of those the server sees, or, for /story remove, of its own.
func (h *Handler) completeStory(ctx context.Context, r Request, typed string) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	sc := r.scope()
	if r.Command == "story" && r.Sub == "remove" {
		sc.Own = true
	}
	docs, err := h.library.Documents(ctx, sc)
	if err != nil {
		return nil, err
	}
	want := strings.ToLower(strings.TrimSpace(typed))
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, d := range docs {
		if len(choices) == 25 {
			break
		}
		if strings.Contains(d.Slug, want) || strings.Contains(strings.ToLower(d.Title), want) {
			choices = append(choices, storyChoice(d))
		}
	}
	return choices, nil
}

func (h *Handler) cmdStory(ctx context.Context, r Request) (Reply, error) {
	if r.Guild == "" {
		return Reply{}, userErrorf("Stories are chosen and added in a server, not in a direct message.")
	}
	if r.Sub != "list" && !r.Manager {
		return Reply{}, userErrorf("Only members who may manage this server (the Manage Server permission) can %s stories.", r.Sub)
	}
	switch r.Sub {
	case "list":
		return h.listStories(ctx, r)
	case "use":
		return h.useStory(ctx, r)
	case "add":
		return h.addStory(ctx, r)
	case "remove":
		return h.askRemove(ctx, r)
	}
	return Reply{}, userErrorf("Use /story list, use, add or remove.")
}

func (h *Handler) listStories(ctx context.Context, r Request) (Reply, error) {
	docs, err := h.library.Documents(ctx, r.scope())
	if err != nil {
		return Reply{}, fmt.Errorf("list stories: %w", err)
	}
	doc, on, err := h.library.Binding(ctx, r.Guild, r.Channel, r.Parent)
	if err != nil {
		return Reply{}, fmt.Errorf("story of channel %s: %w", r.Channel, err)
	}
	return renderStories(docs, doc, bindingPlace(r, on), r.Guild), nil
}

// bindingPlace says in words where a binding found on channel on applies.
func bindingPlace(r Request, on string) string {
	switch on {
	case "":
		return "the server"
	case r.Channel:
		return "this channel"
	}
	return "this thread's channel"
}

func (h *Handler) useStory(ctx context.Context, r Request) (Reply, error) {
	id := r.Args.str("story")
	channel, where := r.Channel, "This channel (and its threads)"
	if r.Args.str("scope") == "server" {
		channel, where = "", "The whole server"
	}
	err := h.shelf.Bind(ctx, r.Guild, channel, id)
	switch {
	case errors.Is(err, knowledge.ErrNotFound):
		return Reply{}, userErrorf("There is no story %q in this server; /story list shows them.", id)
	case err != nil:
		return Reply{}, fmt.Errorf("bind %q: %w", id, err)
	case id == "" && channel == "":
		return textReply("The server no longer has a story of its own: questions read every story it can see, unless a channel has one.", true), nil
	case id == "":
		return textReply("This channel no longer has a story of its own: it answers from the server's, else from every story the server can see.", true), nil
	}
	title := h.titles(ctx, r.scope().Only(id))[id]
	msg := fmt.Sprintf("%s now answers from **%s** (`%s`) when a question names no story.", where, escape(title), id)
	if channel == "" {
		msg += " A channel with a story of its own keeps it."
	}
	return textReply(msg, true), nil
}

func (h *Handler) addStory(ctx context.Context, r Request) (Reply, error) {
	f, ok := r.Files["file"]
	if !ok {
		return Reply{}, userErrorf("Attach the file to add in the file box.")
	}
	ext := strings.ToLower(filepath.Ext(f.Name))
	if !slices.Contains(uploadFormats, ext) {
		return Reply{}, userErrorf("I can add .txt, .md and .html files; %q is not one.", f.Name)
	}
	if f.Size > maxUpload {
		return Reply{}, userErrorf("%q is %.1f MB; I add files of up to %d MB.", f.Name, float64(f.Size)/(1<<20), maxUpload>>20)
	}
	date := r.Args.str("date")
	if date != "" {
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			return Reply{}, userErrorf("The date %q is not a date like 2019-05-31.", date)
		}
	}
	if f.Size > progressAbove && r.Progress != nil {
		r.Progress(fmt.Sprintf("Indexing **%s** (%.1f MB)… this takes a moment.", escape(f.Name), float64(f.Size)/(1<<20)))
	}
	data, err := download(ctx, f)
	if err != nil {
		var uerr *UserError
		if errors.As(err, &uerr) {
			return Reply{}, err
		}
		h.log.Warn("download an upload", "file", f.Name, "err", err)
		return Reply{}, userErrorf("I couldn't download %q from Discord; please try again.", f.Name)
	}
	p, err := knowledge.Parse(data, knowledge.ParseOptions{Name: f.Name, Title: r.Args.str("title"), Date: date})
	switch {
	case errors.Is(err, knowledge.ErrNotText):
		return Reply{}, userErrorf("%q is not UTF-8 text (is it a binary file, or in another encoding?); nothing was added.", f.Name)
	case errors.Is(err, knowledge.ErrEmptyDocument):
		return Reply{}, userErrorf("%q has no text to index; nothing was added.", f.Name)
	case err != nil:
		return Reply{}, fmt.Errorf("parse %s: %w", f.Name, err)
	}
	// The same file name added again in the same server is the same story.
	p.Doc.Origin = "discord:" + r.Guild + ":" + f.Name
	p.Doc.Guild = r.Guild
	id, replaced, err := h.shelf.Add(ctx, p)
	if err != nil {
		return Reply{}, fmt.Errorf("add %s: %w", f.Name, err)
	}
	what := "Added"
	if replaced {
		what = "Replaced the earlier version of"
	}
	return textReply(fmt.Sprintf("%s **%s** as `%s` (%s), for this server only.\n"+
		"Ask about it with `/ask story:%s`, or make it this channel's story with `/story use story:%s`.",
		what, escape(p.Doc.Title), id, passages(len(p.Passages)), id, id), true), nil
}

// download reads an uploaded file, refusing one larger than maxUpload
// whatever its announced size.
func download(ctx context.Context, f File) ([]byte, error) {
	rc, err := f.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxUpload {
		return nil, userErrorf("%q is over %d MB; I add files of up to %d MB.", f.Name, maxUpload>>20, maxUpload>>20)
	}
	return data, nil
}

func (h *Handler) askRemove(ctx context.Context, r Request) (Reply, error) {
	id := r.Args.str("story")
	own := r.scope()
	own.Own = true
	docs, err := h.library.Documents(ctx, own.Only(id))
	if err != nil {
		return Reply{}, fmt.Errorf("find %q: %w", id, err)
	}
	if len(docs) == 0 {
		if seen, _ := h.library.Documents(ctx, r.scope().Only(id)); len(seen) > 0 {
			return Reply{}, userErrorf("%q is a story for every server (added on the command line); only whoever runs storybot can remove it.", id)
		}
		return Reply{}, userErrorf("There is no story %q in this server; /story list shows them.", id)
	}
	return confirmRemove(docs[0]), nil
}

// Press handles a click on a button the bot posted (only /story remove
// posts any); the reply replaces the message the button was on.
func (h *Handler) Press(ctx context.Context, req Request, customID string) Reply {
	reply, err := h.press(ctx, req, customID)
	var uerr *UserError
	outcome := "ok"
	switch {
	case errors.As(err, &uerr):
		reply, outcome = errorReply(err), "invalid"
	case err != nil:
		reply, outcome = textReply("Sorry, something went wrong on my side; please try again later.", true), "error"
	}
	attrs := []any{"via", "button", "button", customID, "user", req.User, "outcome", outcome}
	if err != nil {
		attrs = append(attrs, "err", err)
	}
	h.log.Info("button", attrs...)
	reply.Ephemeral = true
	return reply
}

func (h *Handler) press(ctx context.Context, r Request, customID string) (Reply, error) {
	if h.shelf == nil || r.Guild == "" {
		return Reply{}, userErrorf("That button no longer does anything.")
	}
	if id, ok := strings.CutPrefix(customID, buttonKeep); ok {
		return textReply(fmt.Sprintf("Kept `%s`.", id), true), nil
	}
	id, ok := strings.CutPrefix(customID, buttonRemove)
	if !ok {
		return Reply{}, userErrorf("That button no longer does anything.")
	}
	if !r.Manager {
		return Reply{}, userErrorf("Only members who may manage this server (the Manage Server permission) can remove stories.")
	}
	err := h.shelf.Remove(ctx, r.Guild, id)
	switch {
	case errors.Is(err, knowledge.ErrNotFound):
		return Reply{}, userErrorf("There is no story %q in this server any more.", id)
	case err != nil:
		return Reply{}, fmt.Errorf("remove %q: %w", id, err)
	}
	return textReply(fmt.Sprintf("Removed `%s` from this server.", id), true), nil
}
