package fakediscord

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one gateway client.
type conn struct {
	ws  *websocket.Conn
	mu  sync.Mutex // serialises writes
	seq int64
}

// payload is a gateway message: {"op", "d", "s", "t"}.
type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

func (c *conn) send(op int, t string, d any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.write(op, t, d)
}

// write sends a payload; the caller holds c.mu.
func (c *conn) write(op int, t string, d any) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	p := payload{Op: op, D: raw}
	if op == 0 {
		c.seq++
		s := c.seq
		p.S, p.T = &s, &t
	}
	c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteJSON(p)
}

// serveGateway speaks the gateway protocol: hello (op 10), then identify
// (op 2) answered by a READY dispatch, heartbeats (op 1) answered by acks
// (op 11); a resume (op 6) is answered with invalid session (op 9), which
// makes the client identify afresh.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	s.record(func() { s.conns[c] = false })
	defer func() {
		s.record(func() { delete(s.conns, c) })
		ws.Close()
	}()
	if err := c.send(10, "", map[string]any{"heartbeat_interval": s.interval.Milliseconds()}); err != nil {
		return
	}
	for {
		var p payload
		if err := ws.ReadJSON(&p); err != nil {
			return
		}
		switch p.Op {
		case 1:
			s.record(func() { s.heartbeats++ })
			if c.send(11, "", nil) != nil {
				return
			}
		case 2:
			var id Identify
			json.Unmarshal(p.D, &id)
			s.record(func() { s.identifies = append(s.identifies, id) })
			if s.Token != "" && id.Token != "Bot "+s.Token {
				c.mu.Lock()
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
				c.mu.Unlock()
				return
			}
			ready := map[string]any{
				"v": 9, "user": s.botUser(), "guilds": []any{}, "private_channels": []any{},
				"session_id": fmt.Sprintf("session-%p", c), "resume_gateway_url": s.wsURL(),
				"application": map[string]any{"id": s.AppID, "flags": 0},
			}
			// Marked ready before READY is written, but under the write
			// lock, so no dispatch can overtake READY.
			c.mu.Lock()
			s.record(func() { s.conns[c] = true })
			err := c.write(0, "READY", ready)
			c.mu.Unlock()
			if err != nil {
				return
			}
		case 6:
			if c.send(9, "", false) != nil {
				return
			}
		}
	}
}

// Dispatch sends the event t with data d to every identified client.
func (s *Server) Dispatch(t string, d any) error {
	s.mu.Lock()
	var conns []*conn
	for c, ready := range s.conns {
		if ready {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	if len(conns) == 0 {
		return errors.New("fake discord: no gateway client to dispatch to")
	}
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.send(0, t, d))
	}
	return errors.Join(errs...)
}

// The guild and channel events come from unless a test says otherwise.
const (
	GuildID   = "300000000000000001"
	ChannelID = "300000000000000002"
)

// Option is one option of a slash command as a user filled it in.
type Option struct {
	Name string
	// Value is a string, bool or number, or an Attachment (Attach) for a
	// file option.
	Value any
	// Focused marks the option being typed, in an autocomplete interaction.
	Focused bool
}

// Permissions a member may have, as Discord sends them in an interaction's
// member.permissions (a decimal string of permission bits).
const (
	// MemberPermissions are an ordinary member's: no Manage Server, no
	// Administrator.
	MemberPermissions = "2248473465835073"
	// ManagerPermissions add Manage Server (1<<5) to a member's.
	ManagerPermissions = "2248473465835105"
)

// Interaction describes a slash command use, an autocomplete request or a
// button click for Interact.
type Interaction struct {
	Command string
	// Subcommand, when set, is the subcommand used; Options are then its
	// options, nested in it as Discord sends them.
	Subcommand string
	Options    []Option
	// UserID is who used the command; default "400000000000000001".
	UserID string
	// DM sends it from a direct message instead of a guild channel.
	DM bool
	// Guild and Channel are where it was used; default GuildID and
	// ChannelID. A channel made with AddThread is sent as that thread.
	Guild, Channel string
	// Permissions are the member's, default MemberPermissions.
	Permissions string
	// Autocomplete makes it an autocomplete interaction (type 4).
	Autocomplete bool
	// Button, when set, makes it a click (type 3) on the button with this
	// custom id, on the message the bot posted for Of, or on the channel
	// message Message.
	Button  string
	Of      Sent
	Message string
	// Modal, when set, makes it the submission (type 5) of the modal with
	// this custom id, its text inputs filled in as Fields says (custom id →
	// value), opened from a button on the message of Of or Message.
	Modal  string
	Fields map[string]string
	// Faults are added for this interaction's calls alone (their Token is
	// set to its token) before it is dispatched.
	Faults []Fault
}

// Sent identifies an interaction the fake dispatched.
type Sent struct {
	ID, Token string
}

// Of reports whether c concerns this interaction: its callback, its
// original response or a follow-up.
func (t Sent) Of(c Call) bool {
	return strings.Contains(c.Path, "/"+t.Token+"/") || strings.HasSuffix(c.Path, "/"+t.Token)
}

// Interact dispatches an INTERACTION_CREATE for in, in Discord's wire format,
// and returns its id and token.
func (s *Server) Interact(in Interaction) (Sent, error) {
	id := s.newID()
	token := "itoken-" + id
	in.Guild, in.Channel = cmp.Or(in.Guild, GuildID), cmp.Or(in.Channel, ChannelID)
	state := &interaction{id: id, channel: in.Channel, guild: in.Guild}
	s.mu.Lock()
	s.interactions[token] = state
	s.mu.Unlock()
	for _, f := range in.Faults {
		f.Token = token
		s.Fail(f)
	}
	user := in.UserID
	if user == "" {
		user = "400000000000000001"
	}
	u := map[string]any{"id": user, "username": "user" + user, "discriminator": "0", "global_name": nil, "avatar": nil}
	ev := map[string]any{
		"id": id, "application_id": s.AppID, "type": 2, "token": token, "version": 1,
		"locale": "en-US", "app_permissions": "412317240384", "entitlements": []any{},
	}
	message := func() map[string]any {
		m := map[string]any{"id": in.Message, "channel_id": ChannelID, "author": s.botUser(), "content": "",
			"embeds": []any{}, "attachments": []any{}, "mentions": []any{}, "mention_roles": []any{}, "pinned": false,
			"tts": false, "mention_everyone": false, "type": 0, "flags": 0, "timestamp": time.Now().UTC().Format(time.RFC3339)}
		if in.Message == "" {
			m["id"], m["flags"] = s.newID(), 64
			m["interaction_metadata"] = map[string]any{"id": in.Of.ID, "type": 2, "user": u}
		}
		return m
	}
	switch {
	case in.Button != "":
		ev["type"] = 3
		ev["data"] = map[string]any{"custom_id": in.Button, "component_type": 2}
		ev["message"] = message()
	case in.Modal != "":
		ev["type"] = 5
		rows := []any{}
		for id, v := range in.Fields {
			rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}})
		}
		ev["data"] = map[string]any{"custom_id": in.Modal, "components": rows}
		ev["message"] = message()
	default:
		if in.Autocomplete {
			ev["type"] = 4
		}
		ev["data"] = s.commandData(in)
	}
	guild, channel := in.Guild, in.Channel
	if in.DM {
		state.guild, state.channel = "", "dm-"+user
		ev["user"] = u
		ev["context"] = 1
		ev["channel_id"] = "dm-" + user
		ev["channel"] = map[string]any{"id": "dm-" + user, "type": 1}
	} else {
		perms := in.Permissions
		if perms == "" {
			perms = MemberPermissions
		}
		ev["guild_id"] = guild
		ev["guild_locale"] = "en-US"
		ev["context"] = 0
		ev["authorizing_integration_owners"] = map[string]any{"0": guild}
		ev["channel_id"] = channel
		ev["channel"] = s.channel(guild, channel)
		ev["member"] = map[string]any{"user": u, "roles": []any{}, "permissions": perms,
			"joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0}
	}
	return Sent{ID: id, Token: token}, s.Dispatch("INTERACTION_CREATE", ev)
}

// commandData is the data of a command interaction: its options, nested
// in the subcommand if there is one, and the attachments they refer to.
func (s *Server) commandData(in Interaction) map[string]any {
	opts := []map[string]any{}
	attachments := map[string]any{}
	for _, o := range in.Options {
		typ, value := 3, o.Value
		switch v := o.Value.(type) {
		case bool:
			typ = 5
		case int, float64:
			typ = 10
		case Attachment:
			typ, value = 11, v.ID
			attachments[v.ID] = v.wire()
		}
		m := map[string]any{"name": o.Name, "type": typ, "value": value}
		if o.Focused {
			m["focused"] = true
		}
		opts = append(opts, m)
	}
	if in.Subcommand != "" {
		opts = []map[string]any{{"name": in.Subcommand, "type": 1, "options": opts}}
	}
	data := map[string]any{"id": "500000000000000001", "name": in.Command, "type": 1, "options": opts}
	if len(attachments) > 0 {
		data["resolved"] = map[string]any{"attachments": attachments}
	}
	return data
}

// AddThread makes channel a thread of parent in guild ("" for GuildID),
// started by a user, as interactions and GET /channels/{id} describe it.
func (s *Server) AddThread(guild, channel, parent string) {
	if guild == "" {
		guild = GuildID
	}
	s.record(func() {
		s.threads[channel] = thread{guild: guild, parent: parent, owner: "400000000000000001", name: "thread " + channel}
	})
}

// channel is the channel object of id, a thread if it is one.
func (s *Server) channel(guild, id string) map[string]any {
	s.mu.Lock()
	t, ok := s.threads[id]
	s.mu.Unlock()
	if ok {
		return s.threadObject(id, t)
	}
	return map[string]any{"id": id, "type": 0, "guild_id": guild, "parent_id": nil, "name": "channel " + id}
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("channel")
	if strings.HasPrefix(id, "dm-") {
		writeJSON(w, 200, map[string]any{"id": id, "type": 1})
		return
	}
	writeJSON(w, 200, s.channel(s.guildOfChannel(id), id))
}

// Attachment is a file a user attached to a command (Attach).
type Attachment struct {
	ID, Filename, ContentType, URL string
	Size                           int
}

func (a Attachment) wire() map[string]any {
	return map[string]any{"id": a.ID, "filename": a.Filename, "content_type": a.ContentType, "size": a.Size,
		"url": a.URL, "proxy_url": a.URL, "ephemeral": true}
}

// Attach stores data as an uploaded file, served at its URL as Discord's
// CDN serves attachments, and returns it for an Option's Value. size, when
// not 0, is the size the interaction announces instead of len(data).
func (s *Server) Attach(filename, contentType string, data []byte, size int) Attachment {
	id := s.newID()
	if size == 0 {
		size = len(data)
	}
	a := Attachment{ID: id, Filename: filename, ContentType: contentType, Size: size,
		URL: s.URL + "/attachments/" + ChannelID + "/" + id + "/" + url.PathEscape(filename)}
	s.record(func() { s.files[id] = data })
	return a
}

func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.files[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(data)
}

// Message describes a channel message for Post.
type Message struct {
	Content string
	// AuthorID is who wrote it; default "400000000000000001".
	AuthorID string
	// Bot marks the author as a bot; WebhookID marks a webhook message.
	Bot       bool
	WebhookID string
	// MentionBot lists the bot among the message's user mentions, as
	// Discord does when the content contains <@bot id>.
	MentionBot bool
	// DM posts it in a direct message channel instead of the guild.
	DM bool
	// Channel is the guild channel (or thread) it is posted in; default
	// ChannelID. Guild is its server; default the channel's (see
	// AddChannel), else GuildID.
	Channel, Guild string
	// ReplyTo, when set, makes it a reply to that message. A reply pings
	// the author of the message it replies to (so a reply to the bot
	// mentions it), unless NoPing.
	ReplyTo string
	NoPing  bool
}

// Post dispatches a MESSAGE_CREATE for m, in Discord's wire format, keeps
// the message for GET /channels/{id}/messages, and returns its id. As on
// Discord, unless the bot identified with the message content intent, the
// content of a guild message reaches it only when the message mentions it.
func (s *Server) Post(m Message) (string, error) {
	id := s.newID()
	author := m.AuthorID
	if author == "" {
		author = "400000000000000001"
	}
	u := map[string]any{"id": author, "username": "user" + author, "discriminator": "0", "global_name": nil, "avatar": nil}
	if m.Bot {
		u["bot"] = true
	}
	channel := cmp.Or(m.Channel, ChannelID)
	guild := cmp.Or(m.Guild, s.guildOfChannel(channel))
	if m.DM {
		channel, guild = "dm-"+author, ""
	}
	stored := &message{channel: channel, guild: guild, mentions: m.MentionBot}
	mentions := []any{}
	ev := map[string]any{
		"id": id, "channel_id": channel, "author": u, "content": m.Content,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "edited_timestamp": nil, "tts": false,
		"mention_everyone": false, "mention_roles": []any{}, "attachments": []any{},
		"embeds": []any{}, "pinned": false, "type": 0, "flags": 0, "nonce": id,
	}
	if m.ReplyTo != "" {
		s.mu.Lock()
		ref := s.messages[m.ReplyTo]
		s.mu.Unlock()
		ev["type"] = 19
		ev["message_reference"] = map[string]any{"type": 0, "message_id": m.ReplyTo, "channel_id": channel, "guild_id": guild}
		stored.ref = m.ReplyTo
		if ref != nil && ref.bot && !m.NoPing {
			stored.mentions = true
		}
	}
	if stored.mentions {
		mentions = append(mentions, s.botUser())
	}
	ev["mentions"] = mentions
	if m.WebhookID != "" {
		ev["webhook_id"] = m.WebhookID
	}
	stored.obj = maps.Clone(ev)
	delete(stored.obj, "nonce")
	s.store(stored)
	ev = s.view(stored, s.contentIntent())
	ev["nonce"] = id
	if guild != "" {
		ev["guild_id"] = guild
		ev["member"] = map[string]any{"roles": []any{}, "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0}
	}
	return id, s.Dispatch("MESSAGE_CREATE", ev)
}
