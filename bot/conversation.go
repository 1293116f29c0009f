package bot

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
)

// Conversations are rebuilt from Discord itself at each question, so they
// survive restarts and work across shards: no table holds them. Each of the
// bot's answers opens with a line saying what it answered and from which
// story (see askedLine); a reply to an answer is a follow-up of the reply
// chain it ends, a message in one of the bot's threads a follow-up of the
// thread's latest answers.

// Conversation is what a follow-up is asked after: the earlier turns,
// oldest first, and the story the latest of them was answered from ("" for
// none in particular).
type Conversation struct {
	History []answer.Turn
	Story   string
}

// Bounds on rebuilding one question's conversation: at most answer.MaxTurns
// turns (answer.HistoryTokens bounds their length), at most maxHops reads
// along a reply chain (a page of the channel's latest threadWindow
// messages, then single messages missing from it), one page of a thread,
// all within rebuildTimeout.
const (
	maxHops        = answer.MaxTurns
	threadWindow   = 50
	rebuildTimeout = 3 * time.Second
	maxTurnText    = 4000 // characters of a rebuilt turn's answer kept
)

// askedPrefix opens the first line of each answer the bot posts.
const askedPrefix = "-# Asked: "

// askedLine is the line that opens an answer to question: Discord's small
// grey text, with the story when one story was read, and no link.
func askedLine(question, story string) string {
	line := askedPrefix + escape(strings.Join(strings.Fields(delink(question)), " "))
	if story != "" {
		line += " · story `" + story + "`"
	}
	return line
}

// storyRe matches the story at the end of an asked line.
var storyRe = regexp.MustCompile(" · story `([^`]+)`$")

// parseAsked reads the asked line of an answer's content: the question and
// the story, and the rest of the content.
func parseAsked(content string) (question, story, rest string, ok bool) {
	line, rest, _ := strings.Cut(content, "\n")
	q, ok := strings.CutPrefix(line, askedPrefix)
	if !ok {
		return "", "", "", false
	}
	if m := storyRe.FindStringSubmatchIndex(q); m != nil {
		story = q[m[2]:m[3]]
		q = q[:m[0]]
	}
	question = unescape(q)
	return question, story, rest, question != ""
}

// unescape undoes escape.
func unescape(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

// turnOf rebuilds the turn an answer of the bot's made: its question, and
// its text and quotes (without notices and footers). ok is false for a
// message that is not one of the bot's answers.
func turnOf(m *discordgo.Message, me string) (t answer.Turn, story string, ok bool) {
	if m == nil || m.Author == nil || m.Author.ID != me {
		return t, "", false
	}
	q, story, rest, ok := parseAsked(m.Content)
	if !ok {
		return t, "", false
	}
	var parts []string
	for _, p := range strings.Split(rest, "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "-# ") || len(p) > 1 && strings.HasPrefix(p, "*") && strings.HasSuffix(p, "*") {
			continue // a footer or a notice: how it was made, not what it said
		}
		parts = append(parts, unescape(p))
	}
	for _, e := range m.Embeds {
		if q, ok := strings.CutPrefix(e.Description, ">>> "); ok {
			parts = append(parts, "“"+unescape(q)+"”")
		}
	}
	text := strings.Join(parts, " ")
	if r := []rune(text); len(r) > maxTurnText {
		text = string(r[:maxTurnText])
	}
	return answer.Turn{Question: q, Answer: text}, story, true
}

// fetcher reads messages of one channel for a rebuild: only that channel's
// (so only the asking server's), from one page of its latest messages when
// it can, else one by one, each read counted against the bounds.
type fetcher struct {
	b       *Bot
	channel string
	guild   string
	before  string                        // the message being answered
	page    map[string]*discordgo.Message // the channel's latest messages, once read
	paged   bool
	hops    int
}

// local reports whether a reference points into the channel the question
// was asked in: a reply, not a forward or a message of another server.
func (f *fetcher) local(ref *discordgo.MessageReference) bool {
	return ref != nil && ref.MessageID != "" && ref.Type == discordgo.MessageReferenceTypeDefault &&
		(ref.ChannelID == "" || ref.ChannelID == f.channel) && (ref.GuildID == "" || ref.GuildID == f.guild)
}

// message returns one message of the channel, or nil when it cannot
// (deleted, unreadable, the bound reached). The first call reads a page of
// the channel's latest messages, where a conversation usually lies whole.
func (f *fetcher) message(ctx context.Context, id string) *discordgo.Message {
	if !f.paged {
		f.paged = true
		f.hops++
		msgs, err := f.b.s.ChannelMessages(f.channel, threadWindow, f.before, "", "", discordgo.WithContext(ctx))
		if err != nil {
			f.b.unreadable("read the channel's latest messages", f.channel, err)
			return nil
		}
		f.page = make(map[string]*discordgo.Message, len(msgs))
		for _, m := range msgs {
			if m.ChannelID == f.channel {
				f.page[m.ID] = m
			}
		}
	}
	if m, ok := f.page[id]; ok {
		return m
	}
	if f.hops >= maxHops {
		return nil
	}
	f.hops++
	m, err := f.b.s.ChannelMessage(f.channel, id, discordgo.WithContext(ctx))
	if err != nil {
		f.b.unreadable("read a message of the conversation", f.channel, err)
		return nil
	}
	if m.ChannelID != f.channel || m.GuildID != "" && m.GuildID != f.guild {
		return nil
	}
	return m
}

// unreadable logs why part of a conversation could not be read: expected
// (deleted, no access) at debug level, anything else as a warning.
func (b *Bot) unreadable(what, channel string, err error) {
	if s := HTTPStatus(err); s == http.StatusNotFound || s == http.StatusForbidden || errors.Is(err, context.DeadlineExceeded) {
		b.log.Debug(what+"; answering from what can be read", "channel", channel, "err", err)
		return
	}
	b.log.Warn(what+"; answering from what can be read", "channel", channel, "err", err)
}

// replyChain rebuilds the conversation that m replies to: the bot's answer
// it replies to, the question that answer replied to, the answer that
// question replied to, and so on back. It stops at the bounds, at a
// message it cannot read, and at anything that is not the bot's answer
// or a question in this channel.
func (b *Bot) replyChain(ctx context.Context, m *discordgo.Message, me string) Conversation {
	ctx, cancel := context.WithTimeout(ctx, rebuildTimeout)
	defer cancel()
	f := &fetcher{b: b, channel: m.ChannelID, guild: m.GuildID, before: m.ID}
	if !f.local(m.MessageReference) {
		return Conversation{}
	}
	answered := m.ReferencedMessage
	if answered == nil || answered.ID != m.MessageReference.MessageID {
		answered = f.message(ctx, m.MessageReference.MessageID)
	}
	var c Conversation
	for answered != nil && len(c.History) < answer.MaxTurns {
		t, story, ok := turnOf(answered, me)
		if !ok {
			break
		}
		c.History = append(c.History, t)
		if c.Story == "" && len(c.History) == 1 {
			c.Story = story
		}
		// The question this answer replied to (a slash command's answer
		// replies to none), then the answer that question replied to.
		if !f.local(answered.MessageReference) {
			break
		}
		asked := f.message(ctx, answered.MessageReference.MessageID)
		if asked == nil || asked.Author == nil || asked.Author.ID == me || !f.local(asked.MessageReference) {
			break
		}
		answered = asked.ReferencedMessage
		if answered == nil || answered.ID != asked.MessageReference.MessageID {
			answered = f.message(ctx, asked.MessageReference.MessageID)
		}
	}
	slices.Reverse(c.History)
	return c
}

// thread rebuilds the conversation of one of the bot's threads from its
// latest messages before the one being answered (one request).
func (b *Bot) thread(ctx context.Context, channel, before, me string) Conversation {
	ctx, cancel := context.WithTimeout(ctx, rebuildTimeout)
	defer cancel()
	msgs, err := b.s.ChannelMessages(channel, threadWindow, before, "", "", discordgo.WithContext(ctx))
	if err != nil {
		b.unreadable("read the thread's messages", channel, err)
		return Conversation{}
	}
	var c Conversation
	for _, m := range msgs { // newest first
		if m.ChannelID != channel {
			continue
		}
		t, story, ok := turnOf(m, me)
		if !ok {
			continue
		}
		if len(c.History) == 0 {
			c.Story = story
		}
		c.History = append(c.History, t)
		if len(c.History) == answer.MaxTurns {
			break
		}
	}
	slices.Reverse(c.History)
	return c
}

// maxThreadName is Discord's limit on a thread's name.
const maxThreadName = 100

// threadName is the name of a thread that answers question: the question
// on one line, cut at a word within Discord's limit.
func threadName(question string) string {
	return fitText(strings.Join(strings.Fields(delink(question)), " "), maxThreadName, verbatim)
}
