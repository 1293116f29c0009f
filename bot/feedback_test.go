package bot_test

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/stats"
)

// recorder is a bot.Recorder that keeps what it is told.
type recorder struct {
	mu        sync.Mutex
	questions []stats.Question
	votes     []stats.Vote
	changed   chan struct{}
}

var _ bot.Recorder = (*recorder)(nil)

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 100)} }

func (r *recorder) Question(q stats.Question) {
	r.mu.Lock()
	r.questions = append(r.questions, q)
	r.mu.Unlock()
	r.changed <- struct{}{}
}

func (r *recorder) Vote(v stats.Vote) {
	r.mu.Lock()
	r.votes = append(r.votes, v)
	r.mu.Unlock()
	r.changed <- struct{}{}
}

func (r *recorder) snapshot() ([]stats.Question, []stats.Vote) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.questions), slices.Clone(r.votes)
}

// component is the part of a message component the tests read.
type component struct {
	Type       int                    `json:"type"`
	CustomID   string                 `json:"custom_id"`
	Label      string                 `json:"label"`
	Emoji      *struct{ Name string } `json:"emoji"`
	Components []component            `json:"components"`
}

// buttons returns the custom ids of the buttons in body.
func buttons(t *testing.T, c fakediscord.Call) map[string]string {
	t.Helper()
	var m struct {
		Components []component `json:"components"`
	}
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, row := range m.Components {
		for _, b := range row.Components {
			if b.Type == 2 && b.Emoji != nil {
				out[b.Emoji.Name] = b.CustomID
			}
		}
	}
	return out
}

func TestFeedbackButtonsVotesAndModal(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	metrics := bot.NewMetrics()
	hs := start(t, setup{cfg: bot.Config{Recorder: rec, Metrics: metrics}, opts: bot.Options{Metrics: metrics}})
	sent := hs.ask(t, "77", "Who shouted at the harbour?")
	calls, err := hs.fake.Wait(wait(t), func(calls []fakediscord.Call) bool { return len(succeeded(calls, sent, routeEdit)) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	ids := buttons(t, succeeded(calls, sent, routeEdit)[0])
	if ids["👍"] != "vote:up:"+sent.ID || ids["👎"] != "vote:down:"+sent.ID {
		t.Fatalf("buttons %v; want 👍 and 👎 naming the question %s", ids, sent.ID)
	}
	<-rec.changed
	qs, _ := rec.snapshot()
	if len(qs) != 1 || qs[0].ID != sent.ID || qs[0].Outcome != "answered" || qs[0].Mode != "llm" ||
		!slices.Equal(qs[0].Passages, []string{"voyage#2"}) || !slices.Equal(qs[0].Stories, []string{"voyage"}) || qs[0].Text != "Who shouted at the harbour?" {
		t.Errorf("recorded %+v", qs)
	}

	// 👍, then 👎 from the same user (the latest wins), then what was wrong.
	before := len(hs.fake.CallsTo(routeCallback))
	up, _ := hs.fake.Interact(fakediscord.Interaction{Button: ids["👍"], Of: sent, UserID: "88"})
	if _, err := hs.fake.WaitRoute(wait(t), routeCallback, before+1); err != nil {
		t.Fatal(err)
	}
	down, _ := hs.fake.Interact(fakediscord.Interaction{Button: ids["👎"], Of: sent, UserID: "88"})
	cbs, err := hs.fake.WaitRoute(wait(t), routeCallback, before+2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cbs[before:] {
		r := decode[callback](t, c)
		switch {
		case c.Status != 204:
			t.Errorf("%s answered %d: %s", c.Route, c.Status, c.Body)
		case up.Of(c) && (r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "Thanks")):
			t.Errorf("👍 answered %s; want private thanks", c.Body)
		case down.Of(c) && (r.Type != 9 || !strings.Contains(string(c.Body), "What was wrong")):
			t.Errorf("👎 answered %s; want the modal", c.Body)
		}
	}
	hs.fake.Interact(fakediscord.Interaction{Modal: "vote:why:" + sent.ID, Of: sent, UserID: "88", Fields: map[string]string{"what": "  The quote is about the quay, not who shouted. "}})
	cbs, err = hs.fake.WaitRoute(wait(t), routeCallback, before+3)
	if err != nil {
		t.Fatal(err)
	}
	if r := decode[callback](t, cbs[before+2]); r.Type != 4 || r.Data.Flags != 64 {
		t.Errorf("modal submission answered %s", cbs[before+2].Body)
	}
	for range 3 {
		<-rec.changed
	}
	checkVotes(t, rec, sent)

	checkMetrics(t, metrics,
		`storybot_questions_total{command="ask",mode="llm",outcome="answered"} 1`,
		`storybot_feedback_total{kind="up"} 1`,
		`storybot_feedback_total{kind="down"} 1`,
		`storybot_feedback_total{kind="comment"} 1`,
		`storybot_discord_gateway_state{state="connected"} 1`,
		`storybot_acknowledgement_seconds_count 1`,
		`storybot_answer_seconds_count{command="ask"} 1`,
		`storybot_replies_total{via="edit"} 1`,
	)
}

// checkMetrics scrapes m until it holds each of want (the bot counts a
// reply once Discord has taken it, just after the fake records it), and
// fails if the test's deadline comes first.
func checkMetrics(t *testing.T, m *bot.Metrics, want ...string) {
	t.Helper()
	ctx := wait(t)
	for {
		scrape := httptest.NewRecorder()
		m.Handler().ServeHTTP(scrape, httptest.NewRequest("GET", "/metrics", nil))
		body, _ := io.ReadAll(scrape.Body)
		var missing []string
		for _, w := range want {
			if !strings.Contains(string(body), w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Errorf("/metrics lacks %s", strings.Join(missing, ", "))
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestMetricsCountRESTErrorsAndRetries: a 500 and a 429 on edits show in
// the REST error counts by status, and the retries by route.
func TestMetricsCountRESTErrorsAndRetries(t *testing.T) {
	t.Parallel()
	metrics := bot.NewMetrics()
	hs := start(t, setup{cfg: bot.Config{Metrics: metrics}, opts: bot.Options{Metrics: metrics}})
	hs.fake.Fail(fakediscord.Fault{Route: routeEdit, Status: 500, Times: 1})
	hs.waitAnswered(t, hs.ask(t, "", "Who shouted?"))
	hs.fake.Fail(fakediscord.Fault{Route: routeEdit, Status: 429, RetryAfter: 100e6, Times: 1})
	hs.waitAnswered(t, hs.ask(t, "", "Who shouted?"))
	checkMetrics(t, metrics,
		`storybot_discord_rest_errors_total{status="500"} 1`,
		`storybot_discord_rest_errors_total{status="429"} 1`,
		`storybot_discord_rest_retries_total{route="edit interaction response"} 2`,
		`storybot_questions_total{command="ask",mode="llm",outcome="answered"} 2`,
	)
}

// checkVotes checks the three votes of user 88 on sent: 👍, 👎, and what
// was wrong.
func checkVotes(t *testing.T, rec *recorder, sent fakediscord.Sent) {
	t.Helper()
	_, votes := rec.snapshot()
	if len(votes) != 3 || !votes[0].Up || votes[1].Up || votes[2].Comment != "The quote is about the quay, not who shouted." || !votes[2].Commented {
		t.Errorf("votes %+v", votes)
	}
	for _, v := range votes {
		if v.Answer != sent.ID || v.User != "88" {
			t.Errorf("vote %+v; want user 88 on %s", v, sent.ID)
		}
	}
}
