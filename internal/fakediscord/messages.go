package fakediscord

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// message is a message the fake holds, as GET /channels/{id}/messages
// returns it: those the bot posts (in a channel, or as an interaction's
// response or follow-up) and those tests Post.
type message struct {
	obj       map[string]any // the message object, without referenced_message
	channel   string
	guild     string // "" in a direct message
	ephemeral bool   // only the asker sees it: no channel endpoint returns it
	mentions  bool   // mentions the bot
	bot       bool   // written by the bot
	ref       string // the id of the message it replies to, if any
}

// thread is a thread channel.
type thread struct {
	guild, parent, owner, name string
}

// intentMessageContent is the privileged intent (1 << 15) without which
// Discord leaves the content of others' guild messages empty unless they
// mention the bot.
const intentMessageContent = 1 << 15

// contentIntent reports whether the bot identified with the message
// content intent (its latest identify).
func (s *Server) contentIntent() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.identifies) > 0 && s.identifies[len(s.identifies)-1].Intents&intentMessageContent != 0
}

// view is m's object as the bot may see it: Discord empties the content,
// embeds and attachments of a guild message by someone else that does not
// mention the bot unless the bot has the message content intent, in
// gateway events and REST answers alike. A reply carries the message it
// replies to, as seen the same way (null once that is deleted).
func (s *Server) view(m *message, content bool) map[string]any {
	out := maps.Clone(m.obj)
	if m.guild != "" && !m.bot && !m.mentions && !content {
		out["content"], out["embeds"], out["attachments"] = "", []any{}, []any{}
	}
	if m.ref != "" {
		s.mu.Lock()
		ref := s.messages[m.ref]
		s.mu.Unlock()
		if ref == nil {
			out["referenced_message"] = nil
		} else {
			r := ref
			if r.ref != "" {
				r = &message{obj: r.obj, channel: r.channel, guild: r.guild, mentions: r.mentions, bot: r.bot} // one level deep, as Discord sends it
			}
			out["referenced_message"] = s.view(r, content)
		}
	}
	return out
}

// store keeps a message and returns it.
func (s *Server) store(m *message) *message {
	id, _ := m.obj["id"].(string)
	s.record(func() { s.messages[id] = m })
	return m
}

// newMessage is a message object of the bot's, from a message body as the
// bot sent it, in channel of guild; a message_reference makes it a reply.
func (s *Server) newMessage(body []byte, channel, guild string, typ int) *message {
	var in map[string]any
	json.Unmarshal(body, &in)
	m := &message{channel: channel, guild: guild, bot: true}
	obj := map[string]any{
		"id": s.newID(), "channel_id": channel, "author": s.botUser(), "content": "", "embeds": []any{},
		"components": []any{}, "timestamp": time.Now().UTC().Format(time.RFC3339), "edited_timestamp": nil,
		"tts": false, "mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": []any{}, "pinned": false, "type": typ, "flags": 0,
	}
	if ref, ok := in["message_reference"].(map[string]any); ok {
		if id, _ := ref["message_id"].(string); id != "" {
			obj["type"] = 19 // a reply
			m.ref = id
			obj["message_reference"] = map[string]any{"type": 0, "message_id": id, "channel_id": channel, "guild_id": guild}
		}
	}
	m.obj = obj
	s.edit(m, in)
	return m
}

// edit applies the fields of an edit (or a new message's body) to m.
func (s *Server) edit(m *message, in map[string]any) {
	for _, k := range []string{"content", "embeds", "components"} {
		if v, ok := in[k]; ok && v != nil {
			m.obj[k] = v
		}
	}
	if f, ok := in["flags"].(float64); ok {
		m.obj["flags"] = int(f)
		m.ephemeral = int(f)&64 != 0
	}
}

// Message returns the message with the given id as the fake holds it (the
// bot's or a test's), and whether there is one.
func (s *Server) Message(id string) (map[string]any, bool) {
	s.mu.Lock()
	m := s.messages[id]
	s.mu.Unlock()
	if m == nil {
		return nil, false
	}
	return s.view(m, true), true
}

// DeleteMessage deletes a message, as its author or a moderator would.
func (s *Server) DeleteMessage(id string) {
	s.record(func() { delete(s.messages, id) })
}

// DenyHistory makes the bot unable to read channel's messages: GET of its
// messages answers 403 Missing Access, as for a channel where the bot
// lacks Read Message History.
func (s *Server) DenyHistory(channel string) {
	s.record(func() { s.denied[channel] = true })
}

// AddChannel makes channel a text channel of guild, as GET /channels/{id}
// describes it.
func (s *Server) AddChannel(guild, channel string) {
	s.record(func() { s.guildOf[channel] = guild })
}

// Threads returns the threads created so far by id, as [guild, parent,
// owner, name].
func (s *Server) Threads() map[string][4]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][4]string{}
	for id, t := range s.threads {
		out[id] = [4]string{t.guild, t.parent, t.owner, t.name}
	}
	return out
}

// guildOfChannel is the guild a channel belongs to: a thread's, one
// AddChannel named, else GuildID.
func (s *Server) guildOfChannel(channel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.threads[channel]; ok {
		return t.guild
	}
	if g, ok := s.guildOf[channel]; ok {
		return g
	}
	return GuildID
}

func (s *Server) missingAccess(w http.ResponseWriter, channel string) bool {
	s.mu.Lock()
	denied := s.denied[channel]
	s.mu.Unlock()
	if denied {
		writeJSON(w, 403, map[string]any{"message": "Missing Access", "code": 50001})
	}
	return denied
}

func unknownMessage(w http.ResponseWriter) {
	writeJSON(w, 404, map[string]any{"message": "Unknown Message", "code": 10008})
}

// getMessage is GET /channels/{channel}/messages/{message}.
func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	if s.missingAccess(w, channel) {
		return
	}
	s.mu.Lock()
	m := s.messages[r.PathValue("message")]
	s.mu.Unlock()
	if m == nil || m.channel != channel || m.ephemeral {
		unknownMessage(w)
		return
	}
	writeJSON(w, 200, s.view(m, s.contentIntent()))
}

// getMessages is GET /channels/{channel}/messages: up to limit (1-100,
// default 50) messages, newest first, before the id of before if given.
func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	if s.missingAccess(w, channel) {
		return
	}
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			invalidForm(w, "limit: must be from 1 to 100")
			return
		}
		limit = n
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	type entry struct {
		id int64
		m  *message
	}
	var list []entry
	s.mu.Lock()
	for id, m := range s.messages {
		n, _ := strconv.ParseInt(id, 10, 64)
		if m.channel == channel && !m.ephemeral && (before == 0 || n < before) {
			list = append(list, entry{n, m})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(list, func(a, b entry) int { return int(b.id - a.id) })
	content := s.contentIntent()
	out := []any{}
	for _, e := range list[:min(limit, len(list))] {
		out = append(out, s.view(e.m, content))
	}
	writeJSON(w, 200, out)
}

// startThread is POST /channels/{channel}/messages/{message}/threads: a
// public thread from a message, with the message's id, owned by the bot.
func (s *Server) startThread(w http.ResponseWriter, r *http.Request) {
	channel, id := r.PathValue("channel"), r.PathValue("message")
	s.mu.Lock()
	m := s.messages[id]
	_, inThread := s.threads[channel]
	_, exists := s.threads[id]
	s.mu.Unlock()
	switch {
	case m == nil || m.channel != channel || m.ephemeral:
		unknownMessage(w)
		return
	case inThread:
		writeJSON(w, 400, map[string]any{"message": "Cannot start a thread in a thread", "code": 50024})
		return
	case exists:
		writeJSON(w, 400, map[string]any{"message": "A thread has already been created for this message", "code": 160004})
		return
	}
	s.createThread(w, r, channel, id)
}

// startThreadAlone is POST /channels/{channel}/threads: a thread without a
// starting message.
func (s *Server) startThreadAlone(w http.ResponseWriter, r *http.Request) {
	s.createThread(w, r, r.PathValue("channel"), s.newID())
}

func (s *Server) createThread(w http.ResponseWriter, r *http.Request, parent, id string) {
	body, _ := io.ReadAll(r.Body)
	var in struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		invalidForm(w, "name: must be 1-100 characters")
		return
	}
	t := thread{guild: s.guildOfChannel(parent), parent: parent, owner: s.BotID, name: in.Name}
	s.record(func() { s.threads[id] = t })
	writeJSON(w, 201, s.threadObject(id, t))
}

func (s *Server) threadObject(id string, t thread) map[string]any {
	return map[string]any{"id": id, "type": 11, "guild_id": t.guild, "parent_id": t.parent, "owner_id": t.owner,
		"name": t.name, "message_count": 0, "member_count": 1,
		"thread_metadata": map[string]any{"archived": false, "auto_archive_duration": 1440, "locked": false,
			"archive_timestamp": time.Now().UTC().Format(time.RFC3339)}}
}

// editMessage edits one of the bot's messages in a channel.
func (s *Server) editMessage(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := checkMessage(body); err != nil {
		invalidForm(w, err.Error())
		return
	}
	m := s.channelMessage(r)
	if m == nil {
		unknownMessage(w)
		return
	}
	s.applyEdit(w, m, body)
}

// applyEdit edits m as the JSON body says and answers with the message.
func (s *Server) applyEdit(w http.ResponseWriter, m *message, body []byte) {
	var in map[string]any
	json.Unmarshal(body, &in)
	s.record(func() { s.edit(m, in) })
	writeJSON(w, 200, s.view(m, true))
}

// channelMessage is the bot's message the request's path names, if it is
// in the path's channel, or nil.
func (s *Server) channelMessage(r *http.Request) *message {
	s.mu.Lock()
	m := s.messages[r.PathValue("message")]
	s.mu.Unlock()
	if m == nil || m.channel != r.PathValue("channel") {
		return nil
	}
	return m
}

// deleteMessage deletes one of the bot's messages in a channel.
func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	if s.channelMessage(r) == nil {
		unknownMessage(w)
		return
	}
	s.DeleteMessage(r.PathValue("message"))
	w.WriteHeader(http.StatusNoContent)
}
