// Command shutdownbench measures how `storybot serve` stops with answers in
// flight: it starts the fake Discord (each edit of an interaction's
// response, and each follow-up, taking -edit-delay) and a model server that never answers but
// for one question in four, which it refuses (401) after 1.5 s (storybot then
// answers with quotes); runs each storybot binary against both with its
// default grace period; asks -n questions at once; sends SIGTERM once the
// model has all of them; and reports how long the process took to exit
// and what each asker was left with: the answer, a notice to ask again,
// or nothing (the "thinking…" placeholder).
//
//	go build -o /tmp/storybot ./cmd/storybot
//	go run ./scripts/shutdownbench -bin /tmp/storybot,/tmp/storybot-main
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
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/internal/fakeopenai"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "shutdownbench:", err)
		os.Exit(1)
	}
}

func run() error {
	bins := flag.String("bin", "", "storybot binaries to compare, separated by commas")
	n := flag.Int("n", 20, "questions in flight at SIGTERM")
	delays := flag.String("edit-delay", "0s,4s", "how long Discord takes per edit, each measured in turn")
	rounds := flag.Int("rounds", 3, "runs of each binary at each delay, interleaved")
	flag.Parse()
	if *bins == "" {
		return errors.New("-bin is required (go build -o /tmp/storybot ./cmd/storybot)")
	}
	fmt.Println("| binary | edit delay | exit after SIGTERM (median, min–max) | answered | told to ask again | left waiting |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, d := range strings.Split(*delays, ",") {
		delay, err := time.ParseDuration(d)
		if err != nil {
			return err
		}
		results := map[string][]result{}
		for range *rounds {
			for _, bin := range strings.Split(*bins, ",") {
				r, err := once(bin, *n, delay)
				if err != nil {
					return fmt.Errorf("%s: %w", bin, err)
				}
				results[bin] = append(results[bin], r)
			}
		}
		for _, bin := range strings.Split(*bins, ",") {
			rs := results[bin]
			var took []time.Duration
			last := rs[len(rs)-1]
			worst := last
			for _, r := range rs {
				took = append(took, r.took)
				if r.waiting > worst.waiting {
					worst = r
				}
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			fmt.Printf("| %s | %s | %.1f s (%.1f–%.1f) | %d | %d | %d (worst run) |\n", filepath.Base(bin), delay,
				took[len(took)/2].Seconds(), took[0].Seconds(), took[len(took)-1].Seconds(), worst.answered, worst.told, worst.waiting)
		}
	}
	return nil
}

type result struct {
	took                    time.Duration
	answered, told, waiting int
}

func once(bin string, n int, editDelay time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fake := fakediscord.New(fakediscord.Options{Token: "bench-token"})
	defer fake.Close()
	asked := make(chan struct{}, n)
	model := fakeopenai.Start()
	defer model.Close()
	model.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
		asked <- struct{}{}
		if strings.Contains(r.Content("user"), "Quick") {
			return fakeopenai.Status(401, "no").After(1500 * time.Millisecond) // refused, not retried
		}
		return fakeopenai.Stall()
	})
	dir, err := os.MkdirTemp("", "shutdownbench")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	health := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=bench-token", "DISCORD_API_BASE_URL="+fake.URL,
		"STORYBOT_DB="+filepath.Join(dir, "storybot.db"), "HEALTH_ADDR="+health, "STORYBOT_ENV_FILE=",
		"OPENAI_BASE_URL="+model.URL(), "LLM_TIMEOUT=5m", "LOG_LEVEL=warn",
		fmt.Sprintf("MAX_CONCURRENT_ANSWERS=%d", n), "RATE_LIMIT_BURST=100", "RATE_LIMIT_PER_MINUTE=1000")
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	defer cmd.Process.Kill()
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		return result{}, err
	}
	if editDelay > 0 { // edits and follow-ups alike
		fake.Fail(fakediscord.Fault{Route: "PATCH /webhooks/{app}/{token}/messages/{message}", Delay: editDelay})
		fake.Fail(fakediscord.Fault{Route: "POST /webhooks/{app}/{token}", Delay: editDelay})
	}
	var sent []fakediscord.Sent
	for i := range n {
		q := fmt.Sprintf("Slow (%c): who is Vincent Ramos?", 'a'+i)
		if i%4 == 0 {
			q = fmt.Sprintf("Quick (%c): who is Vincent Ramos?", 'a'+i)
		}
		s, err := fake.Interact(fakediscord.Interaction{Command: "ask", UserID: fmt.Sprint(700 + i), Options: []fakediscord.Option{{Name: "question", Value: q}}})
		if err != nil {
			return result{}, err
		}
		sent = append(sent, s)
	}
	for range n {
		select {
		case <-asked:
		case <-ctx.Done():
			return result{}, errors.New("the model was not asked every question")
		}
	}
	begin := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return result{}, err
	}
	cmd.Wait()
	r := result{took: time.Since(begin)}
	calls := fake.Calls()
	for _, s := range sent {
		last, answered := "", false
		for _, c := range calls {
			if !s.Of(c) || c.Status != 200 || (c.Method != "PATCH" && c.Route != "POST /webhooks/{app}/{token}") {
				continue
			}
			var m struct {
				Content string `json:"content"`
			}
			json.Unmarshal(c.Body, &m)
			last = m.Content
			answered = answered || strings.Contains(m.Content, "From the story")
		}
		switch {
		case answered:
			r.answered++
		case strings.Contains(last, "ask again"):
			r.told++
		default:
			r.waiting++
		}
	}
	return r, nil
}
