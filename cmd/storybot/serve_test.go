package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// syncBuffer is a buffer the logger and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a loopback address nothing listens on (for HEALTH_ADDR).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeNeedsDiscordToken(t *testing.T) {
	start := time.Now()
	r := runCLI(t, testEnv(t), "serve")
	if r.err == nil || !strings.Contains(r.err.Error(), "DISCORD_TOKEN: not set") {
		t.Errorf("serve without a token: %v; want an error naming DISCORD_TOKEN", r.err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v to refuse", d)
	}
	r = runCLI(t, testEnv(t), "serve", "extra")
	if r.err == nil || !strings.Contains(r.err.Error(), "no arguments") {
		t.Errorf("serve extra: %v", r.err)
	}
}

func TestServeTokenRefused(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "the-right-one"})
	defer fake.Close()
	vars := testEnv(t)
	vars["DISCORD_TOKEN"], vars["DISCORD_API_BASE_URL"], vars["HEALTH_ADDR"] = "MTE.wrong.token", fake.URL, freeAddr(t)
	r := runCLI(t, vars, "serve")
	if r.err == nil || !strings.HasPrefix(r.err.Error(), "DISCORD_TOKEN: log in to Discord: the bot token was rejected (401 Unauthorized)") {
		t.Errorf("serve with a wrong token: %v; want it to name DISCORD_TOKEN and say it was rejected", r.err)
	}
}

// noticeBoard is a second story whose text contains "@here".
const noticeBoard = `The Harbour Notice Board

At noon the harbour master posted @here on the town board: the ferry is cancelled because of the storm.
The fishermen stayed ashore and mended their nets until the wind dropped.
`

// discordMessage is the part of a message body the test reads.
type discordMessage struct {
	Content         string                     `json:"content"`
	Flags           int                        `json:"flags"`
	Embeds          []discordgo.MessageEmbed   `json:"embeds"`
	AllowedMentions map[string]json.RawMessage `json:"allowed_mentions"`
	Reference       *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

// unmarkdown undoes the bot's markdown escapes and block-quote marker.
func unmarkdown(s string) string {
	s = strings.TrimPrefix(s, ">>> ")
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

// TestServeEndToEnd runs `storybot serve` in-process against a fake Discord,
// with the real index and the real answering engine in extractive mode (no
// model configured), and reads every REST call it makes.
func TestServeEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := startServe(t, ctx)
	var names []string
	for _, raw := range s.fake.Commands("") {
		var c discordgo.ApplicationCommand
		json.Unmarshal(raw, &c)
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "ask timeline source story help" {
		t.Errorf("registered %q", got)
	}

	t.Run("health", s.testHealth)
	t.Run("ask with @everyone, quoting @here", func(t *testing.T) {
		m := s.ask(t, "@everyone why was the ferry cancelled?")
		s.verbatim(t, m)
		if !strings.Contains(m.Embeds[0].Description, "@here") {
			t.Errorf("quote %q; want the passage with @here", m.Embeds[0].Description)
		}
		if !strings.HasPrefix(m.Content, "-# Asked: @everyone why was the ferry cancelled?\nFrom the story:") || !strings.Contains(m.Embeds[len(m.Embeds)-1].Footer.Text, "Quotes only") {
			t.Errorf("content %q; want the extractive label and footer", m.Content)
		}
	})
	t.Run("ask about the default story", func(t *testing.T) {
		m := s.ask(t, "What did the FBI ask Phantom Secure's CEO to do?")
		s.verbatim(t, m)
		found := false
		for _, e := range m.Embeds {
			found = found || strings.Contains(strings.ToLower(e.Description), "backdoor")
		}
		if !found {
			t.Errorf("no quote about the backdoor: %+v", m.Embeds)
		}
	})
	t.Run("ask what the story may not answer, misspelt", func(t *testing.T) {
		m := s.ask(t, "Who wrote the reprot?")
		s.verbatim(t, m)
		if !strings.HasPrefix(m.Content, "-# Asked: Who wrote the reprot?\nThe closest passages of the story, which may not answer this:") ||
			!strings.Contains(m.Content, "they may not answer it. Read “reprot” as “report”.*") {
			t.Errorf("content %q; want the closest passages' label and a notice saying so and how the question was read", m.Content)
		}
	})
	t.Run("mention", s.testMention)
	t.Run("timeline", s.testTimeline)
	t.Run("source", s.testSource)

	if err := s.stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	checkCalls(t, s.fake.Calls())
	log := s.stderr.String()
	if !strings.Contains(log, "msg=question component=bot via=slash command=ask") || !strings.Contains(log, "outcome=answered mode=extractive") {
		t.Errorf("log lacks the question lines:\n%s", log)
	}
	if strings.Contains(log, "ferry") {
		t.Errorf("question text logged at info level:\n%s", log)
	}
}

// serving is `storybot serve` running in-process against a fake Discord,
// on an index holding the notice board and the default story.
type serving struct {
	ctx    context.Context
	fake   *fakediscord.Server
	texts  map[string]string // slug → document text, to check quotes against
	health string            // HEALTH_ADDR
	db     string            // STORYBOT_DB
	stderr *syncBuffer
	// stop stops serve and returns what it returned.
	stop func() error
}

// startServe starts serve and returns once it has registered its commands.
func startServe(t *testing.T, ctx context.Context) *serving {
	t.Helper()
	return startServeWith(t, ctx, nil)
}

// startServeWith is startServe with more variables set (a model).
func startServeWith(t *testing.T, ctx context.Context, more map[string]string) *serving {
	t.Helper()
	fake := fakediscord.New(fakediscord.Options{Token: "serve-token"})
	t.Cleanup(fake.Close)
	db := filepath.Join(t.TempDir(), "storybot.db")
	s := &serving{ctx: ctx, fake: fake, texts: indexStories(t, ctx, db), health: freeAddr(t), db: db, stderr: &syncBuffer{}}
	vars := map[string]string{
		"DISCORD_TOKEN": "serve-token", "DISCORD_API_BASE_URL": fake.URL, "STORYBOT_DB": db,
		"HEALTH_ADDR": s.health, "HOME": t.TempDir(), "LOG_LEVEL": "info", "RATE_LIMIT_BURST": "20",
	}
	for k, v := range more {
		vars[k] = v
	}
	serveCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	done := make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve", "--grace", "2s"}, func(k string) string { return vars[k] }, io.Discard, s.stderr)
	}()
	s.stop = func() error {
		stop()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			t.Fatalf("serve did not stop; log:\n%s", s.stderr.String())
			return nil
		}
	}
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		t.Fatalf("%v\nlog:\n%s", err, s.stderr.String())
	}
	return s
}

// indexStories indexes the notice board, then the default story (so it is
// the document /timeline shows, being the last ingested), into db and
// returns each document's text by slug.
func indexStories(t *testing.T, ctx context.Context, db string) map[string]string {
	t.Helper()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var parsed []knowledge.Parsed
	for _, d := range []struct {
		name string
		data []byte
	}{{"notice-board.txt", []byte(noticeBoard)}, {knowledge.DefaultStoryName, knowledge.DefaultStory}} {
		p, err := knowledge.Parse(d.data, knowledge.ParseOptions{Name: d.name})
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, p)
	}
	if _, err := st.Ingest(ctx, parsed, nil); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	docs, _ := st.Documents(ctx, knowledge.Everything)
	for _, d := range docs {
		full, err := st.Document(ctx, knowledge.Everything, d.Slug)
		if err != nil {
			t.Fatal(err)
		}
		texts[d.Slug] = full.Text
	}
	return texts
}

func (s *serving) testHealth(t *testing.T) {
	resp, err := http.Get("http://" + s.health + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"state":"connected"`) || !strings.Contains(string(body), `"documents":2`) {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
}

// ask sends /ask and returns the edited original response.
func (s *serving) ask(t *testing.T, question string) discordMessage {
	t.Helper()
	sent, err := s.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: question}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.fake.Wait(s.ctx, func(calls []fakediscord.Call) bool {
		return slices.ContainsFunc(calls, func(c fakediscord.Call) bool { return sent.Of(c) && c.Method == "PATCH" })
	}); err != nil {
		t.Fatal(err)
	}
	var mine []fakediscord.Call
	for _, c := range s.fake.Calls() {
		if sent.Of(c) {
			mine = append(mine, c)
		}
	}
	var ack struct {
		Type int `json:"type"`
	}
	mine[0].Decode(&ack)
	if len(mine) != 2 || ack.Type != 5 || mine[1].Status != 200 {
		t.Fatalf("calls for the question: %+v; want a deferred response (type 5), then the edit", mine)
	}
	var m discordMessage
	mine[1].Decode(&m)
	return m
}

// verbatim checks every quote shown is the document's own text.
func (s *serving) verbatim(t *testing.T, m discordMessage) {
	t.Helper()
	if len(m.Embeds) == 0 {
		t.Fatalf("no quotes: %q", m.Content)
	}
	for _, e := range m.Embeds {
		quote := unmarkdown(e.Description)
		slug, _, _ := knowledge.ParsePassageID(strings.Trim(e.Fields[0].Value, "`"))
		if !strings.Contains(s.texts[slug], quote) {
			t.Errorf("quote %q is not in %s", quote, slug)
		}
	}
}

func (s *serving) testMention(t *testing.T) {
	before := len(s.fake.CallsTo("POST /channels/{channel}/messages"))
	s.fake.Post(fakediscord.Message{Content: "<@" + s.fake.BotID + "> from a bot: who is Ramos?", MentionBot: true, Bot: true, AuthorID: "42"})
	id, _ := s.fake.Post(fakediscord.Message{Content: "<@" + s.fake.BotID + "> who is Vincent Ramos?", MentionBot: true})
	calls, err := s.fake.WaitRoute(s.ctx, "POST /channels/{channel}/messages", before+1)
	if err != nil {
		t.Fatal(err)
	}
	var m discordMessage
	calls[before].Decode(&m)
	if m.Reference == nil || m.Reference.MessageID != id {
		t.Errorf("reply to %+v; want a reply to %s (not to the bot)", m.Reference, id)
	}
	s.verbatim(t, m)
}

func (s *serving) testTimeline(t *testing.T) {
	s.fake.Interact(fakediscord.Interaction{Command: "timeline"})
	var edit fakediscord.Call
	_, err := s.fake.Wait(s.ctx, func(calls []fakediscord.Call) bool {
		i := slices.IndexFunc(calls, func(c fakediscord.Call) bool {
			return c.Method == "PATCH" && strings.Contains(string(c.Body), "Timeline of")
		})
		if i >= 0 {
			edit = calls[i]
		}
		return i >= 0
	})
	if err != nil {
		t.Fatal(err)
	}
	var m discordMessage
	edit.Decode(&m)
	desc := m.Embeds[0].Description
	last := -1
	for _, date := range []string{"**2015**", "**2018-10**", "**2019-05**"} {
		i := strings.Index(desc, date)
		if i < last {
			t.Errorf("%s out of order in:\n%s", date, desc)
		}
		last = i
	}
}

func (s *serving) testSource(t *testing.T) {
	before := len(s.fake.CallsTo("POST /interactions/{id}/{token}/callback"))
	s.fake.Interact(fakediscord.Interaction{Command: "source", Options: []fakediscord.Option{{Name: "passage", Value: "notice-board#1"}}})
	calls, err := s.fake.WaitRoute(s.ctx, "POST /interactions/{id}/{token}/callback", before+1)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Type int            `json:"type"`
		Data discordMessage `json:"data"`
	}
	calls[before].Decode(&r)
	if r.Type != 4 || len(r.Data.Embeds) != 1 || !strings.Contains(s.texts["notice-board"], unmarkdown(r.Data.Embeds[0].Description)) {
		t.Errorf("source: %s", calls[before].Body)
	}
}

// checkCalls checks every REST call serve made succeeded, and that every
// message it posted lets nothing ping anyone.
func checkCalls(t *testing.T, calls []fakediscord.Call) {
	t.Helper()
	for _, c := range calls {
		if c.Status >= 300 {
			t.Errorf("%s %s answered %d: %s", c.Method, c.Path, c.Status, c.Body)
		}
		posts := c.Method == "PATCH" || (c.Method == "POST" && (strings.HasSuffix(c.Route, "/messages") || strings.Contains(c.Route, "callback") || strings.HasPrefix(c.Route, "POST /webhooks/")))
		if posts && !strings.Contains(string(c.Body), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s %s without allowed mentions none: %s", c.Method, c.Path, c.Body)
		}
	}
}

// TestServeWithHealthPortTaken: the bot still connects and registers its
// commands when HEALTH_ADDR is taken, and says so in the log.
func TestServeWithHealthPortTaken(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake := fakediscord.New(fakediscord.Options{Token: "serve-token"})
	defer fake.Close()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	vars := map[string]string{
		"DISCORD_TOKEN": "serve-token", "DISCORD_API_BASE_URL": fake.URL, "HEALTH_ADDR": taken.Addr().String(),
		"STORYBOT_DB": filepath.Join(t.TempDir(), "storybot.db"), "HOME": t.TempDir(),
	}
	serveCtx, stop := context.WithCancel(ctx)
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve"}, func(k string) string { return vars[k] }, io.Discard, &stderr)
	}()
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		t.Fatalf("%v\nlog:\n%s", err, stderr.String())
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !strings.Contains(stderr.String(), "health endpoint disabled") || !strings.Contains(stderr.String(), "HEALTH_ADDR") {
		t.Errorf("log does not say the health endpoint is off:\n%s", stderr.String())
	}
}
