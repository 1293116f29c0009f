package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// How a reply reaches its asker whatever Discord does: each interaction
// and each mention is an exchange that acknowledges, shows progress and
// delivers the reply one post at a time, in order; when the way it was
// meant to take fails, the reply takes another (a follow-up, a channel
// message, a direct message), and a placeholder it could not fill is
// removed. When storybot stops, every exchange still waiting shows the
// restart notice at once, which the answer replaces if it comes in time.

// Time bounds of an exchange.
const (
	// ackWithin is the time to acknowledge an interaction: Discord allows
	// 3 s from its creation, and it took some time to reach us.
	ackWithin = 2500 * time.Millisecond
	// tokenLife is how long an interaction's token may be used: Discord's
	// 15 minutes, less a margin.
	tokenLife = 14*time.Minute + 30*time.Second
	// retryWindow bounds the retries of one post.
	retryWindow = 2 * time.Minute
)

// restartNotice stands in for an answer in flight when storybot stops.
const restartNotice = "storybot is restarting. If your answer does not appear here within a few seconds, please ask again in a minute."

// pending is an exchange that may still be waiting for its reply.
type pending interface {
	// notice shows restartNotice where the reply is to go, unless it was
	// delivered.
	notice()
}

// track registers p until done is called, so a stop can notice it.
func (b *Bot) track(p pending) (done func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		b.pending = map[pending]bool{}
	}
	b.pending[p] = true
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.pending, p)
	}
}

// postContext bounds one post: retryWindow, never past expires (unless
// zero), never past the stop deadline, and cancelled when the bot's work
// ends.
func (b *Bot) postContext(expires time.Time) (context.Context, context.CancelFunc) {
	d := time.Now().Add(retryWindow)
	if !expires.IsZero() && expires.Before(d) {
		d = expires
	}
	b.mu.Lock()
	if !b.deadline.IsZero() && b.deadline.Before(d) {
		d = b.deadline
	}
	b.mu.Unlock()
	return context.WithDeadline(b.work, d)
}

// exchange is one interaction (a slash command) on its way to a reply.
type exchange struct {
	b        *Bot
	i        *discordgo.Interaction
	received time.Time

	mu sync.Mutex // one post at a time, but for the restart notice
	// tried is set once an acknowledgement was tried: even one that
	// failed may have reached Discord.
	tried    bool
	private  bool // the acknowledgement was private
	done     bool // the reply was posted, or is being posted
	noticing bool // the restart notice is on its way
}

func (b *Bot) newExchange(i *discordgo.Interaction, received time.Time) *exchange {
	return &exchange{b: b, i: i, received: received}
}

// context bounds a post of this exchange: within the token's life.
func (x *exchange) context() (context.Context, context.CancelFunc) {
	return x.b.postContext(x.received.Add(tokenLife))
}

// acknowledge defers the response, privately or not, within the time
// Discord allows. A failure is logged, not returned: the reply then
// finds another way (see deliver).
func (x *exchange) acknowledge(private bool) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	ctx, cancel := x.b.postContext(x.received.Add(ackWithin))
	defer cancel()
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions()},
	}
	if private {
		resp.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := x.b.rest.respond(ctx, x.i, resp)
	x.private = private
	x.tried = true
	switch {
	case err == nil || restCode(err) == codeAlreadyAcked: // an earlier try got through
		x.b.metrics.acknowledged(time.Since(x.received), true)
	default:
		x.b.metrics.acknowledged(time.Since(x.received), false)
		x.b.log.Warn("acknowledge an interaction; the answer will be posted another way", "err", err)
	}
	return nil
}

// progress shows text in place of the acknowledgement.
func (x *exchange) progress(text string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.tried || x.done {
		return
	}
	ctx, cancel := x.context()
	defer cancel()
	if _, err := x.b.rest.editOriginal(ctx, x.i, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}); err != nil {
		x.b.log.Warn("show progress", "err", err)
	}
}

// notice puts the restart notice in place of the acknowledgement. It does
// not hold up the reply: one that is ready while the notice is on its way
// goes as follow-ups (an edit could be overtaken by the notice's), and
// the notice is then removed.
func (x *exchange) notice() {
	x.mu.Lock()
	if !x.tried || x.done {
		x.mu.Unlock()
		return
	}
	x.noticing = true
	x.mu.Unlock()
	ctx, cancel := x.context()
	defer cancel()
	text, none := restartNotice, []discordgo.MessageComponent{}
	_, err := x.b.rest.editOriginal(ctx, x.i, &discordgo.WebhookEdit{Content: &text, Components: &none, AllowedMentions: noMentions()})
	if err != nil {
		x.b.log.Warn("show the restart notice", "err", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.noticing = false
	if x.done && err == nil {
		// The reply went as follow-ups meanwhile: the notice is no longer true.
		if err := x.b.rest.deleteOriginal(ctx, x.i); err != nil {
			x.b.log.Warn("delete the restart notice", "err", err)
		}
	}
}

// deliver posts the reply: as the response itself when nothing was
// acknowledged, else in place of the acknowledgement, with follow-ups for
// the rest; whatever fails goes to the channel (or, for a private reply,
// a direct message) instead.
func (x *exchange) deliver(r Reply) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.done = true
	msgs := r.Messages
	if len(msgs) == 0 {
		msgs = []Message{{Content: "…"}}
	}
	ctx, cancel := x.context()
	defer cancel()
	rest := x.b.rest
	switch {
	case !x.tried:
		// Refused before any slow work: the reply is the response.
		actx, acancel := x.b.postContext(x.received.Add(ackWithin))
		err := rest.respond(actx, x.i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: responseData(msgs[0], r.Ephemeral),
		})
		acancel()
		if err != nil {
			x.b.log.Warn("respond to an interaction; posting the reply another way", "err", err)
			x.fallback(msgs, r.Ephemeral)
			return
		}
		x.followUps(ctx, msgs[1:], r.Ephemeral)
	case r.Ephemeral && !x.private:
		// Something only the asker should see, after a public
		// acknowledgement: drop the public placeholder, follow up privately.
		if err := rest.deleteOriginal(ctx, x.i); err != nil {
			x.b.log.Warn("delete the deferred response", "err", err)
		}
		x.followUps(ctx, msgs, true)
	case x.noticing:
		x.followUps(ctx, msgs, r.Ephemeral)
	default:
		if r.Thread != "" && !x.private && !r.Ephemeral && x.inThread(ctx, r, msgs) {
			return
		}
		_, err := rest.editOriginal(ctx, x.i, replacing(msgs[0]))
		if err == nil {
			x.b.metrics.delivered("edit")
			x.followUps(ctx, msgs[1:], r.Ephemeral)
			return
		}
		if x.b.work.Err() != nil {
			x.b.log.Warn("stopped before the reply could be posted; the restart notice stands in for it", "err", err)
			return
		}
		x.b.log.Warn("edit the deferred response; posting the reply another way", "err", err)
		x.fallback(msgs, r.Ephemeral)
		if restCode(err) != codeUnknownWebhook {
			// A placeholder may stand: remove it, so no "…" is left.
			dctx, dcancel := x.context()
			defer dcancel()
			if err := rest.deleteOriginal(dctx, x.i); err != nil {
				x.b.log.Warn("delete the placeholder of a reply posted another way", "err", err)
			}
		}
	}
}

// inThread shows the reply's intro in place of the acknowledgement, starts
// a thread from it named as the reply says, and posts the reply there
// (what cannot be posted there goes to the channel). When the intro cannot
// be shown or the thread started, it reports false: the reply then takes
// the acknowledgement's place.
func (x *exchange) inThread(ctx context.Context, r Reply, msgs []Message) bool {
	intro, err := x.b.rest.editOriginal(ctx, x.i, replacing(Message{Content: r.Intro.Content}))
	if err != nil {
		x.b.log.Warn("show the thread's intro; answering in place", "err", err)
		return false
	}
	th, err := x.b.s.MessageThreadStartComplex(x.i.ChannelID, intro.ID, &discordgo.ThreadStart{Name: r.Thread, AutoArchiveDuration: 1440},
		discordgo.WithContext(ctx))
	if err != nil {
		x.b.log.Warn("start a thread for the answer (does the bot have Create Public Threads?); answering here", "err", describeREST(err))
		return false
	}
	x.b.remember(th.ID, channelInfo{parent: x.i.ChannelID, owner: th.OwnerID})
	if err := x.b.sendAll(ctx, th.ID, msgs, nil); err != nil {
		x.b.log.Warn("answer in the thread; posting the reply in the channel", "err", err)
		x.fallback(msgs, false)
		return true
	}
	x.b.metrics.delivered("thread")
	return true
}

// replacing is the edit that puts m in place of a message: its embeds and
// components replace the old ones (none clears a progress message's).
func replacing(m Message) *discordgo.WebhookEdit {
	embeds, components := replaced(m)
	return &discordgo.WebhookEdit{Content: &m.Content, Embeds: &embeds, Components: &components, AllowedMentions: noMentions()}
}

// replaced is m's embeds and components as an edit or update sends them:
// empty rather than nil, so that they replace the old ones.
func replaced(m Message) ([]*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	embeds, components := m.Embeds, m.Components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	return embeds, components
}

func responseData(m Message, private bool) *discordgo.InteractionResponseData {
	data := &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
	if private {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return data
}

// followUps posts msgs as follow-ups; those that cannot be go to the
// channel (or a direct message) instead.
func (x *exchange) followUps(ctx context.Context, msgs []Message, private bool) {
	for k, m := range msgs {
		p := &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
		if private {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		if err := x.b.rest.followUp(ctx, x.i, p); err != nil {
			x.b.log.Warn("post a follow-up; posting the rest another way", "err", err)
			x.fallback(msgs[k:], private)
			return
		}
		x.b.metrics.delivered("follow_up")
	}
}

// fallback posts msgs as channel messages, the first saying whom they
// answer; a private reply, or one the channel refuses, goes to the asker
// in a direct message. It takes a retry window of its own (the way that
// failed may have used its own up), unless the bot has stopped.
func (x *exchange) fallback(msgs []Message, private bool) {
	if x.b.work.Err() != nil {
		x.b.log.Warn("stopped before the reply could be posted another way")
		return
	}
	ctx, cancel := x.b.postContext(time.Time{})
	defer cancel()
	user := interactionUser(x.i)
	if !private && x.i.ChannelID != "" {
		lead := Message{Content: "-# For <@" + user + ">, who used /" + commandName(x.i) + ":"}
		if err := x.b.sendAll(ctx, x.i.ChannelID, withLead(lead, msgs), nil); err == nil {
			x.b.metrics.delivered("channel")
			return
		} else if ctx.Err() != nil {
			x.b.undelivered(err)
			return
		}
	}
	dm, err := x.b.rest.dmChannel(ctx, user)
	if err == nil {
		err = x.b.sendAll(ctx, dm, msgs, nil)
	}
	if err != nil {
		x.b.undelivered(err)
		return
	}
	x.b.metrics.delivered("direct_message")
}

func (b *Bot) undelivered(err error) {
	b.metrics.delivered("failed")
	b.log.Error("a reply could not be delivered by any way", "err", err)
}

func commandName(i *discordgo.Interaction) string {
	if i.Type == discordgo.InteractionApplicationCommand {
		return i.ApplicationCommandData().Name
	}
	return "a command"
}

// withLead puts lead's text before the first message's, or alone before
// them when both do not fit in one message.
func withLead(lead Message, msgs []Message) []Message {
	if len(msgs) > 0 && length(lead.Content)+1+length(msgs[0].Content) <= maxContent {
		first := msgs[0]
		first.Content = strings.TrimSuffix(lead.Content+"\n"+first.Content, "\n")
		return append([]Message{first}, msgs[1:]...)
	}
	return append([]Message{lead}, msgs...)
}

// sendAll posts msgs in channel in order, the first as a reply to ref when
// it is not nil.
func (b *Bot) sendAll(ctx context.Context, channel string, msgs []Message, ref *discordgo.MessageReference) error {
	for k, m := range msgs {
		send := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
		if k == 0 {
			send.Reference = ref
		}
		if _, err := b.rest.send(ctx, channel, send); err != nil {
			return err
		}
	}
	return nil
}

// mention is a message that asked the bot something, on its way to a
// reply.
type mention struct {
	b *Bot
	m *discordgo.Message

	mu       sync.Mutex
	done     bool
	noticeID string // the restart notice posted in reply, if any
}

func (x *mention) ref() *discordgo.MessageReference {
	return &discordgo.MessageReference{MessageID: x.m.ID, ChannelID: x.m.ChannelID, GuildID: x.m.GuildID, FailIfNotExists: new(bool)}
}

// notice replies with the restart notice. A reply ready meanwhile does
// not wait for it; the notice is then removed.
func (x *mention) notice() {
	x.mu.Lock()
	if x.done {
		x.mu.Unlock()
		return
	}
	x.mu.Unlock()
	ctx, cancel := x.b.postContext(time.Time{})
	defer cancel()
	msg, err := x.b.rest.send(ctx, x.m.ChannelID, &discordgo.MessageSend{Content: restartNotice, Reference: x.ref(), AllowedMentions: noMentions()})
	if err != nil {
		x.b.log.Warn("show the restart notice", "err", err)
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.done {
		x.noticeID = msg.ID
		return
	}
	if err := x.b.rest.deleteMessage(ctx, x.m.ChannelID, msg.ID); err != nil {
		x.b.log.Warn("delete the restart notice", "err", err)
	}
}

// deliver replies to the message (a reply for the asker alone goes to a
// direct message when possible), in place of the restart notice if one
// was posted.
func (x *mention) deliver(r Reply) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.done = true
	ctx, cancel := x.b.postContext(time.Time{})
	defer cancel()
	rest, msgs := x.b.rest, r.Messages
	channel := x.m.ChannelID
	if r.Ephemeral && x.m.GuildID != "" {
		if dm, err := rest.dmChannel(ctx, x.m.Author.ID); err == nil {
			channel = dm
		}
	}
	if x.noticeID != "" && channel == x.m.ChannelID && len(msgs) > 0 {
		err := rest.editMessage(ctx, channel, x.noticeID, replacing(msgs[0]))
		if err == nil {
			x.noticeID, msgs = "", msgs[1:]
		}
	}
	if x.noticeID != "" {
		if err := rest.deleteMessage(ctx, x.m.ChannelID, x.noticeID); err != nil {
			x.b.log.Warn("delete the restart notice", "err", err)
		}
	}
	var ref *discordgo.MessageReference
	if channel == x.m.ChannelID && len(msgs) == len(r.Messages) {
		ref = x.ref()
	}
	if err := x.b.sendAll(ctx, channel, msgs, ref); err != nil {
		x.b.undelivered(err)
		return
	}
	x.b.metrics.delivered("reply")
}
