package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/knowledge"
)

// Routes of the fake Discord the tests look at.
const (
	routeCallback  = "POST /interactions/{id}/{token}/callback"
	routeEdit      = "PATCH /webhooks/{app}/{token}/messages/{message}"
	routeDelete    = "DELETE /webhooks/{app}/{token}/messages/{message}"
	routeFollowUp  = "POST /webhooks/{app}/{token}"
	routeMessage   = "POST /channels/{channel}/messages"
	routeTyping    = "POST /channels/{channel}/typing"
	routeCommands  = "PUT /applications/{app}/commands"
	routeGuildCmds = "PUT /applications/{app}/guilds/{guild}/commands"
	token          = "test-token"
)

// harness is a Bot connected to a fake Discord through a real discordgo session.
type harness struct {
	fake   *fakediscord.Server
	bot    *bot.Bot
	lib    *library
	ans    bot.Answerer
	stop   context.CancelFunc
	result chan error
}

type setup struct {
	fake    fakediscord.Options
	cfg     bot.Config
	opts    bot.Options
	answer  func(lib *library) bot.Answerer
	noStart bool
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// wait bounds how long a test waits for something that should happen
// promptly; it is a deadline for failing, never a means of synchronising.
func wait(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func start(t *testing.T, s setup) *harness {
	t.Helper()
	s.fake.Token = token
	fake := fakediscord.New(s.fake)
	t.Cleanup(fake.Close)
	lib := newLibrary()
	var ans bot.Answerer = &answerer{lib: lib}
	if s.answer != nil {
		ans = s.answer(lib)
	}
	cfg := s.cfg
	cfg.Logger = testLogger(t)
	if cfg.RatePerMinute == 0 {
		cfg.RatePerMinute, cfg.RateBurst = 6000, 1000
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent, cfg.MaxQueued = 4, 32
	}
	h := bot.NewHandler(ans, lib, cfg)
	opts := s.opts
	opts.APIBase, opts.Logger = fake.URL, cfg.Logger
	b, err := bot.New(token, h, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{fake: fake, bot: b, lib: lib, ans: ans, result: make(chan error, 1)}
	if s.noStart {
		return hs
	}
	hs.run(t)
	route := routeCommands
	if opts.GuildID != "" {
		route = routeGuildCmds
	}
	if _, err := fake.WaitRoute(wait(t), route, 1); err != nil {
		t.Fatalf("commands never registered: %v", err)
	}
	return hs
}

// run starts the bot; the test's cleanup stops it and checks it stopped cleanly.
func (hs *harness) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	hs.stop = cancel
	go func() { hs.result <- hs.bot.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-hs.result; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// message is the part of a message body the tests read.
type message struct {
	Content         string                     `json:"content"`
	Flags           int                        `json:"flags"`
	Embeds          []discordgo.MessageEmbed   `json:"embeds"`
	AllowedMentions map[string]json.RawMessage `json:"allowed_mentions"`
	Reference       *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

// callback is an interaction response body.
type callback struct {
	Type int      `json:"type"`
	Data *message `json:"data"`
}

func decode[T any](t *testing.T, c fakediscord.Call) T {
	t.Helper()
	var v T
	if err := c.Decode(&v); err != nil {
		t.Fatalf("%s %s: body %s: %v", c.Method, c.Path, c.Body, err)
	}
	return v
}

func only(calls []fakediscord.Call, sent fakediscord.Sent) []fakediscord.Call {
	var out []fakediscord.Call
	for _, c := range calls {
		if sent.Of(c) {
			out = append(out, c)
		}
	}
	return out
}

func routes(calls []fakediscord.Call) string {
	var rs []string
	for _, c := range calls {
		rs = append(rs, c.Route)
	}
	return strings.Join(rs, " | ")
}

// checkNoPings asserts that every message, edit, follow-up and interaction
// response the bot sent carried "allowed_mentions": {"parse": []} and did
// not ping the author of a message it replied to, and was accepted.
func checkNoPings(t *testing.T, calls []fakediscord.Call) {
	t.Helper()
	n := 0
	for _, c := range calls {
		var am map[string]json.RawMessage
		switch c.Route {
		case routeCallback:
			am = decode[callback](t, c).Data.AllowedMentions
		case routeEdit, routeFollowUp, routeMessage:
			am = decode[message](t, c).AllowedMentions
		default:
			continue
		}
		n++
		if string(am["parse"]) != "[]" || (am["replied_user"] != nil && string(am["replied_user"]) != "false") || am["users"] != nil || am["roles"] != nil {
			t.Errorf("%s %s: allowed_mentions = %s; want {\"parse\":[]}", c.Method, c.Path, c.Body)
		}
		if !strings.Contains(string(c.Body), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s %s: body lacks \"allowed_mentions\":{\"parse\":[]: %s", c.Method, c.Path, c.Body)
		}
		if c.Status >= 300 {
			t.Errorf("%s %s answered %d: %s", c.Method, c.Path, c.Status, c.Body)
		}
	}
	if n == 0 {
		t.Error("no message was posted")
	}
}

func TestConnectsAndRegistersCommands(t *testing.T) {
	t.Parallel()
	for _, guild := range []string{"", "300000000000000001"} {
		hs := start(t, setup{opts: bot.Options{GuildID: guild}, cfg: bot.Config{Timeliner: &timeliner{}}})
		ids := hs.fake.Identifies()
		if len(ids) != 1 {
			t.Fatalf("identified %d times", len(ids))
		}
		if ids[0].Token != "Bot "+token {
			t.Errorf("identify token %q", ids[0].Token)
		}
		want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
		if ids[0].Intents != int(want) || ids[0].Intents&int(discordgo.IntentMessageContent) != 0 {
			t.Errorf("intents %d; want %d (guilds, guild messages, direct messages; no message content)", ids[0].Intents, want)
		}
		if _, err := hs.fake.Wait(wait(t), func([]fakediscord.Call) bool { return hs.fake.Heartbeats() > 0 }); err != nil {
			t.Error("no heartbeat")
		}
		var names []string
		for _, raw := range hs.fake.Commands(guild) {
			var c discordgo.ApplicationCommand
			json.Unmarshal(raw, &c)
			names = append(names, c.Name)
		}
		if got := strings.Join(names, " "); got != "ask timeline source help" {
			t.Errorf("guild %q: registered %q", guild, got)
		}
		for _, c := range hs.fake.Calls() {
			if c.Auth != "Bot "+token {
				t.Errorf("%s %s: Authorization %q", c.Method, c.Path, c.Auth)
			}
			if c.Status == http.StatusNotFound {
				t.Errorf("unknown route %s %s", c.Method, c.Path)
			}
		}
	}
}

func TestShardsIdentifyAndOnlyShardZeroRegisters(t *testing.T) {
	t.Parallel()
	zero := start(t, setup{opts: bot.Options{ShardID: 0, ShardCount: 2}})
	if ids := zero.fake.Identifies(); len(ids) != 1 || fmt.Sprint(ids[0].Shard) != "[0 2]" {
		t.Errorf("shard 0 identified as %+v; want shard [0 2]", ids)
	}

	one := start(t, setup{opts: bot.Options{ShardID: 1, ShardCount: 2}, noStart: true})
	one.run(t)
	if _, err := one.fake.Wait(wait(t), func([]fakediscord.Call) bool { return one.fake.Heartbeats() > 0 }); err != nil {
		t.Fatal("shard 1 never connected")
	}
	one.stop()
	if err := <-one.result; err != nil {
		t.Fatal(err)
	}
	one.result <- nil // for the cleanup
	if ids := one.fake.Identifies(); len(ids) != 1 || fmt.Sprint(ids[0].Shard) != "[1 2]" {
		t.Errorf("shard 1 identified as %+v; want shard [1 2]", ids)
	}
	for _, c := range one.fake.Calls() {
		if c.Route == routeCommands || c.Route == routeGuildCmds {
			t.Errorf("shard 1 registered commands: %s %s", c.Method, c.Path)
		}
	}
	if _, err := bot.New(token, bot.NewHandler(one.ans, one.lib, bot.Config{}), bot.Options{ShardID: 2, ShardCount: 2}); err == nil {
		t.Error("bot.New accepted shard 2 of 2")
	}
}

func TestCommandRegistrationIsIdempotent(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	first := hs.fake.Commands("")
	hs.stop()
	if err := <-hs.result; err != nil {
		t.Fatal(err)
	}
	hs.result <- nil // for the cleanup
	// A second start registers the same commands again, replacing them.
	b, err := bot.New(token, bot.NewHandler(hs.ans, hs.lib, bot.Config{}), bot.Options{APIBase: hs.fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	hs2 := &harness{fake: hs.fake, bot: b, result: make(chan error, 1)}
	hs2.run(t)
	calls, err := hs.fake.WaitRoute(wait(t), routeCommands, 2)
	if err != nil {
		t.Fatal(err)
	}
	if string(calls[0].Body) != string(calls[1].Body) {
		t.Errorf("second registration differs:\n%s\n%s", calls[0].Body, calls[1].Body)
	}
	if got := hs.fake.Commands(""); len(got) != len(first) {
		t.Errorf("after re-registering: %d commands, want %d", len(got), len(first))
	}
}

func TestAskDeferredThenEdited(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	sent, err := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{
		{Name: "question", Value: "@everyone who shouted at the harbour?"}}})
	if err != nil {
		t.Fatal(err)
	}
	calls, err := hs.fake.WaitRoute(wait(t), routeEdit, 1)
	if err != nil {
		t.Fatal(err)
	}
	mine := only(hs.fake.Calls(), sent)
	if got, want := routes(mine), routeCallback+" | "+routeEdit; got != want {
		t.Fatalf("calls: %s; want %s", got, want)
	}
	ack := decode[callback](t, mine[0])
	if ack.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) || ack.Data.Flags != 0 {
		t.Errorf("acknowledgement: type %d flags %d; want a public deferred response (5, 0)", ack.Type, ack.Data.Flags)
	}
	if !strings.HasSuffix(calls[0].Path, "/messages/@original") {
		t.Errorf("edited %s; want the original response", calls[0].Path)
	}
	edit := decode[message](t, calls[0])
	if !strings.Contains(edit.Content, `return \[1\]`) {
		t.Errorf("content %q; want the answer with its marker", edit.Content)
	}
	if len(edit.Embeds) != 1 {
		t.Fatalf("got %d embeds, want 1 quote", len(edit.Embeds))
	}
	quote := strings.TrimPrefix(edit.Embeds[0].Description, ">>> ")
	if !strings.Contains(hs.lib.passages[1].Text, quote) || !strings.Contains(quote, "@here") {
		t.Errorf("quote %q is not verbatim from the passage", quote)
	}
	if edit.Embeds[0].Footer == nil || !strings.Contains(edit.Embeds[0].Footer.Text, "fake-model") {
		t.Errorf("footer %+v; want the model named", edit.Embeds[0].Footer)
	}
	if q := hs.ans.(*answerer).questions(); len(q) != 1 || q[0] != "@everyone who shouted at the harbour?" {
		t.Errorf("model asked %q", q)
	}
	checkNoPings(t, hs.fake.Calls())
}

func TestAskPrivate(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	sent, _ := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{
		{Name: "question", Value: "Who shouted?"}, {Name: "public", Value: false}}})
	if _, err := hs.fake.WaitRoute(wait(t), routeEdit, 1); err != nil {
		t.Fatal(err)
	}
	mine := only(hs.fake.Calls(), sent)
	if ack := decode[callback](t, mine[0]); ack.Data.Flags != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("acknowledgement flags %d; want ephemeral (64)", ack.Data.Flags)
	}
	checkNoPings(t, mine)
}

func TestServesMentionsWhenCommandsCannotBeRegistered(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{fake: fakediscord.Options{Disable: []string{routeCommands}}, noStart: true})
	hs.run(t)
	registerFailed := func(calls []fakediscord.Call) bool {
		for _, c := range calls {
			if c.Method == "PUT" && strings.HasSuffix(c.Path, "/commands") && c.Status == http.StatusNotFound {
				return true
			}
		}
		return false
	}
	if _, err := hs.fake.Wait(wait(t), registerFailed); err != nil {
		t.Fatalf("no failed attempt to register commands: %v", err)
	}
	if _, err := hs.fake.Post(fakediscord.Message{Content: "<@" + hs.fake.BotID + "> who shouted?", MentionBot: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.fake.WaitRoute(wait(t), routeMessage, 1); err != nil {
		t.Fatalf("mention not answered after registration failed: %v", err)
	}
	checkNoPings(t, hs.fake.Calls())
}

func TestMentionAnsweredWithReply(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	id, err := hs.fake.Post(fakediscord.Message{Content: "<@" + hs.fake.BotID + "> @everyone who shouted?", MentionBot: true})
	if err != nil {
		t.Fatal(err)
	}
	calls, err := hs.fake.WaitRoute(wait(t), routeMessage, 1)
	if err != nil {
		t.Fatal(err)
	}
	typing := hs.fake.CallsTo(routeTyping)
	if len(typing) == 0 || typing[0].N > calls[0].N {
		t.Errorf("calls %s; want the typing indicator before the reply", routes(hs.fake.Calls()))
	}
	m := decode[message](t, calls[0])
	if m.Reference == nil || m.Reference.MessageID != id {
		t.Errorf("reply references %+v; want message %s", m.Reference, id)
	}
	if !strings.Contains(m.Content, "sailor") || len(m.Embeds) != 1 {
		t.Errorf("reply %q with %d embeds", m.Content, len(m.Embeds))
	}
	if q := hs.ans.(*answerer).questions(); len(q) != 1 || q[0] != "@everyone who shouted?" {
		t.Errorf("model asked %q; want the message without the mention", q)
	}
	checkNoPings(t, hs.fake.Calls())
}

func TestIgnoresBotsWebhooksItselfAndUnmentioned(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	for _, m := range []fakediscord.Message{
		{Content: "<@" + hs.fake.BotID + "> from a bot", MentionBot: true, Bot: true, AuthorID: "400000000000000009"},
		{Content: "<@" + hs.fake.BotID + "> from a webhook", MentionBot: true, WebhookID: "700000000000000001"},
		{Content: "<@" + hs.fake.BotID + "> from itself", MentionBot: true, AuthorID: hs.fake.BotID},
		{Content: "not for the bot"},
	} {
		if _, err := hs.fake.Post(m); err != nil {
			t.Fatal(err)
		}
	}
	// A message that should be answered, after the others: once its reply
	// is posted, the others have been handled too.
	hs.fake.Post(fakediscord.Message{Content: "in a direct message", DM: true})
	if _, err := hs.fake.WaitRoute(wait(t), routeMessage, 1); err != nil {
		t.Fatal(err)
	}
	// Handlers run concurrently: stop the bot, which waits for them all.
	hs.stop()
	err := <-hs.result
	hs.result <- err
	if q := hs.ans.(*answerer).questions(); len(q) != 1 || q[0] != "in a direct message" {
		t.Errorf("model asked %q; want only the direct message", q)
	}
	if n := len(hs.fake.CallsTo(routeMessage)); n != 1 {
		t.Errorf("posted %d messages, want 1", n)
	}
}

func TestRateLimitOverDiscord(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	hs := start(t, setup{cfg: bot.Config{RatePerMinute: 1, RateBurst: 1, Now: func() time.Time { return now }}})
	q := []fakediscord.Option{{Name: "question", Value: "Who shouted?"}}
	hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: q})
	if _, err := hs.fake.WaitRoute(wait(t), routeEdit, 1); err != nil {
		t.Fatal(err)
	}
	sent, _ := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: q})
	calls, err := hs.fake.WaitRoute(wait(t), routeCallback, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := decode[callback](t, calls[1])
	if !sent.Of(calls[1]) || r.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || r.Data.Flags != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("second question: type %d flags %d; want an immediate private message", r.Type, r.Data.Flags)
	}
	if want := "Slow down a little: you can ask again in 60 s."; r.Data.Content != want {
		t.Errorf("content %q; want %q", r.Data.Content, want)
	}
	// A mention from the same user is refused too, in a direct message.
	hs.fake.Post(fakediscord.Message{Content: "<@" + hs.fake.BotID + "> again?", MentionBot: true})
	msgs, err := hs.fake.WaitRoute(wait(t), routeMessage, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m := decode[message](t, msgs[0]); !strings.Contains(msgs[0].Path, "/channels/dm-") || !strings.HasPrefix(m.Content, "Slow down") {
		t.Errorf("mention refusal went to %s: %q; want a direct message", msgs[0].Path, m.Content)
	}
	if n := len(hs.ans.(*answerer).questions()); n != 1 {
		t.Errorf("model asked %d times, want 1", n)
	}
	checkNoPings(t, hs.fake.Calls())
}

// slow returns a setup answer func for a model that waits for release.
func slow(release chan struct{}, started chan string) func(*library) bot.Answerer {
	return func(lib *library) bot.Answerer { return &answerer{lib: lib, release: release, started: started} }
}

func TestBusyOverDiscord(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan string, 10)
	hs := start(t, setup{cfg: bot.Config{MaxConcurrent: 1, MaxQueued: 1}, answer: slow(release, started)})
	defer close(release)
	q := []fakediscord.Option{{Name: "question", Value: "Who shouted?"}}
	hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: q, UserID: "1"})
	<-started
	hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: q, UserID: "2"})
	if _, err := hs.fake.WaitRoute(wait(t), routeCallback, 2); err != nil {
		t.Fatal(err)
	}
	sent, _ := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: q, UserID: "3"})
	calls, err := hs.fake.WaitRoute(wait(t), routeCallback, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := decode[callback](t, calls[2])
	if !sent.Of(calls[2]) || r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "busy") {
		t.Errorf("third question: type %d flags %d %q; want a private busy message at once", r.Type, r.Data.Flags, r.Data.Content)
	}
	if n := len(hs.fake.CallsTo(routeEdit)); n != 0 {
		t.Errorf("%d answers posted while the model was held", n)
	}
}

func TestTwentyInFlightAllAcknowledgedFirst(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan string, 20)
	hs := start(t, setup{cfg: bot.Config{MaxConcurrent: 4, MaxQueued: 32}, answer: slow(release, started)})
	for i := range 20 {
		_, err := hs.fake.Interact(fakediscord.Interaction{Command: "ask", UserID: fmt.Sprint(1000 + i),
			Options: []fakediscord.Option{{Name: "question", Value: fmt.Sprintf("Question %d?", i)}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	acks, err := hs.fake.WaitRoute(wait(t), routeCallback, 20)
	if err != nil {
		t.Fatalf("not every question was acknowledged while the model was held: %v", err)
	}
	for _, c := range acks {
		if r := decode[callback](t, c); r.Type != 5 {
			t.Errorf("acknowledgement type %d, want 5 (deferred)", r.Type)
		}
	}
	if n := len(hs.fake.CallsTo(routeEdit)); n != 0 {
		t.Fatalf("%d answers before the model was released", n)
	}
	close(release) // only now may any model call finish
	edits, err := hs.fake.WaitRoute(wait(t), routeEdit, 20)
	if err != nil {
		t.Fatal(err)
	}
	lastAck := acks[len(acks)-1].N
	for _, e := range edits {
		if e.N < lastAck {
			t.Errorf("an answer (call %d) came before the last acknowledgement (call %d)", e.N, lastAck)
		}
		if e.Status != 200 {
			t.Errorf("edit answered %d", e.Status)
		}
	}
	if got := len(started); got > 20 {
		t.Errorf("model called %d times", got)
	}
}

// long answers with a text over 2,000 characters and twelve quotes.
type long struct{ lib *library }

func (l long) Ask(_ context.Context, query answer.Query) (answer.Answer, error) {
	q := query.Question
	a := answer.Answer{Question: q, Mode: answer.ModeLLM, Model: "m", Answer: strings.Repeat("The captain sailed north and the crew feared the ice. ", 60)}
	for i := 1; i <= 12; i++ {
		p := l.lib.passages[i%3]
		a.Citations = append(a.Citations, answer.Citation{Ref: i, PassageID: p.ID, Quote: strings.Repeat(p.Text+" ", 6)})
	}
	return a, nil
}

func TestLongAnswerSplitWithinLimits(t *testing.T) {
	t.Parallel()
	for _, public := range []bool{true, false} {
		hs := start(t, setup{answer: func(lib *library) bot.Answerer { return long{lib} }})
		sent, _ := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{
			{Name: "question", Value: "Tell me everything"}, {Name: "public", Value: public}}})
		if _, err := hs.fake.WaitRoute(wait(t), routeFollowUp, 2); err != nil {
			t.Fatalf("public=%v: %v (calls: %s)", public, err, routes(hs.fake.Calls()))
		}
		embeds := 0
		for _, c := range only(hs.fake.Calls(), sent) {
			if c.Status >= 300 {
				t.Errorf("%s answered %d: %s", c.Route, c.Status, c.Body)
			}
			if c.Route == routeFollowUp {
				m := decode[message](t, c)
				embeds += len(m.Embeds)
				if public != (m.Flags == 0) {
					t.Errorf("public=%v: follow-up flags %d", public, m.Flags)
				}
			}
			if c.Route == routeEdit {
				embeds += len(decode[message](t, c).Embeds)
			}
		}
		if embeds != 12 {
			t.Errorf("public=%v: %d quotes shown, want 12", public, embeds)
		}
		checkNoPings(t, hs.fake.Calls())
	}
}

func TestPrivateErrorAfterPublicAcknowledgement(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{answer: func(*library) bot.Answerer {
		return failingAnswerer{fmt.Errorf("search: %w", knowledge.ErrEmptyQuery)}
	}})
	sent, _ := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: "???"}}})
	if _, err := hs.fake.WaitRoute(wait(t), routeFollowUp, 1); err != nil {
		t.Fatal(err)
	}
	mine := only(hs.fake.Calls(), sent)
	if got, want := routes(mine), routeCallback+" | "+routeDelete+" | "+routeFollowUp; got != want {
		t.Fatalf("calls %s; want %s", got, want)
	}
	if m := decode[message](t, mine[2]); m.Flags != 64 || !strings.Contains(m.Content, "couldn't find any words") {
		t.Errorf("follow-up flags %d %q; want a private explanation", m.Flags, m.Content)
	}
}

func TestSourceAndAutocompleteOverDiscord(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	hs.fake.Interact(fakediscord.Interaction{Command: "source", Autocomplete: true,
		Options: []fakediscord.Option{{Name: "passage", Value: "voyage#", Focused: true}}})
	calls, err := hs.fake.WaitRoute(wait(t), routeCallback, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ac struct {
		Type int `json:"type"`
		Data struct {
			Choices []discordgo.ApplicationCommandOptionChoice `json:"choices"`
		} `json:"data"`
	}
	calls[0].Decode(&ac)
	if ac.Type != 8 || len(ac.Data.Choices) != 3 || ac.Data.Choices[0].Value != "voyage#1" {
		t.Errorf("autocomplete: %s", calls[0].Body)
	}
	hs.fake.Interact(fakediscord.Interaction{Command: "source", Options: []fakediscord.Option{{Name: "passage", Value: "voyage#2"}}})
	hs.fake.Interact(fakediscord.Interaction{Command: "source", Options: []fakediscord.Option{{Name: "passage", Value: "nope"}}, DM: true})
	calls, err = hs.fake.WaitRoute(wait(t), routeCallback, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls[1:] {
		r := decode[callback](t, c)
		switch {
		case r.Data.Flags == 0:
			if r.Type != 4 || len(r.Data.Embeds) != 1 || !strings.Contains(r.Data.Embeds[0].Description, "@here, the ship is back!") {
				t.Errorf("source: %s", c.Body)
			}
		default:
			if !strings.Contains(r.Data.Content, `There is no passage "nope"`) {
				t.Errorf("unknown passage: %s", c.Body)
			}
		}
	}
	checkNoPings(t, hs.fake.Calls())
}

func TestShutdownGivesInFlightAnswersAGracePeriod(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan string, 1)
	hs := start(t, setup{answer: slow(release, started), opts: bot.Options{Grace: 50 * time.Millisecond}})
	sent, _ := hs.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: "Who?"}}})
	<-started
	hs.stop() // the model never answers: the grace period runs out
	if err := <-hs.result; err != nil {
		t.Errorf("Run: %v", err)
	}
	hs.result <- nil
	mine := only(hs.fake.Calls(), sent)
	if got := routes(mine); got != routeCallback+" | "+routeEdit {
		t.Fatalf("calls %s", got)
	}
	if m := decode[message](t, mine[1]); !strings.Contains(m.Content, "storybot is restarting") || !strings.Contains(m.Content, "please ask again") {
		t.Errorf("in-flight question got %q; want the restart notice", m.Content)
	}
	if state, _, ok := hs.bot.Gateway(); state != "stopped" || ok {
		t.Errorf("gateway after stop: %s, ok=%v", state, ok)
	}
}

func TestRejectedToken(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(fakediscord.Options{Token: "the-right-one"})
	defer fake.Close()
	b, err := bot.New("wrong", bot.NewHandler(&answerer{}, newLibrary(), bot.Config{}), bot.Options{APIBase: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Run(context.Background())
	if bot.HTTPStatus(err) != http.StatusUnauthorized || !strings.Contains(err.Error(), "token was rejected (401 Unauthorized)") {
		t.Errorf("Run with a wrong token: %v; want a 401 saying the token was rejected", err)
	}
	if err != nil && strings.Contains(err.Error(), "DISCORD_") {
		t.Errorf("Run's error %q names a variable; the bot names its own parameters, storybot serve the variables", err)
	}
}

func TestWhoami(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(fakediscord.Options{Token: "the-right-one"})
	defer fake.Close()
	ctx := context.Background()
	u, err := bot.Whoami(ctx, "Bot the-right-one", fake.URL+"/")
	if err != nil || u.ID != fake.BotID || u.Username != fake.BotName {
		t.Errorf("Whoami = %+v, %v; want %s (%s)", u, err, fake.BotName, fake.BotID)
	}
	_, err = bot.Whoami(ctx, "wrong", fake.URL)
	if s := bot.HTTPStatus(err); s != http.StatusUnauthorized {
		t.Errorf("Whoami with a wrong token: status %d (%v), want 401", s, err)
	}
	calls := fake.CallsTo("GET /users/@me")
	if len(calls) != 2 || calls[0].Auth != "Bot the-right-one" || calls[1].Auth != "Bot wrong" {
		t.Errorf("fake Discord saw %+v; want one GET /users/@me per token, each as \"Bot <token>\"", calls)
	}
	if _, err := bot.Whoami(ctx, " ", fake.URL); err == nil {
		t.Error("Whoami with no token: no error")
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{noStart: true})
	srv := httptest.NewServer(bot.HealthHandler(hs.bot, hs.lib))
	defer srv.Close()
	get := func() (int, bot.Health) {
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h bot.Health
		body, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(body, &h); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		return resp.StatusCode, h
	}
	if code, h := get(); code != 503 || h.Gateway.State != "starting" || !h.Index.OK || h.Index.Passages != 3 {
		t.Errorf("before connecting: %d %+v", code, h)
	}
	hs.run(t)
	if _, err := hs.fake.WaitRoute(wait(t), routeCommands, 1); err != nil {
		t.Fatal(err)
	}
	if code, h := get(); code != 200 || h.Status != "ok" || h.Gateway.State != "connected" {
		t.Errorf("connected: %d %+v", code, h)
	}
	hs.stop()
	<-hs.result
	hs.result <- nil
	if code, h := get(); code != 503 || h.Gateway.State != "stopped" {
		t.Errorf("after stopping: %d %+v", code, h)
	}
	empty := httptest.NewServer(bot.HealthHandler(hs.bot, emptyIndex{}))
	defer empty.Close()
	resp, err := http.Get(empty.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("empty index: %d", resp.StatusCode)
	}
}

type emptyIndex struct{}

func (emptyIndex) Stats(context.Context) (int, int, error) {
	return 0, 0, errors.New("no such table: passages")
}

func TestInviteURL(t *testing.T) {
	if bot.Permissions != 309237730304 {
		t.Errorf("Permissions = %d; the README says 309237730304", bot.Permissions)
	}
	want := "https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=309237730304"
	if got := bot.InviteURL("123"); got != want {
		t.Errorf("InviteURL = %s", got)
	}
}

func TestWorksWithoutRESTIdentity(t *testing.T) {
	t.Parallel()
	// Without users/@me and the application lookup, the READY event says
	// who the bot is.
	hs := start(t, setup{fake: fakediscord.Options{Disable: []string{"GET /users/@me", "GET /oauth2/applications/@me"}}})
	id, _ := hs.fake.Post(fakediscord.Message{Content: "<@" + hs.fake.BotID + "> who shouted?", MentionBot: true})
	calls, err := hs.fake.WaitRoute(wait(t), routeMessage, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m := decode[message](t, calls[0]); m.Reference == nil || m.Reference.MessageID != id {
		t.Errorf("reply %s", calls[0].Body)
	}
}
