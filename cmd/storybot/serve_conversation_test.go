package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
)

// posted is a message the bot posted, as the fake answered with it.
type posted struct {
	ID      string `json:"id"`
	Channel string `json:"channel_id"`
	discordMessage
}

// addShops ingests the two shops into the running serve's index, as
// another process would, and returns its text for verbatim checks.
func (s *serving) addShops(t *testing.T) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "shops.txt")
	if err := os.WriteFile(file, []byte(twoShops), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, map[string]string{"STORYBOT_DB": s.db, "HOME": t.TempDir()}, "ingest", file); r.err != nil {
		t.Fatalf("ingest: %v\n%s", r.err, r.stderr)
	}
	s.texts["shops"] = twoShops
}

// say posts m and returns what the bot replied to it (its first message)
// and the REST calls it made meanwhile.
func (s *serving) say(t *testing.T, m fakediscord.Message) (posted, []fakediscord.Call) {
	t.Helper()
	before := len(s.fake.Calls())
	id, err := s.fake.Post(m)
	if err != nil {
		t.Fatal(err)
	}
	var reply posted
	calls, err := s.fake.Wait(s.ctx, func(calls []fakediscord.Call) bool {
		for _, c := range calls[before:] {
			var p posted
			if c.Route == "POST /channels/{channel}/messages" && json.Unmarshal(c.Reply, &p) == nil && p.Reference != nil && p.Reference.MessageID == id {
				reply = p
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no reply to %q: %v\nlog:\n%s", m.Content, err, s.stderr.String())
	}
	return reply, calls[before:]
}

// replyTo is a reply to the bot's message id that pings it, with text.
func replyTo(id, text string) fakediscord.Message {
	return fakediscord.Message{Content: text, ReplyTo: id}
}

func mention(bot, text string) fakediscord.Message {
	return fakediscord.Message{Content: "<@" + bot + "> " + text, MentionBot: true}
}

// quotes are the passage ids an answer quotes, in order.
func quotes(m discordMessage) []string {
	var ids []string
	for _, e := range m.Embeds {
		if len(e.Fields) > 0 {
			ids = append(ids, strings.Trim(e.Fields[0].Value, "`"))
		}
	}
	return ids
}

// reads counts the bot's reads of channel messages.
func reads(calls []fakediscord.Call) int {
	return countRoute(calls, "GET /channels/{channel}/messages/{message}") + countRoute(calls, "GET /channels/{channel}/messages")
}

func countRoute(calls []fakediscord.Call, route string) int {
	n := 0
	for _, c := range calls {
		if c.Route == route {
			n++
		}
	}
	return n
}

// TestServeConversations runs serve against the fake Discord and holds
// conversations as people do: replies to the bot's answers, a thread from
// /ask thread:True, and what goes wrong (a long chain, deleted messages,
// someone else's reply, a thread it cannot read, another server).
func TestServeConversations(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := startServeWith(t, ctx, map[string]string{"RATE_LIMIT_BURST": "100", "RATE_LIMIT_PER_MINUTE": "1000"})
	s.addShops(t)
	t.Run("a reply to an answer follows it up", s.testReplyFollowUp)
	t.Run("pronouns about the default story", s.testDefaultStoryPronouns)
	t.Run("a follow-up in words the story does not use", s.testInOtherWords)
	t.Run("the story carries over", s.testStoryCarriesOver)
	t.Run("a long chain is read within the bound", s.testLongChain)
	t.Run("deleted, someone else's, another server's", s.testBrokenChains)
	t.Run("a thread from /ask thread:True", s.testThread)
	t.Run("someone else's thread", s.testOthersThread)

	if err := s.stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	// Reading what was deleted, or a thread the bot may not read, fails
	// as it must; everything else succeeded.
	var rest []fakediscord.Call
	for _, c := range s.fake.Calls() {
		if c.Method != "GET" || c.Status != 404 && c.Status != 403 {
			rest = append(rest, c)
		}
	}
	checkCalls(t, rest)
}

func (s *serving) testReplyFollowUp(t *testing.T) {
	bot := s.fake.BotID
	for _, tc := range []struct{ first, followUp, want, phrase string }{
		{"who runs the bakery?", "How much was she fined?", "shops#2", "two hundred dollars"},
		{"who repairs tractors?", "How much was he fined?", "shops#4", "five hundred dollars"},
	} {
		first, _ := s.say(t, mention(bot, tc.first))
		if !strings.HasPrefix(first.Content, "-# Asked: "+tc.first+"\n") {
			t.Errorf("the answer does not say what it answered: %q", first.Content)
		}
		second, calls := s.say(t, replyTo(first.ID, tc.followUp))
		s.verbatim(t, second.discordMessage)
		if q := quotes(second.discordMessage); len(q) == 0 || q[0] != tc.want || !containsPhrase(second.discordMessage, tc.phrase) {
			t.Errorf("%q after %q quotes %v; want %s first, saying %q", tc.followUp, tc.first, q, tc.want, tc.phrase)
		}
		if n := countRoute(calls, "GET /channels/{channel}/messages/{message}"); n > 6 {
			t.Errorf("%d messages fetched for one follow-up", n)
		}
	}
}

// testDefaultStoryPronouns replies to the bot's answers about Vincent
// Ramos with questions that name him only as "he", each a reply to the
// previous answer, and expects the passage that answers each quoted first.
func (s *serving) testDefaultStoryPronouns(t *testing.T) {
	last, _ := s.say(t, mention(s.fake.BotID, "Who is Vincent Ramos?"))
	for _, tc := range []struct{ q, passage, phrase string }{
		{"What did he plead guilty to?", "phantom-secure#4", "pleaded guilty in October 2018"},
		{"How long did he get in prison?", "phantom-secure#11", "nine years in prison"},
		{"Did he give the FBI a backdoor?", "phantom-secure#7", "did not give law enforcement a backdoor"},
		{"What did the FBI offer him?", "phantom-secure#6", "offered him a deal"},
	} {
		reply, _ := s.say(t, replyTo(last.ID, tc.q))
		s.verbatim(t, reply.discordMessage)
		if q := quotes(reply.discordMessage); len(q) == 0 || !slices.Contains(q, tc.passage) || !containsPhrase(reply.discordMessage, tc.phrase) {
			t.Errorf("%q quotes %v; want %s, saying %q", tc.q, q, tc.passage, tc.phrase)
		}
		last = reply
	}
}

func (s *serving) testStoryCarriesOver(t *testing.T) {
	sent, err := s.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{
		{Name: "question", Value: "Who is Vincent Ramos?"}, {Name: "story", Value: "phantom-secure"}}})
	if err != nil {
		t.Fatal(err)
	}
	answer := s.original(t, sent)
	if !strings.Contains(answer.Content, "-# Asked: Who is Vincent Ramos? · story `phantom-secure`") {
		t.Errorf("slash answer %q does not carry its question and story", answer.Content)
	}
	// "fined" is in the shops, not in the Phantom Secure story.
	reply, _ := s.say(t, replyTo(answer.ID, "Was he fined?"))
	for _, q := range quotes(reply.discordMessage) {
		if !strings.HasPrefix(q, "phantom-secure#") {
			t.Errorf("follow-up of a phantom-secure answer quotes %s", q)
		}
	}
	if !strings.Contains(reply.Content, "· story `phantom-secure`") {
		t.Errorf("follow-up %q does not carry the story on", reply.Content)
	}
}

func (s *serving) testLongChain(t *testing.T) {
	bot := s.fake.BotID
	msg, _ := s.say(t, mention(bot, "Who owns the garage?"))
	for range 10 {
		msg, _ = s.say(t, replyTo(msg.ID, "What about the garage?"))
	}
	last, calls := s.say(t, replyTo(msg.ID, "How much was he fined?"))
	if n := reads(calls); n != 1 {
		t.Errorf("%d reads along a 12-turn chain that the channel's latest messages hold; want 1", n)
	}
	if q := quotes(last.discordMessage); len(q) == 0 || q[0] != "shops#4" {
		t.Errorf("quotes %v; want shops#4", q)
	}
	// Once the chain is older than the page, its messages are read one by
	// one, within the bound.
	for i := range threadWindowForTest {
		s.fake.Post(fakediscord.Message{Content: fmt.Sprintf("chatter %d", i)})
	}
	last, calls = s.say(t, replyTo(last.ID, "How much was he fined?"))
	if n := reads(calls); n < 2 || n > 6 {
		t.Errorf("%d reads along a chain older than the page; want 2 to 6", n)
	}
	if q := quotes(last.discordMessage); len(q) == 0 || q[0] != "shops#4" {
		t.Errorf("quotes %v; want shops#4", q)
	}
}

// threadWindowForTest is how many messages push a conversation out of the
// page of latest messages the bot reads (bot.threadWindow).
const threadWindowForTest = 50

func (s *serving) testBrokenChains(t *testing.T) {
	bot := s.fake.BotID
	first, _ := s.say(t, mention(bot, "Who repairs tractors?"))
	// Someone else follows up; then their question is deleted.
	other := replyTo(first.ID, "Who inspected his garage?")
	other.AuthorID = "400000000000000009"
	middle, _ := s.say(t, other)
	s.fake.DeleteMessage(middle.Reference.MessageID)
	reply, _ := s.say(t, replyTo(middle.ID, "How much was he fined?"))
	s.verbatim(t, reply.discordMessage)
	// The answer being replied to is deleted: a plain question.
	s.fake.DeleteMessage(first.ID)
	gone, _ := s.say(t, fakediscord.Message{Content: "<@" + bot + "> was he fined?", MentionBot: true, ReplyTo: first.ID})
	if len(gone.Embeds) == 0 && !strings.Contains(gone.Content, "doesn't say") {
		t.Errorf("reply to a deleted answer: %q", gone.Content)
	}
	// A reply that points into another server's channel is never read.
	s.fake.AddChannel("999000000000000001", "999000000000000002")
	foreign, err := s.fake.Post(fakediscord.Message{Content: "The secret of the other server is the blue lighthouse.", Channel: "999000000000000002", Guild: "999000000000000001"})
	if err != nil {
		t.Fatal(err)
	}
	_, calls := s.say(t, fakediscord.Message{Content: "<@" + bot + "> what is the secret?", MentionBot: true, ReplyTo: foreign})
	for _, c := range calls {
		if strings.Contains(c.Path, "999000000000000002") {
			t.Errorf("read another server's channel: %s %s", c.Method, c.Path)
		}
		if strings.Contains(string(c.Body), "lighthouse") {
			t.Errorf("another server's text reached %s", c.Path)
		}
	}
}

func (s *serving) testThread(t *testing.T) {
	bot := s.fake.BotID
	question := "Who runs the bakery on Mill Street, and what did the inspectors find there when they visited her bakery in March, after the neighbour complained?"
	sent, err := s.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{
		{Name: "question", Value: question}, {Name: "thread", Value: true}}})
	if err != nil {
		t.Fatal(err)
	}
	intro := s.original(t, sent)
	created, err := s.fake.WaitRoute(s.ctx, "POST /channels/{channel}/messages/{message}/threads", 1)
	if err != nil {
		t.Fatal(err)
	}
	var th struct {
		ID, Name string
	}
	json.Unmarshal(created[len(created)-1].Reply, &th)
	if th.ID != intro.ID || len([]rune(th.Name)) > 100 || !strings.HasPrefix(question, strings.TrimSuffix(th.Name, "…")) {
		t.Errorf("thread %+v from message %s; want it started from the intro, named after the question within 100 characters", th, intro.ID)
	}
	calls, err := s.fake.Wait(s.ctx, func(calls []fakediscord.Call) bool {
		return slices.ContainsFunc(calls, func(c fakediscord.Call) bool {
			return c.Path == "/api/v9/channels/"+th.ID+"/messages" && c.Method == "POST"
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var first posted
	for _, c := range calls {
		if c.Path == "/api/v9/channels/"+th.ID+"/messages" && c.Method == "POST" {
			json.Unmarshal(c.Reply, &first)
		}
	}
	if !strings.HasPrefix(first.Content, "-# Asked: "+question) || quotes(first.discordMessage)[0] != "shops#1" || strings.Contains(intro.Content, "Asked:") {
		t.Errorf("in the thread %q %v; the intro %q", first.Content, quotes(first.discordMessage), intro.Content)
	}
	// In the thread, a mention follows up without repeating who.
	reply, calls := s.say(t, fakediscord.Message{Content: "<@" + bot + "> how much was she fined?", MentionBot: true, Channel: th.ID})
	s.verbatim(t, reply.discordMessage)
	if q := quotes(reply.discordMessage); len(q) == 0 || q[0] != "shops#2" {
		t.Errorf("follow-up in the thread quotes %v; want shops#2", q)
	}
	if n := countRoute(calls, "GET /channels/{channel}/messages"); n != 1 {
		t.Errorf("%d reads of the thread's messages; want 1", n)
	}
	// Without the message content intent, a message that does not
	// mention the bot is not answered (its text does not even arrive).
	before := len(s.fake.Calls())
	s.fake.Post(fakediscord.Message{Content: "and was she fined again?", Channel: th.ID})
	s.say(t, fakediscord.Message{Content: "<@" + bot + "> who owns the garage?", MentionBot: true, Channel: th.ID})
	posts := 0
	for _, c := range s.fake.Calls()[before:] {
		if c.Method == "POST" && strings.HasSuffix(c.Path, "/messages") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d answers in the thread; want only the mention's", posts)
	}
	// When the bot may no longer read the thread's history, it answers
	// the question alone.
	s.fake.DenyHistory(th.ID)
	reply, calls = s.say(t, fakediscord.Message{Content: "<@" + bot + "> how much was he fined?", MentionBot: true, Channel: th.ID})
	if len(reply.Embeds) == 0 || !slices.ContainsFunc(calls, func(c fakediscord.Call) bool { return c.Status == 403 }) {
		t.Errorf("in a thread it cannot read: %q, calls %v", reply.Content, calls)
	}
}

func (s *serving) testOthersThread(t *testing.T) {
	bot := s.fake.BotID
	s.fake.AddThread("", "300000000000000077", fakediscord.ChannelID)
	reply, calls := s.say(t, fakediscord.Message{Content: "<@" + bot + "> who runs the bakery?", MentionBot: true, Channel: "300000000000000077"})
	if len(reply.Embeds) == 0 || countRoute(calls, "GET /channels/{channel}/messages") != 0 {
		t.Errorf("a mention in a user's thread: %q; want a plain answer, no history read", reply.Content)
	}
}

func containsPhrase(m discordMessage, phrase string) bool {
	for _, e := range m.Embeds {
		if strings.Contains(unmarkdown(e.Description), phrase) {
			return true
		}
	}
	return false
}

// original waits for the edit of an interaction's deferred response and
// returns the message as the fake answered with it.
func (s *serving) original(t *testing.T, sent fakediscord.Sent) posted {
	t.Helper()
	var m posted
	_, err := s.fake.Wait(s.ctx, func(calls []fakediscord.Call) bool {
		for _, c := range calls {
			if sent.Of(c) && c.Method == "PATCH" && json.Unmarshal(c.Reply, &m) == nil && m.ID != "" {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, s.stderr.String())
	}
	return m
}

// TestServeMessageContent: with DISCORD_MESSAGE_CONTENT=true the bot asks
// for the intent, and every message in its threads is a follow-up, while
// messages elsewhere that do not mention it are still left alone.
func TestServeMessageContent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := startServeWith(t, ctx, map[string]string{"DISCORD_MESSAGE_CONTENT": "true"})
	s.addShops(t)
	if ids := s.fake.Identifies(); len(ids) == 0 || ids[0].Intents&(1<<15) == 0 {
		t.Fatalf("identified with %+v; want the message content intent", ids)
	}
	sent, err := s.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{
		{Name: "question", Value: "Who repairs tractors?"}, {Name: "thread", Value: true}}})
	if err != nil {
		t.Fatal(err)
	}
	intro := s.original(t, sent)
	if _, err := s.fake.WaitRoute(s.ctx, "POST /channels/{channel}/messages", 1); err != nil {
		t.Fatal(err)
	}
	reply, _ := s.say(t, fakediscord.Message{Content: "and how much was he fined?", Channel: intro.ID})
	if q := quotes(reply.discordMessage); len(q) == 0 || q[0] != "shops#4" {
		t.Errorf("a message in the bot's thread: quotes %v; want shops#4", q)
	}
	before := len(s.fake.Calls())
	s.fake.Post(fakediscord.Message{Content: "how much was he fined?"}) // the channel, no mention
	s.say(t, mention(s.fake.BotID, "who runs the bakery?"))
	if n := countRoute(s.fake.Calls()[before:], "POST /channels/{channel}/messages"); n != 1 {
		t.Errorf("%d answers; want the mention's only", n)
	}
	if err := s.stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}
