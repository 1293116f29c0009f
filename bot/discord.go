package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Intents the bot asks for: guilds, guild messages and direct messages. Not
// the privileged message-content intent unless Options.MessageContent: a
// message that mentions the bot (a reply to it pings it, so mentions it),
// and any direct message, carries its content without it.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Permissions the bot needs in a channel: View Channels, Send Messages,
// Send Messages in Threads, Create Public Threads (/ask thread:True), Embed
// Links (quotes are embeds) and Read Message History (to reply to a message
// and read the conversation it follows up). 309237730304.
const Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// InviteURL is the link that adds the application's bot to a server, with
// the bot and applications.commands scopes and Permissions.
func InviteURL(appID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot+applications.commands&permissions=%d",
		url.QueryEscape(appID), Permissions)
}

// noMentions lets nothing the bot posts ping anyone. Parse must be an empty
// slice, not nil: discordgo sends nil as "parse": null.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// Options configures a Bot.
type Options struct {
	// GuildID registers the commands in that guild only (instant);
	// empty registers them globally.
	GuildID string
	// APIBase, when set, is an origin (e.g. http://127.0.0.1:8080) that
	// replaces https://discord.com for every REST call. The gateway address
	// comes from that server's /gateway answer.
	APIBase string
	// ShardID and ShardCount split the bot's servers between processes
	// (Discord requires it past 2,500 servers). Only shard 0 registers the
	// commands. A zero ShardCount means one shard.
	ShardID, ShardCount int
	// Grace bounds how long Run takes to stop: by then every asker still
	// waiting has the answer or the restart notice.
	Grace time.Duration
	// MessageContent asks for the privileged message content intent, with
	// which every message in the bot's threads is a follow-up question,
	// not only those that mention the bot or reply to it.
	MessageContent bool
	// Metrics, when set, counts what the bot does (see Metrics).
	Metrics *Metrics
	Logger  *slog.Logger
}

// Bot serves a Handler on Discord.
type Bot struct {
	s       *discordgo.Session
	rest    *rest
	h       *Handler
	guildID string
	grace   time.Duration
	metrics *Metrics
	log     *slog.Logger

	// work is the context answers and their posts run in; it is cancelled
	// when the grace period after a stop runs out.
	work       context.Context
	cancelWork context.CancelFunc
	ready      chan *discordgo.Ready

	mu       sync.Mutex
	stopping bool
	deadline time.Time // when a stop must be over; zero until stopping
	pending  map[pending]bool
	inflight sync.WaitGroup
	gateway  string // gateway state, see Gateway
	since    time.Time
	me       *discordgo.User        // the bot's own user
	channels map[string]channelInfo // what the bot learnt of each channel
	content  bool                   // the message content intent is asked for
}

// channelInfo is what the bot knows of a channel: the channel of a thread
// ("" for a channel that is no thread) and who started it.
type channelInfo struct {
	parent, owner string
}

// New returns a Bot that logs in with token (with or without the "Bot "
// prefix) and serves h. It does not connect: Run does.
func New(token string, h *Handler, opts Options) (*Bot, error) {
	s, err := newSession(token, opts.APIBase)
	if err != nil {
		return nil, err
	}
	if opts.Metrics != nil {
		s.Client.Transport = countingTransport{next: s.Client.Transport, m: opts.Metrics}
	}
	s.StateEnabled = false // the bot reads nothing from the state cache
	s.Identify.Intents = Intents
	if opts.MessageContent {
		s.Identify.Intents |= discordgo.IntentMessageContent
	}
	if opts.ShardCount > 1 {
		if opts.ShardID < 0 || opts.ShardID >= opts.ShardCount {
			return nil, fmt.Errorf("shard %d is not below the shard count %d", opts.ShardID, opts.ShardCount)
		}
		s.ShardID, s.ShardCount = opts.ShardID, opts.ShardCount
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Grace <= 0 {
		opts.Grace = 7 * time.Second
	}
	b := &Bot{
		s: s, rest: newREST(s), h: h, guildID: opts.GuildID, grace: opts.Grace, metrics: opts.Metrics, log: opts.Logger,
		content: opts.MessageContent, ready: make(chan *discordgo.Ready, 1), gateway: "starting", since: time.Now(),
	}
	b.rest.retried = opts.Metrics.retried
	b.work, b.cancelWork = context.WithCancel(context.Background())
	opts.Metrics.watchGateway(b)
	return b, nil
}

// newSession returns a discordgo session that logs in with token (with or
// without the "Bot " prefix) and sends its REST calls to apiBase, as
// Options.APIBase says.
func newSession(token, apiBase string) (*discordgo.Session, error) {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bot "))
	if token == "" {
		return nil, errors.New("the bot token is empty")
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	transport := http.DefaultTransport
	if apiBase != "" {
		origin, err := url.Parse(apiBase)
		if err != nil || origin.Host == "" || (origin.Scheme != "http" && origin.Scheme != "https") {
			return nil, fmt.Errorf("the API base %q is not an http(s) origin", apiBase)
		}
		transport = &originTransport{origin: origin, next: transport}
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: transport}
	return s, nil
}

// Whoami asks Discord who token belongs to (GET /users/@me), through the
// session and transport the bot itself uses, so it reaches the server Run
// would: apiBase is as in Options.APIBase. It makes one request, without
// retries, bounded by ctx. HTTPStatus gives the status of a refusal (401:
// the token is wrong).
func Whoami(ctx context.Context, token, apiBase string) (*discordgo.User, error) {
	s, err := newSession(token, apiBase)
	if err != nil {
		return nil, err
	}
	s.MaxRestRetries = 0
	s.ShouldRetryOnRateLimit = false
	s.Client.Timeout = 0 // ctx bounds the one request
	u, err := s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("ask Discord who the bot is: %w", err)
	}
	return u, nil
}

// HTTPStatus returns the HTTP status code of a Discord REST call that was
// refused, or 0 when Discord never answered (network error, time-out).
func HTTPStatus(err error) int {
	var rest *discordgo.RESTError
	var mine *RESTError
	switch {
	case errors.As(err, &mine):
		return mine.Status
	case errors.As(err, &rest) && rest.Response != nil:
		return rest.Response.StatusCode
	case errors.Is(err, discordgo.ErrUnauthorized):
		return http.StatusUnauthorized
	}
	return 0
}

// originTransport sends requests for discord.com to another origin.
// discordgo's endpoints are fixed when the package is initialised, so this
// is how a configured API base reaches every REST call.
type originTransport struct {
	origin *url.URL
	next   http.RoundTripper
}

func (t *originTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Hostname() != "discord.com" {
		return t.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	base := strings.TrimSuffix(t.origin.Path, "/")
	r.URL.Scheme, r.URL.Host = t.origin.Scheme, t.origin.Host
	r.URL.Path = base + r.URL.Path
	if r.URL.RawPath != "" {
		r.URL.RawPath = base + r.URL.RawPath
	}
	r.Host = ""
	return t.next.RoundTrip(r)
}

// Gateway reports the gateway connection's state ("starting", "connected",
// "disconnected", "stopped"), since when, and whether that is healthy.
func (b *Bot) Gateway() (state string, since time.Time, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.gateway, b.since, b.gateway == "connected"
}

func (b *Bot) setGateway(state string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gateway != state && b.gateway != "stopped" {
		b.gateway, b.since = state, time.Now()
	}
}

// Run connects to Discord, registers the commands and serves until ctx is
// done; then it disconnects, gives answers in flight the grace period to
// finish, and returns.
func (b *Bot) Run(ctx context.Context) error {
	defer b.cancelWork()
	// Asking who we are checks the token before connecting. Only a rejected
	// token stops here: the READY event says who we are too.
	me, err := b.s.User("@me", discordgo.WithContext(ctx))
	switch {
	case ctx.Err() != nil:
		return nil
	case HTTPStatus(err) == http.StatusUnauthorized:
		return fmt.Errorf("log in to Discord: %w", describeREST(err))
	case err != nil:
		b.log.Warn("ask Discord who the bot is (users/@me); the gateway will say", "err", err)
	default:
		b.setSelf(me)
	}
	for _, h := range []any{
		func(_ *discordgo.Session, r *discordgo.Ready) {
			select {
			case b.ready <- r:
			default:
			}
		},
		func(_ *discordgo.Session, _ *discordgo.Connect) { b.setGateway("connected") },
		func(_ *discordgo.Session, _ *discordgo.Resumed) { b.setGateway("connected") },
		func(_ *discordgo.Session, _ *discordgo.Disconnect) { b.setGateway("disconnected") },
		b.onEvent,
		b.onMessage,
	} {
		b.s.AddHandler(h)
	}
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("connect to the Discord gateway: %w", describeREST(err))
	}
	defer b.stop()
	b.setGateway("connected")
	appID, err := b.identify(ctx)
	if ctx.Err() != nil {
		return nil // stopped while starting
	}
	if err != nil {
		return err
	}
	if b.s.ShardID != 0 {
		b.log.Info("connected to Discord", "user", b.self().Username, "shard", b.s.ShardID, "shards", b.s.ShardCount, "commands", "registered by shard 0")
		<-ctx.Done()
		return nil
	}
	cmds, err := b.s.ApplicationCommandBulkOverwrite(appID, b.guildID, b.h.Commands(), discordgo.WithContext(ctx))
	switch {
	case ctx.Err() != nil:
		return nil
	case HTTPStatus(err) == http.StatusUnauthorized:
		return fmt.Errorf("register slash commands: %w", describeREST(err))
	case err != nil:
		// Mentions still work without slash commands, so keep serving.
		b.log.Error("register slash commands; answering mentions only (was the bot invited with the applications.commands scope?)",
			"err", describeREST(err), "invite", InviteURL(appID))
	default:
		where := "globally (may take up to an hour to appear)"
		if b.guildID != "" {
			where = "in guild " + b.guildID
		}
		b.log.Info("connected to Discord", "user", b.self().Username, "commands", len(cmds), "registered", where, "invite", InviteURL(appID))
	}
	<-ctx.Done()
	return nil
}

// identify learns the bot's user and application from the READY event,
// falling back to REST, and returns the application id.
func (b *Bot) identify(ctx context.Context) (string, error) {
	var r *discordgo.Ready
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case r = <-b.ready:
	case <-timer.C:
		b.log.Warn("no READY event from the gateway within 10s")
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if r != nil && r.User != nil && r.User.ID != "" {
		b.setSelf(r.User)
	}
	me := b.self()
	if me == nil {
		return "", errors.New("neither users/@me nor the gateway's READY event said who the bot is")
	}
	if r != nil && r.Application != nil && r.Application.ID != "" {
		return r.Application.ID, nil
	}
	app, err := b.s.Application("@me") // GET /oauth2/applications/@me
	if err == nil && app.ID != "" {
		return app.ID, nil
	}
	b.log.Warn("look up the application id; using the bot's user id, which is the same for bots", "err", err)
	return me.ID, nil
}

func (b *Bot) setSelf(u *discordgo.User) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.me = u
}

// self is the bot's own user, nil until known.
func (b *Bot) self() *discordgo.User {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.me
}

// stop refuses new work, shows the restart notice to everyone still
// waiting for a reply, closes the gateway and waits for the replies in
// flight until the grace period is over; then it stops what is left
// (answers that did not finish leave the notice in place).
func (b *Bot) stop() {
	b.mu.Lock()
	b.stopping = true
	b.deadline = time.Now().Add(b.grace)
	waiting := make([]pending, 0, len(b.pending))
	for p := range b.pending {
		waiting = append(waiting, p)
	}
	b.mu.Unlock()
	deadline := time.NewTimer(b.grace)
	defer deadline.Stop()
	for _, p := range waiting {
		b.inflight.Add(1)
		go func() {
			defer b.inflight.Done()
			p.notice()
		}()
	}
	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	if err := b.s.Close(); err != nil {
		b.log.Warn("close the gateway", "err", err)
	}
	b.setGateway("stopped")
	select {
	case <-done:
	case <-deadline.C:
		b.log.Warn("grace period over; stopping answers in flight", "grace", b.grace, "waiting", len(waiting))
		b.cancelWork()
		<-done
	}
}

// begin registers one piece of work in flight, unless the bot is stopping.
func (b *Bot) begin() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return false
	}
	b.inflight.Add(1)
	return true
}

// readTimeout bounds one REST call that reads (a channel, a conversation).
const readTimeout = 10 * time.Second

func (b *Bot) read() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.work, readTimeout)
}

// onEvent handles interactions. It reads them from the raw event because
// discordgo does not decode an interaction's channel, which says whether it
// is a thread and of which channel.
func (b *Bot) onEvent(_ *discordgo.Session, e *discordgo.Event) {
	received := time.Now()
	ic, ok := e.Struct.(*discordgo.InteractionCreate)
	if e.Type != "INTERACTION_CREATE" || !ok || ic.Interaction == nil {
		return
	}
	var raw struct {
		Channel *discordgo.Channel `json:"channel"`
	}
	json.Unmarshal(e.RawData, &raw)
	parent, owner := "", ""
	if raw.Channel != nil && raw.Channel.IsThread() {
		parent, owner = raw.Channel.ParentID, raw.Channel.OwnerID
	}
	i := ic.Interaction
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.onCommand(i, parent, owner, received)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.onAutocomplete(i, parent, received)
	case discordgo.InteractionMessageComponent:
		b.onButton(i, parent, received)
	case discordgo.InteractionModalSubmit:
		b.onModal(i, parent, received)
	}
}

func interactionUser(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// managers may change a server's stories.
const managers = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// request is the Request an interaction makes: who, where, with what
// permissions, and, for a command, its options (those of its subcommand)
// and attachments; focused is the option being typed in an autocomplete.
func (b *Bot) request(i *discordgo.Interaction, parent string) (req Request, focused string) {
	req = Request{ID: i.ID, User: interactionUser(i), Via: "slash", Guild: i.GuildID, Channel: i.ChannelID, Parent: parent, Args: Args{}}
	req.Manager = i.Member != nil && i.Member.Permissions&managers != 0
	if i.Type != discordgo.InteractionApplicationCommand && i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		return req, ""
	}
	data := i.ApplicationCommandData()
	req.Command = data.Name
	opts := data.Options
	if len(opts) == 1 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		req.Sub, opts = opts[0].Name, opts[0].Options
	}
	for _, o := range opts {
		req.Args[o.Name] = o.Value
		if o.Focused {
			focused = o.Name
		}
		if o.Type != discordgo.ApplicationCommandOptionAttachment || data.Resolved == nil {
			continue
		}
		id, _ := o.Value.(string)
		if a := data.Resolved.Attachments[id]; a != nil {
			if req.Files == nil {
				req.Files = map[string]File{}
			}
			req.Files[o.Name] = b.file(a)
		}
	}
	return req, focused
}

// file is an attachment, downloaded through the bot's own HTTP client.
func (b *Bot) file(a *discordgo.MessageAttachment) File {
	return File{Name: a.Filename, Size: int64(a.Size), ContentType: a.ContentType, Open: func(ctx context.Context) (io.ReadCloser, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
		if err != nil {
			return nil, err
		}
		resp, err := b.s.Client.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("download %s: %s", a.Filename, resp.Status)
		}
		return resp.Body, nil
	}}
}

func (b *Bot) onCommand(i *discordgo.Interaction, parent, owner string, received time.Time) {
	x := b.newExchange(i, received)
	if !b.begin() {
		x.deliver(textReply("I'm restarting; please ask again in a minute.", true))
		return
	}
	defer b.inflight.Done()
	defer b.track(x)()
	req, _ := b.request(i, parent)
	if me := b.self(); me != nil && parent != "" && owner == me.ID {
		// A question asked in one of the bot's threads follows up its
		// conversation.
		req.Conversation = func(ctx context.Context) Conversation { return b.thread(ctx, i.ChannelID, "", me.ID) }
	}
	req.Progress = x.progress
	reply := b.h.Handle(b.work, req, x.acknowledge)
	x.deliver(reply)
	b.metrics.answered(req.Command, time.Since(received))
}

// respond answers an interaction at once, within the time Discord allows.
func (b *Bot) respond(i *discordgo.Interaction, received time.Time, resp *discordgo.InteractionResponse) {
	ctx, cancel := b.postContext(received.Add(ackWithin))
	defer cancel()
	if err := b.rest.respond(ctx, i, resp); err != nil {
		b.log.Warn("respond to an interaction", "type", i.Type.String(), "err", err)
	}
}

// split returns a reply's first message and the rest.
func split(r Reply) (Message, []Message) {
	if len(r.Messages) == 0 {
		return Message{Content: "…"}, nil
	}
	return r.Messages[0], r.Messages[1:]
}

func (b *Bot) onAutocomplete(i *discordgo.Interaction, parent string, received time.Time) {
	ctx, cancel := context.WithTimeout(b.work, 2*time.Second)
	defer cancel()
	req, focused := b.request(i, parent)
	typed, _ := req.Args[focused].(string)
	choices := b.h.Complete(ctx, req, focused, typed)
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	b.respond(i, received, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices, AllowedMentions: noMentions()},
	})
}

// onButton answers a click on one of the bot's buttons: a feedback vote
// is thanked privately (or a 👎 opens the modal asking what was wrong);
// other buttons update the message they were on.
func (b *Bot) onButton(i *discordgo.Interaction, parent string, received time.Time) {
	if !b.begin() {
		b.respond(i, received, privateResponse("I'm restarting; please try again in a minute."))
		return
	}
	defer b.inflight.Done()
	req, _ := b.request(i, parent)
	req.Via = "button"
	customID := i.MessageComponentData().CustomID
	if up, answerID, ok := parseVote(customID); ok {
		b.respond(i, received, b.h.Vote(b.work, req, answerID, up))
		return
	}
	reply := b.h.Press(b.work, req, customID)
	first, _ := split(reply)
	embeds, components := replaced(first)
	b.respond(i, received, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: first.Content, Embeds: embeds, Components: components, AllowedMentions: noMentions()},
	})
}

// onModal answers a submitted modal (only the feedback modal exists).
func (b *Bot) onModal(i *discordgo.Interaction, parent string, received time.Time) {
	if !b.begin() {
		return
	}
	defer b.inflight.Done()
	req, _ := b.request(i, parent)
	req.Via = "modal"
	data := i.ModalSubmitData()
	b.respond(i, received, b.h.Explain(b.work, req, data.CustomID, modalText(data)))
}

// typingEvery refreshes the typing indicator, which Discord shows for 10 s.
const typingEvery = 8 * time.Second

// onMessage answers a message that mentions the bot, replies to one of its
// answers, or is posted in one of its threads (mentioning it, replying to
// it, or any message there with the message content intent), or any direct
// message, with a reply to it. A reply or a message in a thread follows up
// the conversation it belongs to. Messages from bots (itself included) and
// webhooks are ignored, and so are messages whose content the bot cannot
// read.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	me := b.self()
	if me == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" || m.Author.ID == me.ID {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	mentioned := mentions(m, me.ID)
	question := stripMention(m.Content, me.ID)
	replyToMe := m.MessageReference != nil && m.MessageReference.Type == discordgo.MessageReferenceTypeDefault &&
		m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == me.ID
	if m.GuildID != "" && !mentioned && !replyToMe && (!b.content || question == "") {
		return // not for the bot, or (without the intent) not readable: cheap to drop
	}
	if !b.begin() {
		return
	}
	defer b.inflight.Done()
	req := Request{ID: m.ID, User: m.Author.ID, Command: "ask", Args: Args{"question": question}, Via: "mention",
		Guild: m.GuildID, Channel: m.ChannelID}
	var info channelInfo
	if m.GuildID != "" {
		info = b.channelOf(m.ChannelID, m.GuildID)
		req.Parent = info.parent
	}
	mine := info.parent != "" && info.owner == me.ID
	switch {
	case mine:
		req.Via = "thread"
		req.Conversation = func(ctx context.Context) Conversation { return b.thread(ctx, m.ChannelID, m.ID, me.ID) }
	case replyToMe:
		req.Via = "reply"
		req.Conversation = func(ctx context.Context) Conversation { return b.replyChain(ctx, m, me.ID) }
	case m.GuildID != "" && !mentioned:
		return // the intent shows every message; only those in the bot's threads are questions
	}
	if question == "" && !mentioned {
		return // a reply that did not ping the bot: its text is not ours to read
	}
	b.answerMessage(m, req)
}

// answerMessage answers m as req asks, showing the typing indicator while
// it works, with a reply to m (or, for something only its author should
// see, a direct message when possible).
func (b *Bot) answerMessage(m *discordgo.Message, req Request) {
	x := &mention{b: b, m: m}
	defer b.track(x)()
	received := time.Now()
	stopTyping := make(chan struct{})
	var typing sync.WaitGroup
	ack := func(bool) error {
		ctx, cancel := b.postContext(time.Now().Add(ackWithin))
		defer cancel()
		if err := b.rest.typing(ctx, m.ChannelID); err != nil {
			b.log.Warn("typing indicator", "err", err) // worth answering anyway
		}
		b.metrics.acknowledged(time.Since(received), true)
		typing.Add(1)
		go func() {
			defer typing.Done()
			t := time.NewTicker(typingEvery)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					ctx, cancel := b.postContext(time.Now().Add(typingEvery))
					b.rest.typing(ctx, m.ChannelID)
					cancel()
				case <-stopTyping:
					return
				}
			}
		}()
		return nil
	}
	reply := b.h.Handle(b.work, req, ack)
	close(stopTyping) // posting ends the indicator; no refresh may follow
	typing.Wait()
	x.deliver(reply)
	b.metrics.answered("ask", time.Since(received))
}

// maxChannels bounds the channels the bot remembers.
const maxChannels = 10_000

// channelOf is what the bot knows of a channel of guild: the channel a
// thread belongs to and who started it, or nothing for a channel that is
// no thread (or that Discord would not describe, or that belongs to
// another server). A message, unlike an interaction, does not say, so the
// bot asks once per channel.
func (b *Bot) channelOf(channel, guild string) channelInfo {
	b.mu.Lock()
	info, known := b.channels[channel]
	b.mu.Unlock()
	if known {
		return info
	}
	ctx, cancel := b.read()
	defer cancel()
	ch, err := b.s.Channel(channel, discordgo.WithContext(ctx))
	switch {
	case err != nil:
		b.log.Warn("look up a channel (threads follow their channel's story)", "channel", channel, "err", err)
	case ch.IsThread() && (ch.GuildID == "" || ch.GuildID == guild):
		info = channelInfo{parent: ch.ParentID, owner: ch.OwnerID}
	}
	b.remember(channel, info)
	return info
}

func (b *Bot) remember(channel string, info channelInfo) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.channels == nil || len(b.channels) >= maxChannels {
		b.channels = map[string]channelInfo{}
	}
	b.channels[channel] = info
}

func mentions(m *discordgo.Message, userID string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == userID {
			return true
		}
	}
	return false
}

// stripMention removes the bot's mention from a message's text.
func stripMention(content, userID string) string {
	content = strings.ReplaceAll(content, "<@"+userID+">", " ")
	content = strings.ReplaceAll(content, "<@!"+userID+">", " ")
	return strings.Join(strings.Fields(content), " ")
}

// describeREST turns discordgo's REST errors into a sentence saying what to
// check; other errors pass unchanged.
func describeREST(err error) error {
	switch HTTPStatus(err) {
	case http.StatusUnauthorized:
		return fmt.Errorf("the bot token was rejected (401 Unauthorized); reset it in the Developer Portal (your application → Bot → Reset Token): %w", err)
	case http.StatusForbidden:
		return fmt.Errorf("refused (403 Forbidden): is the bot invited with the applications.commands scope, and is it in the guild the commands are registered in? %w", err)
	}
	return err
}
