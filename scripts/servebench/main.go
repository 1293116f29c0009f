// Command servebench measures a running `storybot serve` from outside, the
// way Discord sees it: it starts the fake Discord and a chat-completions
// model server that takes -delay per answer, runs the storybot binary
// against both, asks -n questions at once, and reports how long each
// waited for its acknowledgement (p50/p99/max), how long the answers took,
// and the serving process's memory: resident set (VmRSS, VmHWM from
// /proc) and the Go heap (from GODEBUG=gctrace=1).
//
//	go build -o /tmp/storybot ./cmd/storybot
//	go run ./scripts/servebench -bin /tmp/storybot
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/internal/fakeopenai"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "servebench:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "the storybot binary (go build -o /tmp/storybot ./cmd/storybot)")
	n := flag.Int("n", 50, "questions asked at once")
	delay := flag.Duration("delay", 2*time.Second, "how long the model takes per answer")
	rounds := flag.Int("rounds", 3, "how many times to ask the n questions")
	flag.Parse()
	if *bin == "" {
		return errors.New("-bin is required (go build -o /tmp/storybot ./cmd/storybot)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	fake := fakediscord.New(fakediscord.Options{Token: "bench-token"})
	defer fake.Close()
	model := slowModel(*delay)
	defer model.Close()
	dir, err := os.MkdirTemp("", "servebench")
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
	cmd.Env = append(os.Environ(),
		"DISCORD_TOKEN=bench-token", "DISCORD_API_BASE_URL="+fake.URL,
		"STORYBOT_DB="+filepath.Join(dir, "storybot.db"), "HEALTH_ADDR="+health,
		"OPENAI_BASE_URL="+model.URL(), "OPENAI_MODEL=slow-model",
		fmt.Sprintf("MAX_CONCURRENT_ANSWERS=%d", *n), fmt.Sprintf("MAX_QUEUED_ANSWERS=%d", *n),
		"RATE_LIMIT_PER_MINUTE=1000", "RATE_LIMIT_BURST=100", "LOG_LEVEL=warn", "GODEBUG=gctrace=1",
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	gc := &gcTrace{}
	go gc.read(stderr)
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()

	started := time.Now()
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		return fmt.Errorf("the bot never registered its commands: %w", err)
	}
	fmt.Printf("started and registered commands in %v\n", time.Since(started).Round(time.Millisecond))
	idle := procMem(cmd.Process.Pid)
	idleHeap := gc.maxLive()

	var acks, answers []time.Duration
	for round := range *rounds {
		sentAt := map[string]time.Time{}
		var sent []fakediscord.Sent
		for q := range *n {
			at := time.Now()
			s, err := fake.Interact(fakediscord.Interaction{Command: "ask", UserID: strconv.Itoa(q),
				Options: []fakediscord.Option{{Name: "question", Value: fmt.Sprintf("What did the FBI ask Ramos to do? (%d.%d)", round, q)}}})
			if err != nil {
				return err
			}
			sentAt[s.Token] = at
			sent = append(sent, s)
		}
		if _, err := fake.WaitRoute(ctx, "PATCH /webhooks/{app}/{token}/messages/{message}", (round+1)**n); err != nil {
			return fmt.Errorf("round %d: answers missing: %w", round, err)
		}
		for _, c := range fake.Calls() {
			for _, s := range sent {
				if !s.Of(c) {
					continue
				}
				switch c.Method {
				case "POST":
					acks = append(acks, c.At.Sub(sentAt[s.Token]))
				case "PATCH":
					answers = append(answers, c.At.Sub(sentAt[s.Token]))
					if !strings.Contains(string(c.Body), "slow-model") {
						return fmt.Errorf("an answer was not written by the model: %s", c.Body)
					}
				}
			}
		}
	}
	peak := procMem(cmd.Process.Pid)

	fmt.Printf("%d rounds of %d questions at once, model %v per answer, MAX_CONCURRENT_ANSWERS=%d\n", *rounds, *n, *delay, *n)
	fmt.Printf("acknowledgement: p50 %v  p99 %v  max %v\n", pct(acks, 0.5), pct(acks, 0.99), pct(acks, 1))
	fmt.Printf("answer posted:   p50 %v  p99 %v  max %v\n", pct(answers, 0.5), pct(answers, 0.99), pct(answers, 1))
	fmt.Printf("memory idle:     VmRSS %s, Go live heap %s\n", idle["VmRSS"], mb(idleHeap))
	fmt.Printf("memory after:    VmRSS %s, VmHWM (peak RSS) %s, Go live heap max %s, heap at GC start max %s\n",
		peak["VmRSS"], peak["VmHWM"], mb(gc.maxLive()), mb(gc.maxStart()))
	return nil
}

// mb formats a gctrace figure, which is rounded down to whole MB.
func mb(n int) string {
	if n == 0 {
		return "<1 MB"
	}
	return fmt.Sprintf("%d MB", n)
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))].Round(100 * time.Microsecond)
}

// procMem reads the memory lines of /proc/<pid>/status.
func procMem(pid int) map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.HasPrefix(k, "Vm") {
			out[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	return out
}

// gcTrace reads GODEBUG=gctrace=1 lines ("… 4->5->2 MB, 5 MB goal …").
type gcTrace struct {
	mu          sync.Mutex
	start, live int
}

var gcLine = regexp.MustCompile(`(\d+)->(\d+)->(\d+) MB`)

func (g *gcTrace) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := gcLine.FindStringSubmatch(sc.Text())
		if m == nil {
			if !strings.HasPrefix(sc.Text(), "gc ") {
				fmt.Fprintln(os.Stderr, "storybot:", sc.Text())
			}
			continue
		}
		start, _ := strconv.Atoi(m[1])
		live, _ := strconv.Atoi(m[3])
		g.mu.Lock()
		g.start, g.live = max(g.start, start), max(g.live, live)
		g.mu.Unlock()
	}
}

func (g *gcTrace) maxLive() int  { g.mu.Lock(); defer g.mu.Unlock(); return g.live }
func (g *gcTrace) maxStart() int { g.mu.Lock(); defer g.mu.Unlock(); return g.start }

// slowModel is a chat-completions server that waits delay, then answers
// with the first sentence of passage [1] of the prompt, citing it, in
// storybot's JSON protocol, so the answer and its quote verify.
func slowModel(delay time.Duration) *fakeopenai.Server {
	srv := fakeopenai.Start()
	srv.SetModels("slow-model")
	srv.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
		quote := ""
		for _, m := range r.Messages {
			for _, line := range strings.Split(m.Content, "\n") {
				if rest, ok := strings.CutPrefix(line, "[1] "); ok && quote == "" {
					quote = rest
					if i := strings.Index(rest, ". "); i > 0 {
						quote = rest[:i+1]
					}
				}
			}
		}
		content, _ := json.Marshal(map[string]any{
			"found": true, "answer": quote + " [1]",
			"citations": []any{map[string]any{"ref": 1, "quote": quote}},
		})
		return fakeopenai.Text(string(content)).After(delay)
	})
	return srv
}
