// Command convbench measures what following up a conversation costs a
// running `storybot serve`: it starts the fake Discord (each REST answer
// delayed by -latency, as the round trip to Discord is) and the storybot
// binary against it, with no model, and holds -rounds conversations of
// -turns turns on the default story, side by side: questions that mention
// the bot with no conversation, reply chains (each question a reply to the
// bot's last answer) and threads (/ask thread:True, then mentions in the
// thread). For each question it counts the REST calls the bot made between
// the question and its answer, by route, and times the answer; the added
// latency of a follow-up is its time less a plain question's.
//
//	go build -o /tmp/storybot ./cmd/storybot
//	go run ./scripts/convbench -bin /tmp/storybot -latency 50ms
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "convbench:", err)
		os.Exit(1)
	}
}

// followUps are asked in turn after the first question.
var followUps = []string{
	"What did he plead guilty to?", "How long did he get in prison?", "Did he give the FBI a backdoor?",
	"What did the FBI offer him?", "Who told Motherboard?", "What did he agree to forfeit?",
	"What did the prosecution argue?", "What did his devices have?", "What happened after his arrest?",
}

const first = "Who is Vincent Ramos?"

func run() error {
	bin := flag.String("bin", "", "the storybot binary (go build -o /tmp/storybot ./cmd/storybot)")
	rounds := flag.Int("rounds", 20, "conversations of each kind")
	turns := flag.Int("turns", 10, "turns of each conversation")
	latency := flag.Duration("latency", 50*time.Millisecond, "delay of each REST answer of the fake Discord")
	flag.Parse()
	if *bin == "" {
		return errors.New("-bin is required (go build -o /tmp/storybot ./cmd/storybot)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	fake := fakediscord.New(fakediscord.Options{Token: "bench-token", Latency: *latency})
	defer fake.Close()
	dir, err := os.MkdirTemp("", "convbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	health := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, *bin, "serve")
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=bench-token", "DISCORD_API_BASE_URL="+fake.URL,
		"STORYBOT_DB="+filepath.Join(dir, "storybot.db"), "HEALTH_ADDR="+health, "OPENAI_BASE_URL=", "OPENAI_API_KEY=",
		"RATE_LIMIT_PER_MINUTE=1000", "RATE_LIMIT_BURST=100", "LOG_LEVEL=warn", "STORYBOT_ENV_FILE=")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		return fmt.Errorf("the bot never registered its commands: %w", err)
	}
	b := &bench{ctx: ctx, fake: fake}
	plain, chain, thread := &series{}, &series{}, &series{}
	for r := range *rounds {
		user := fmt.Sprint(410000000000000000 + r) // a user per round, within the rate limit
		for t := range *turns {
			if _, err := b.say(plain, fakediscord.Message{Content: b.mention(question(t)), MentionBot: true, AuthorID: user}, t+1); err != nil {
				return err
			}
		}
		last, err := b.say(chain, fakediscord.Message{Content: b.mention(first), MentionBot: true, AuthorID: user}, 1)
		if err != nil {
			return err
		}
		for t := 1; t < *turns; t++ {
			if last, err = b.say(chain, fakediscord.Message{Content: question(t), ReplyTo: last, AuthorID: user}, t+1); err != nil {
				return err
			}
		}
		th, err := b.thread(fmt.Sprintf("%s (%d)", first, r), user)
		if err != nil {
			return err
		}
		for t := 1; t < *turns; t++ {
			if _, err := b.say(thread, fakediscord.Message{Content: b.mention(question(t)), MentionBot: true, Channel: th, AuthorID: user}, t+1); err != nil {
				return err
			}
		}
	}
	fmt.Printf("%d conversations of each kind, %d turns each, default story, no model, REST round trip %v\n\n", *rounds, *turns, *latency)
	fmt.Printf("%-34s %9s %9s %22s %22s\n", "", "p50", "p99", "REST calls (mean, max)", "reads (mean, max)")
	row := func(name string, s *series, from int) {
		lat, calls, reads := s.from(from)
		fmt.Printf("%-34s %9v %9v %12.1f %9d %12.1f %9d\n", name, pct(lat, 0.5), pct(lat, 0.99), mean(calls), slices.Max(calls), mean(reads), slices.Max(reads))
	}
	row("plain question (mention)", plain, 2)
	row("reply-chain follow-up, turns 2-10", chain, 2)
	row("reply-chain follow-up, turn 10", chain, *turns)
	row("thread follow-up, turns 2-10", thread, 2)
	row("thread follow-up, turn 10", thread, *turns)
	pLat, _, _ := plain.from(2)
	cLat, _, _ := chain.from(*turns)
	tLat, _, _ := thread.from(*turns)
	fmt.Printf("\nadded latency at turn %d (p50 less a plain question's p50): reply chain %v, thread %v\n", *turns,
		pct(cLat, 0.5)-pct(pLat, 0.5), pct(tLat, 0.5)-pct(pLat, 0.5))
	return nil
}

func question(t int) string {
	if t == 0 {
		return first
	}
	return followUps[(t-1)%len(followUps)]
}

type bench struct {
	ctx  context.Context
	fake *fakediscord.Server
}

func (b *bench) mention(text string) string { return "<@" + b.fake.BotID + "> " + text }

// series holds, for each question, its turn, how long its answer took and
// the REST calls and message reads the bot made for it.
type series struct {
	turn         []int
	lat          []time.Duration
	calls, reads []int
}

func (s *series) from(turn int) (lat []time.Duration, calls, reads []int) {
	for i, t := range s.turn {
		if t >= turn {
			lat, calls, reads = append(lat, s.lat[i]), append(calls, s.calls[i]), append(reads, s.reads[i])
		}
	}
	return lat, calls, reads
}

// say posts m, waits for the bot's reply to it, records it in s and
// returns the reply's id.
func (b *bench) say(s *series, m fakediscord.Message, turn int) (string, error) {
	before := len(b.fake.Calls())
	at := time.Now()
	id, err := b.fake.Post(m)
	if err != nil {
		return "", err
	}
	var reply string
	var done time.Time
	calls, err := b.fake.Wait(b.ctx, func(calls []fakediscord.Call) bool {
		for _, c := range calls[before:] {
			var p struct {
				ID  string `json:"id"`
				Ref *struct {
					MessageID string `json:"message_id"`
				} `json:"message_reference"`
			}
			if c.Route == "POST /channels/{channel}/messages" && json.Unmarshal(c.Reply, &p) == nil && p.Ref != nil && p.Ref.MessageID == id {
				reply, done = p.ID, c.At
				return true
			}
		}
		return false
	})
	if err != nil {
		return "", fmt.Errorf("no answer to %q: %w", m.Content, err)
	}
	n, reads := 0, 0
	for _, c := range calls[before:] {
		if c.At.After(done) {
			break
		}
		n++
		if strings.HasPrefix(c.Route, "GET /channels/{channel}/messages") {
			reads++
		}
	}
	s.turn, s.lat = append(s.turn, turn), append(s.lat, done.Sub(at))
	s.calls, s.reads = append(s.calls, n), append(s.reads, reads)
	return reply, nil
}

// thread asks question (as user) with /ask thread:True and returns the thread's id
// once the answer is in it.
func (b *bench) thread(question, user string) (string, error) {
	before := len(b.fake.Calls())
	if _, err := b.fake.Interact(fakediscord.Interaction{Command: "ask", UserID: user, Options: []fakediscord.Option{
		{Name: "question", Value: question}, {Name: "thread", Value: true}}}); err != nil {
		return "", err
	}
	var id string
	_, err := b.fake.Wait(b.ctx, func(calls []fakediscord.Call) bool {
		for _, c := range calls[before:] {
			var th struct{ ID string }
			if c.Route == "POST /channels/{channel}/messages/{message}/threads" && json.Unmarshal(c.Reply, &th) == nil {
				id = th.ID
			}
			if id != "" && c.Path == "/api/v9/channels/"+id+"/messages" && c.Method == "POST" {
				return true
			}
		}
		return false
	})
	return id, err
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))].Round(100 * time.Microsecond)
}

func mean(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	t := 0
	for _, x := range xs {
		t += x
	}
	return float64(t) / float64(len(xs))
}
