// Package fakediscord is a local stand-in for Discord, for tests and
// benchmarks: the REST endpoints a bot calls (gateway discovery, commands,
// interaction callbacks and webhooks, channel messages and lookups, typing),
// the CDN's attachment downloads, and a gateway websocket that speaks the
// real handshake (hello, identify, ready, heartbeats) and dispatches events
// the test makes up: slash commands (with subcommands, attachments, the
// member's permissions, in any server, channel or thread), autocomplete
// requests, button clicks, modal submissions and messages. A real discordgo
// session talks to it through DISCORD_API_BASE_URL.
//
// Every REST call is recorded with its JSON body, in order, so tests assert
// on what the bot actually sent. Unknown routes answer 404 and are recorded
// too. Message bodies are checked against Discord's limits and refused with
// 400, as Discord does, so a bot that overflows them fails visibly. Faults
// (Fail) make chosen calls slow, fail with a 5xx, or answer 429 with
// Discord's rate-limit body and headers, optionally after doing their work.
package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Call is one REST request the fake received.
type Call struct {
	// N is the call's position among everything the fake recorded, from 1.
	N int
	// Method and Path are as received, e.g. "POST", "/api/v9/channels/1/messages".
	Method string
	Path   string
	// Route is the matched pattern without the /api/v{n} prefix, e.g.
	// "POST /interactions/{id}/{token}/callback"; empty for unknown routes.
	Route string
	// Query is the raw query string.
	Query string
	// Auth is the Authorization header.
	Auth string
	// Body is the request body (JSON for everything discordgo sends here).
	Body json.RawMessage
	// Status is the status code the fake answered with, and Reply the
	// body it answered with (the message, for a message posted).
	Status int
	Reply  json.RawMessage
	// At is when the request arrived.
	At time.Time
	// Applied is set when a Fault answered Status after doing the work.
	Applied bool
}

// Decode unmarshals the call's body into v.
func (c Call) Decode(v any) error { return json.Unmarshal(c.Body, v) }

// Identify is an identify payload (op 2) a client sent on the gateway.
type Identify struct {
	Token      string         `json:"token"`
	Intents    int            `json:"intents"`
	Shard      []int          `json:"shard"`
	Properties map[string]any `json:"properties"`
}

// Server is a fake Discord. Create it with New and Close it when done.
type Server struct {
	// URL is the origin to use as DISCORD_API_BASE_URL, e.g. http://127.0.0.1:41234.
	URL string
	// AppID and BotID are the application's and the bot user's ids.
	AppID, BotID string
	// BotName is the bot user's name.
	BotName string
	// Token, when not empty, is the only bot token accepted (as "Bot <Token>"):
	// REST answers 401 and the gateway closes with 4004 otherwise.
	Token string

	srv      *httptest.Server
	mux      *http.ServeMux
	disabled []string
	latency  time.Duration
	upgrader websocket.Upgrader
	interval time.Duration

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced whenever something is recorded
	calls      []Call
	n          int
	nextID     int64
	identifies []Identify
	heartbeats int
	conns      map[*conn]bool // value: identified
	commands   map[string][]json.RawMessage
	// interactions tracks each interaction token's state, as Discord does:
	// a second acknowledgement fails and webhooks need an acknowledgement.
	interactions map[string]*interaction
	threads      map[string]thread   // by channel id
	files        map[string][]byte   // attachment id → content
	messages     map[string]*message // by id
	guildOf      map[string]string   // channel id → guild, for channels AddChannel named
	denied       map[string]bool     // channels whose messages the bot may not read
	faults       []*Fault
}

type interaction struct {
	id    string
	acked bool
	// channel and guild are where it was used; original is the id of its
	// response message, once it is acknowledged with one.
	channel, guild, original string
}

// Options configures New.
type Options struct {
	// HeartbeatInterval is sent in hello; default 41.25 s, Discord's usual.
	HeartbeatInterval time.Duration
	// Token, see Server.Token.
	Token string
	// Disable lists routes (e.g. "GET /users/@me") to answer 404, as if
	// unknown, to test a bot against a Discord that lacks them.
	Disable []string
	// Latency delays every REST answer, for benchmarks that model the
	// round trip to Discord (tens of milliseconds). Tests leave it 0.
	Latency time.Duration
}

// New starts a fake Discord on a loopback port.
func New(opts Options) *Server {
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = 41250 * time.Millisecond
	}
	s := &Server{
		AppID:        "100000000000000001",
		BotID:        "100000000000000001", // a bot's user id is its application's id
		BotName:      "storybot",
		Token:        opts.Token,
		interval:     opts.HeartbeatInterval,
		disabled:     opts.Disable,
		latency:      opts.Latency,
		changed:      make(chan struct{}),
		nextID:       200000000000000000,
		conns:        map[*conn]bool{},
		commands:     map[string][]json.RawMessage{},
		interactions: map[string]*interaction{},
		threads:      map[string]thread{},
		files:        map[string][]byte{},
		messages:     map[string]*message{},
		guildOf:      map[string]string{},
		denied:       map[string]bool{},
	}
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close disconnects every gateway client and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	for c := range s.conns {
		c.ws.Close()
	}
	s.mu.Unlock()
	s.srv.Close()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	api := func(pattern string, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		m.HandleFunc(method+" /api/{version}"+path, h)
	}
	m.HandleFunc("GET /gateway/", s.serveGateway)
	api("GET /gateway", s.getGateway)
	api("GET /gateway/bot", s.getGateway)
	api("GET /users/@me", s.getMe)
	api("POST /users/@me/channels", s.createDM)
	api("GET /applications/@me", s.getApplication)
	api("GET /oauth2/applications/@me", s.getApplication)
	api("PUT /applications/{app}/commands", s.putCommands)
	api("PUT /applications/{app}/guilds/{guild}/commands", s.putCommands)
	api("GET /applications/{app}/commands", s.getCommands)
	api("GET /applications/{app}/guilds/{guild}/commands", s.getCommands)
	api("POST /interactions/{id}/{token}/callback", s.callback)
	api("PATCH /webhooks/{app}/{token}/messages/{message}", s.editWebhookMessage)
	api("DELETE /webhooks/{app}/{token}/messages/{message}", s.deleteWebhookMessage)
	api("POST /webhooks/{app}/{token}", s.followUp)
	api("POST /channels/{channel}/messages", s.createMessage)
	api("PATCH /channels/{channel}/messages/{message}", s.editMessage)
	api("DELETE /channels/{channel}/messages/{message}", s.deleteMessage)
	api("POST /channels/{channel}/typing", s.typing)
	api("GET /channels/{channel}", s.getChannel)
	api("GET /channels/{channel}/messages", s.getMessages)
	api("GET /channels/{channel}/messages/{message}", s.getMessage)
	api("POST /channels/{channel}/messages/{message}/threads", s.startThread)
	api("POST /channels/{channel}/threads", s.startThreadAlone)
	m.HandleFunc("GET /attachments/{channel}/{id}/{name}", s.getAttachment)
	s.mux = m
}

// serveHTTP records every REST call, then routes it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) {
		s.mux.ServeHTTP(w, r)
		return
	}
	at := time.Now()
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	_, pattern := s.mux.Handler(r)
	route := strings.Replace(pattern, "/api/{version}", "", 1)
	if slices.Contains(s.disabled, route) {
		pattern, route = "", ""
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	applied := false
	if pattern == "" {
		writeJSON(rec, http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0})
	} else if s.Token != "" && r.Header.Get("Authorization") != "Bot "+s.Token && !strings.HasPrefix(route, "GET /attachments/") {
		writeJSON(rec, http.StatusUnauthorized, map[string]any{"message": "401: Unauthorized", "code": 0})
	} else if f := s.fault(route, r.URL.Path); f != nil {
		applied = s.misbehave(rec, r, *f)
	} else {
		s.mux.ServeHTTP(rec, r)
	}
	s.record(func() {
		s.n++
		s.calls = append(s.calls, Call{
			N: s.n, Method: r.Method, Path: r.URL.Path, Route: route, Query: r.URL.RawQuery,
			Auth: r.Header.Get("Authorization"), Body: json.RawMessage(body), Status: rec.status, Reply: json.RawMessage(rec.body.Bytes()), At: at, Applied: applied,
		})
	})
}

// Fault makes the fake answer some REST calls as a Discord in trouble
// would: slowly, with a server error, or with a rate limit.
type Fault struct {
	// Route is the route it hits, as Call.Route names it, e.g.
	// "PATCH /webhooks/{app}/{token}/messages/{message}".
	Route string
	// Token, when set, limits it to the calls of one interaction (Sent.Token).
	Token string
	// Times is how many calls it hits; 0 means every one.
	Times int
	// Delay holds each call this long before answering it (a slow Discord).
	// A call whose client gives up meanwhile is not done, and is recorded
	// with status 499.
	Delay time.Duration
	// Status, when not 0, is answered instead of the route's answer: a 5xx,
	// or 429 with RetryAfter.
	Status int
	// RetryAfter is a 429's wait, sent as Discord sends it: retry_after in
	// the body, Retry-After (whole seconds, rounded up) and the
	// X-RateLimit-* headers of an exhausted bucket.
	RetryAfter time.Duration
	// Global marks a 429 as the global rate limit.
	Global bool
	// Applied does the call's work before answering Status: the interaction
	// is acknowledged, or the message posted, but the bot hears an error.
	Applied bool
}

// Fail adds a fault; the first fault that matches a call answers it.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// fault returns the fault that answers a call to route at path, if any,
// and counts the call against it.
func (s *Server) fault(route, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Route != route || (f.Token != "" && !strings.Contains(path, "/"+f.Token)) {
			continue
		}
		hit := *f
		if f.Times > 0 {
			if f.Times--; f.Times == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return &hit
	}
	return nil
}

// misbehave answers r as f says and reports whether the call's work was done.
func (s *Server) misbehave(w http.ResponseWriter, r *http.Request, f Fault) (applied bool) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			w.WriteHeader(499) // the client went away: nothing was done
			return false
		}
	}
	if f.Status == 0 {
		s.mux.ServeHTTP(w, r)
		return false
	}
	if f.Applied {
		s.mux.ServeHTTP(httptest.NewRecorder(), r)
	}
	if f.Status != http.StatusTooManyRequests {
		writeJSON(w, f.Status, map[string]any{"message": http.StatusText(f.Status), "code": 0})
		return f.Applied
	}
	secs := f.RetryAfter.Seconds()
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(f.RetryAfter).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "fake-bucket")
	h.Set("X-RateLimit-Scope", "user")
	if f.Global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	}
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": f.Global, "code": 0})
	return f.Applied
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	r.body.Write(p)
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// record runs f under the lock and wakes everyone waiting for a change.
func (s *Server) record(f func()) {
	s.mu.Lock()
	f()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// Calls returns every REST call recorded so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the recorded calls whose Route is route, in order.
func (s *Server) CallsTo(route string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Route == route {
			out = append(out, c)
		}
	}
	return out
}

// Wait blocks until cond holds for the calls recorded so far, and returns
// them; it fails when ctx is done first. cond is re-checked on every change,
// so no polling or sleeping is involved.
func (s *Server) Wait(ctx context.Context, cond func(calls []Call) bool) ([]Call, error) {
	for {
		s.mu.Lock()
		calls := slices.Clone(s.calls)
		ch := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return calls, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return calls, fmt.Errorf("fake discord: waited for a condition that never held (%d calls recorded): %w", len(calls), ctx.Err())
		}
	}
}

// WaitRoute waits until n calls to route have been recorded and returns them.
func (s *Server) WaitRoute(ctx context.Context, route string, n int) ([]Call, error) {
	var got []Call
	_, err := s.Wait(ctx, func(calls []Call) bool {
		got = got[:0]
		for _, c := range calls {
			if c.Route == route {
				got = append(got, c)
			}
		}
		return len(got) >= n
	})
	return got, err
}

// WaitConnected waits until n gateway clients have identified and been sent READY.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		ready := 0
		for _, ok := range s.conns {
			if ok {
				ready++
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if ready >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("fake discord: waiting for %d gateway client(s), have %d: %w", n, ready, ctx.Err())
		}
	}
}

// Identifies returns the identify payloads received so far.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.identifies)
}

// Heartbeats returns how many heartbeats (op 1) clients have sent.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// Commands returns the commands last registered by bulk overwrite, globally
// (guild "") or in a guild.
func (s *Server) Commands(guild string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[guild])
}

func (s *Server) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) wsURL() string { return "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway" }

func (s *Server) botUser() map[string]any {
	return map[string]any{"id": s.BotID, "username": s.BotName, "discriminator": "0", "bot": true, "global_name": nil, "avatar": nil}
}

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/bot") {
		writeJSON(w, 200, map[string]any{"url": s.wsURL(), "shards": 1, "session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}})
		return
	}
	writeJSON(w, 200, map[string]any{"url": s.wsURL()})
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.botUser()) }

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{"id": s.AppID, "name": s.BotName, "description": "", "bot": s.botUser(), "flags": 0})
}

func (s *Server) createDM(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.RecipientID == "" {
		invalidForm(w, "recipient_id is required")
		return
	}
	writeJSON(w, 200, map[string]any{"id": "dm-" + req.RecipientID, "type": 1,
		"recipients": []any{map[string]any{"id": req.RecipientID, "username": "user" + req.RecipientID, "discriminator": "0"}}})
}

func (s *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app") != s.AppID {
		writeJSON(w, 403, map[string]any{"message": "Missing Access", "code": 50001})
		return
	}
	var cmds []map[string]any
	if err := json.NewDecoder(r.Body).Decode(&cmds); err != nil {
		invalidForm(w, "body is not a list of commands: "+err.Error())
		return
	}
	guild := r.PathValue("guild")
	var stored []json.RawMessage
	for _, c := range cmds {
		name, _ := c["name"].(string)
		desc, _ := c["description"].(string)
		if name == "" || utf8.RuneCountInString(name) > 32 || desc == "" || utf8.RuneCountInString(desc) > 100 {
			invalidForm(w, fmt.Sprintf("command %q: name must be 1-32 characters and description 1-100", name))
			return
		}
		c["id"] = s.newID()
		c["application_id"] = s.AppID
		c["version"] = s.newID()
		if guild != "" {
			c["guild_id"] = guild
		}
		b, _ := json.Marshal(c)
		stored = append(stored, b)
	}
	s.record(func() { s.commands[guild] = stored })
	writeJSON(w, 200, stored)
}

func (s *Server) getCommands(w http.ResponseWriter, r *http.Request) {
	cmds := s.Commands(r.PathValue("guild"))
	if cmds == nil {
		cmds = []json.RawMessage{}
	}
	writeJSON(w, 200, cmds)
}

// callback acknowledges an interaction: once only, as on Discord.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type int              `json:"type"`
		Data *json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Type == 0 {
		invalidForm(w, "type is required")
		return
	}
	s.mu.Lock()
	in := s.interactions[r.PathValue("token")]
	var status int
	switch {
	case in == nil || in.id != r.PathValue("id"):
		status = http.StatusNotFound
	case in.acked:
		status = http.StatusBadRequest
	default:
		in.acked = true
	}
	s.mu.Unlock()
	switch status {
	case http.StatusNotFound:
		writeJSON(w, 404, map[string]any{"message": "Unknown interaction", "code": 10062})
		return
	case http.StatusBadRequest:
		writeJSON(w, 400, map[string]any{"message": "Interaction has already been acknowledged.", "code": 40060})
		return
	}
	if (body.Type == 4 || body.Type == 7) && body.Data != nil {
		if err := checkMessage(*body.Data); err != nil {
			invalidForm(w, err.Error())
			return
		}
	}
	if body.Type == 9 {
		if err := checkModal(body.Data); err != nil {
			invalidForm(w, err.Error())
			return
		}
	}
	if body.Type == 4 || body.Type == 5 {
		// The response is a message in the interaction's channel, from the
		// acknowledgement on (a deferred one shows "thinking…").
		var data []byte
		if body.Data != nil {
			data = *body.Data
		}
		s.mu.Lock()
		channel, guild := in.channel, in.guild
		s.mu.Unlock()
		m := s.store(s.newMessage(data, channel, guild, 20))
		s.mu.Lock()
		in.original = m.obj["id"].(string)
		s.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkModal checks a modal (callback type 9) as Discord does: a custom id,
// a title of 1-45 characters, and 1-5 rows each holding one text input with
// a custom id, a label of 1-45 characters and a style of 1 or 2.
func checkModal(data *json.RawMessage) error {
	if data == nil {
		return errors.New("a modal needs data")
	}
	var m struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Type       int `json:"type"`
			Components []struct {
				Type      int    `json:"type"`
				CustomID  string `json:"custom_id"`
				Label     string `json:"label"`
				Style     int    `json:"style"`
				MaxLength int    `json:"max_length"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(*data, &m); err != nil {
		return fmt.Errorf("modal: %w", err)
	}
	n := utf8.RuneCountInString
	switch {
	case m.CustomID == "" || n(m.CustomID) > 100:
		return errors.New("modal: custom_id must be 1-100 characters")
	case m.Title == "" || n(m.Title) > 45:
		return errors.New("modal: title must be 1-45 characters")
	case len(m.Components) == 0 || len(m.Components) > 5:
		return errors.New("modal: 1 to 5 rows")
	}
	for _, row := range m.Components {
		if row.Type != 1 || len(row.Components) != 1 {
			return errors.New("modal: each row is an action row with one text input")
		}
		in := row.Components[0]
		if in.Type != 4 || in.CustomID == "" || in.Label == "" || n(in.Label) > 45 || (in.Style != 1 && in.Style != 2) || in.MaxLength > 4000 {
			return fmt.Errorf("modal: text input %q: type 4, a custom_id, a label of 1-45 characters, style 1 or 2, max_length at most 4000", in.CustomID)
		}
	}
	return nil
}

// webhookInteraction checks that token belongs to an acknowledged interaction
// of this application.
func (s *Server) webhookInteraction(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	in := s.interactions[r.PathValue("token")]
	ok := in != nil && in.acked && r.PathValue("app") == s.AppID
	s.mu.Unlock()
	if !ok {
		writeJSON(w, 404, map[string]any{"message": "Unknown Webhook", "code": 10015})
	}
	return ok
}

// editWebhookMessage edits an interaction's response (@original) or one
// of its follow-ups, and answers with the message.
func (s *Server) editWebhookMessage(w http.ResponseWriter, r *http.Request) {
	if !s.webhookInteraction(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	if err := checkMessage(body); err != nil {
		invalidForm(w, err.Error())
		return
	}
	id := r.PathValue("message")
	s.mu.Lock()
	if id == "@original" {
		id = s.interactions[r.PathValue("token")].original
	}
	m := s.messages[id]
	s.mu.Unlock()
	if m == nil {
		unknownMessage(w)
		return
	}
	s.applyEdit(w, m, body)
}

func (s *Server) deleteWebhookMessage(w http.ResponseWriter, r *http.Request) {
	if !s.webhookInteraction(w, r) {
		return
	}
	id := r.PathValue("message")
	s.mu.Lock()
	if id == "@original" {
		id = s.interactions[r.PathValue("token")].original
	}
	s.mu.Unlock()
	s.DeleteMessage(id)
	w.WriteHeader(http.StatusNoContent)
}

// followUp posts a follow-up message of an interaction, in its channel.
func (s *Server) followUp(w http.ResponseWriter, r *http.Request) {
	if !s.webhookInteraction(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	if err := checkMessage(body); err != nil {
		invalidForm(w, err.Error())
		return
	}
	s.mu.Lock()
	in := s.interactions[r.PathValue("token")]
	channel, guild := in.channel, in.guild
	s.mu.Unlock()
	m := s.store(s.newMessage(body, channel, guild, 0))
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, 200, s.view(m, true))
}

// createMessage posts a message of the bot's in a channel; a reply must
// refer to a message of that channel, as fail_if_not_exists asks.
func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := checkMessage(body); err != nil {
		invalidForm(w, err.Error())
		return
	}
	channel := r.PathValue("channel")
	guild := ""
	if !strings.HasPrefix(channel, "dm-") {
		guild = s.guildOfChannel(channel)
	}
	m := s.newMessage(body, channel, guild, 0)
	if m.ref != "" {
		s.mu.Lock()
		ref := s.messages[m.ref]
		s.mu.Unlock()
		if ref == nil || ref.channel != channel {
			var b struct {
				Ref struct {
					Fail *bool `json:"fail_if_not_exists"`
				} `json:"message_reference"`
			}
			json.Unmarshal(body, &b)
			if b.Ref.Fail == nil || *b.Ref.Fail {
				invalidForm(w, "message_reference: Unknown message")
				return
			}
			m.ref = ""
			delete(m.obj, "message_reference")
			m.obj["type"] = 0
		}
	}
	s.store(m)
	writeJSON(w, 200, s.view(m, true))
}

func (s *Server) typing(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }

func invalidForm(w http.ResponseWriter, why string) {
	writeJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035, "errors": why})
}

// Discord's message limits, counted in characters.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxEmbedsTotal = 6000
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxAuthor      = 256
)

// checkMessage returns an error naming the first Discord limit body breaks.
func checkMessage(body []byte) error {
	var m struct {
		Content *string `json:"content"`
		Embeds  []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Fields      []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"fields"`
			Footer *struct {
				Text string `json:"text"`
			} `json:"footer"`
			Author *struct {
				Name string `json:"name"`
			} `json:"author"`
		} `json:"embeds"`
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("body is not a message: %w", err)
	}
	n := utf8.RuneCountInString
	var errs []error
	if m.Content != nil && n(*m.Content) > maxContent {
		errs = append(errs, fmt.Errorf("content: %d characters, at most %d", n(*m.Content), maxContent))
	}
	if len(m.Embeds) > maxEmbeds {
		errs = append(errs, fmt.Errorf("embeds: %d, at most %d", len(m.Embeds), maxEmbeds))
	}
	total := 0
	for i, e := range m.Embeds {
		check := func(what, s string, max int) {
			total += n(s)
			if n(s) > max {
				errs = append(errs, fmt.Errorf("embeds[%d].%s: %d characters, at most %d", i, what, n(s), max))
			}
		}
		check("title", e.Title, maxTitle)
		check("description", e.Description, maxDescription)
		if len(e.Fields) > maxFields {
			errs = append(errs, fmt.Errorf("embeds[%d].fields: %d, at most %d", i, len(e.Fields), maxFields))
		}
		for _, f := range e.Fields {
			check("fields.name", f.Name, maxFieldName)
			check("fields.value", f.Value, maxFieldValue)
		}
		if e.Footer != nil {
			check("footer.text", e.Footer.Text, maxFooter)
		}
		if e.Author != nil {
			check("author.name", e.Author.Name, maxAuthor)
		}
	}
	if total > maxEmbedsTotal {
		errs = append(errs, fmt.Errorf("embeds: %d characters in all, at most %d", total, maxEmbedsTotal))
	}
	return errors.Join(errs...)
}
