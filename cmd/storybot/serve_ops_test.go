package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/internal/fakeopenai"
)

const (
	routeCallback = "POST /interactions/{id}/{token}/callback"
	routeEdit     = "PATCH /webhooks/{app}/{token}/messages/{message}"
)

// answered waits until sent's placeholder was edited successfully and
// returns the last such edit.
func answered(t *testing.T, ctx context.Context, fake *fakediscord.Server, sent fakediscord.Sent) fakediscord.Call {
	t.Helper()
	var edit fakediscord.Call
	_, err := fake.Wait(ctx, func(calls []fakediscord.Call) bool {
		for _, c := range calls {
			if sent.Of(c) && c.Route == routeEdit && c.Status == 200 {
				edit = c
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	return edit
}

// feedbackButtons returns the custom ids of a message's 👍 and 👎 buttons.
func feedbackButtons(t *testing.T, c fakediscord.Call) (up, down string) {
	t.Helper()
	var m struct {
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Emoji    struct {
					Name string `json:"name"`
				} `json:"emoji"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatal(err)
	}
	for _, row := range m.Components {
		for _, b := range row.Components {
			switch b.Emoji.Name {
			case "👍":
				up = b.CustomID
			case "👎":
				down = b.CustomID
			}
		}
	}
	if up == "" || down == "" {
		t.Fatalf("no feedback buttons on the answer: %s", c.Body)
	}
	return up, down
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return string(body)
}

// scrapeUntil scrapes /metrics until it holds want (the bot counts an
// answer once Discord has taken it, just after the fake records it), or
// ctx ends.
func scrapeUntil(t *testing.T, ctx context.Context, addr, want string) string {
	t.Helper()
	for {
		body := scrape(t, addr)
		if strings.Contains(body, want) || ctx.Err() != nil {
			return body
		}
		select {
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

// TestServeFeedbackStatsAndMetrics: answers carry 👍 and 👎; votes and
// what a 👎 says was wrong, the questions left unanswered and the counts
// reach storybot stats, and /metrics counts them while serving.
func TestServeFeedbackStatsAndMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := startServe(t, ctx)
	before := scrape(t, s.health)
	if !strings.Contains(before, `storybot_discord_gateway_state{state="connected"} 1`) {
		t.Errorf("/metrics does not say the gateway is connected:\n%s", before)
	}
	ask := func(q string) fakediscord.Sent {
		sent, err := s.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: q}}})
		if err != nil {
			t.Fatal(err)
		}
		return sent
	}
	sent := ask("What did the FBI ask Phantom Secure's CEO to do?")
	up, down := feedbackButtons(t, answered(t, ctx, s.fake, sent))
	for _, q := range []string{"Zyxqv florbnak?", "zyxqv  FLORBNAK"} {
		answered(t, ctx, s.fake, ask(q))
	}
	clicks := len(s.fake.CallsTo(routeCallback))
	s.fake.Interact(fakediscord.Interaction{Button: up, Of: sent, UserID: "501"})
	s.fake.Interact(fakediscord.Interaction{Button: down, Of: sent, UserID: "502"})
	if _, err := s.fake.WaitRoute(ctx, routeCallback, clicks+2); err != nil {
		t.Fatal(err)
	}
	s.fake.Interact(fakediscord.Interaction{Modal: strings.Replace(down, "down", "why", 1), Of: sent, UserID: "502",
		Fields: map[string]string{"what": "It did not say when."}})
	calls, err := s.fake.WaitRoute(ctx, routeCallback, clicks+3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls[clicks:] {
		if c.Status != 204 {
			t.Errorf("a click or the modal answered %d: %s", c.Status, c.Body)
		}
	}
	after := scrapeUntil(t, ctx, s.health, `storybot_answer_seconds_count{command="ask"} 3`)
	for _, want := range []string{
		`storybot_questions_total{command="ask",mode="extractive",outcome="answered"} 1`,
		`storybot_questions_total{command="ask",mode="not_found",outcome="not_found"} 2`,
		`storybot_feedback_total{kind="up"} 1`,
		`storybot_feedback_total{kind="comment"} 1`,
		`storybot_retrieval_seconds_count 3`,
		`storybot_answer_seconds_count{command="ask"} 3`,
		`storybot_acknowledgement_seconds_count 3`,
	} {
		if !strings.Contains(after, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}

	vars := map[string]string{"STORYBOT_DB": s.db, "HOME": t.TempDir()}
	r := runCLI(t, vars, "stats", "--json", "--since", "1d")
	if r.err != nil {
		t.Fatal(r.err)
	}
	var rep struct {
		Questions int            `json:"questions"`
		ByOutcome map[string]int `json:"by_outcome"`
		Feedback  struct {
			Up, Down int
			Comments []struct{ Text, Question string }
		} `json:"feedback"`
		Gaps []struct {
			Question string
			Times    int
		} `json:"gaps"`
		Retention string `json:"question_retention"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, r.stdout)
	}
	if rep.Questions != 3 || rep.ByOutcome["not_found"] != 2 || rep.Feedback.Up != 1 || rep.Feedback.Down != 1 ||
		len(rep.Feedback.Comments) != 1 || rep.Feedback.Comments[0].Text != "It did not say when." ||
		len(rep.Gaps) != 1 || rep.Gaps[0].Times != 2 || rep.Retention != "30d" {
		t.Errorf("stats --json:\n%s", r.stdout)
	}
	r = runCLI(t, vars, "stats")
	for _, want := range []string{"Questions from", ": 3", "answered 1", "not_found 2", "1 👍, 1 👎 (50.0% helpful)", `2× "zyxqv`, "kept for 30d"} {
		if !strings.Contains(strings.ToLower(r.stdout), strings.ToLower(want)) {
			t.Errorf("stats lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, mergeEnv(vars, map[string]string{"QUESTION_RETENTION": "0"}), "stats")
	if !strings.Contains(r.stdout, "no question text is kept") || strings.Contains(r.stdout, "florbnak") {
		t.Errorf("stats with QUESTION_RETENTION=0:\n%s", r.stdout)
	}
	if r := runCLI(t, vars, "stats", "--since", "soon"); r.err == nil || !strings.Contains(r.err.Error(), "--since") {
		t.Errorf("stats --since soon: %v", r.err)
	}
}

// TestServeDeliversThroughFaults: the first acknowledgement and the first
// edit fail with a 500, and the answer is delivered in place; an
// interaction whose acknowledgement never gets through is answered in the
// channel.
func TestServeDeliversThroughFaults(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := startServe(t, ctx)
	s.fake.Fail(fakediscord.Fault{Route: routeCallback, Status: 500, Times: 1})
	s.fake.Fail(fakediscord.Fault{Route: routeEdit, Status: 500, Times: 1})
	sent, _ := s.fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: "Who is Cameron Ortis?"}}})
	edit := answered(t, ctx, s.fake, sent)
	var m discordMessage
	edit.Decode(&m)
	s.verbatim(t, m)
	var statuses []string
	for _, c := range s.fake.Calls() {
		if sent.Of(c) {
			statuses = append(statuses, fmt.Sprint(c.Status))
		}
	}
	if got := strings.Join(statuses, " "); got != "500 204 500 200" {
		t.Errorf("statuses %s; want the failed acknowledgement, its retry, the failed edit, its retry", got)
	}

	s.fake.Interact(fakediscord.Interaction{Command: "ask", UserID: "600", Options: []fakediscord.Option{{Name: "question", Value: "Who is Vincent Ramos?"}},
		Faults: []fakediscord.Fault{{Route: routeCallback, Status: 503}}})
	msgs, err := s.fake.WaitRoute(ctx, "POST /channels/{channel}/messages", 1)
	if err != nil {
		t.Fatal(err)
	}
	msgs[0].Decode(&m)
	if !strings.HasPrefix(m.Content, "-# For <@600>") {
		t.Errorf("channel message %q; want it to say whom it answers", m.Content)
	}
	s.verbatim(t, m)
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
}

// TestServeSIGTERMWithTwentyInFlightOnSlowDiscord runs storybot serve as
// its own process with a model that takes its time and a Discord that
// takes 2 s per edit, asks 20 questions and sends SIGTERM while all are in
// flight: serve exits within its grace period, inside Docker's 10 s, and
// every asker has either the answer or the notice to ask again.
func TestServeSIGTERMWithTwentyInFlightOnSlowDiscord(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 10 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	fake := fakediscord.New(fakediscord.Options{Token: "sigterm-token"})
	defer fake.Close()
	model := fakeopenai.New(t)
	asked := make(chan struct{}, 20)
	model.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
		asked <- struct{}{}
		if strings.Contains(r.Content("user"), "Quick") {
			return fakeopenai.Status(401, "no").After(1500 * time.Millisecond) // refused, not retried: then quotes
		}
		return fakeopenai.Stall()
	})
	dir := t.TempDir()
	env := map[string]string{
		"DISCORD_TOKEN": "sigterm-token", "DISCORD_API_BASE_URL": fake.URL, "HEALTH_ADDR": freeAddr(t),
		"STORYBOT_DB": dir + "/storybot.db", "HOME": dir, "OPENAI_BASE_URL": model.URL(), "LLM_TIMEOUT": "5m",
		"RATE_LIMIT_BURST": "100", "MAX_CONCURRENT_ANSWERS": "20",
	}
	cmd := storybotCommand(ctx, dir, env, "serve") // the default grace period
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	fake.Fail(fakediscord.Fault{Route: routeEdit, Delay: 2 * time.Second})
	fake.Fail(fakediscord.Fault{Route: "POST /webhooks/{app}/{token}", Delay: 2 * time.Second})
	var sent []fakediscord.Sent
	for i := range 20 {
		q := fmt.Sprintf("Slow (%c): who is Vincent Ramos?", 'a'+i)
		if i%4 == 0 {
			q = fmt.Sprintf("Quick (%c): who is Vincent Ramos?", 'a'+i)
		}
		s, err := fake.Interact(fakediscord.Interaction{Command: "ask", UserID: fmt.Sprint(700 + i), Options: []fakediscord.Option{{Name: "question", Value: q}}})
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, s)
	}
	for range 20 {
		select {
		case <-asked:
		case <-ctx.Done():
			t.Fatalf("the model was not asked 20 questions\n%s", stderr.String())
		}
	}
	begin := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, stderr.String())
	}
	took := time.Since(begin)
	if took > 9*time.Second {
		t.Errorf("serve took %v to exit after SIGTERM; Docker kills it at 10 s", took)
	}
	answers, notices := 0, 0
	calls := fake.Calls()
	for i, s := range sent {
		last := ""
		for _, c := range calls {
			if s.Of(c) && (c.Route == routeEdit || c.Route == "POST /webhooks/{app}/{token}") && c.Status == 200 {
				var m discordMessage
				c.Decode(&m)
				if !strings.Contains(last, "From the story") {
					last = m.Content
				}
			}
		}
		switch {
		case strings.Contains(last, "please ask again"):
			notices++
		case strings.Contains(last, "From the story"):
			answers++
		default:
			t.Errorf("asker %d was left with %q", i, last)
		}
	}
	if answers != 5 || notices != 15 {
		t.Errorf("%d answers and %d notices; want the 5 quick answers and 15 notices", answers, notices)
	}
	t.Logf("exited %v after SIGTERM; %d answers, %d notices", took.Round(10*time.Millisecond), answers, notices)
}
