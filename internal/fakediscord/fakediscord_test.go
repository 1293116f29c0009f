package fakediscord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/internal/fakediscord"
)

func do(t *testing.T, method, url, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bot tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRESTRecordsAndRefusesLikeDiscord(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	defer fake.Close()
	api := fake.URL + "/api/v9"
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"unknown route", "GET", "/nowhere", "", 404},
		{"message within limits", "POST", "/channels/1/messages", `{"content":"hi","allowed_mentions":{"parse":[]}}`, 200},
		{"content too long", "POST", "/channels/1/messages", `{"content":"` + strings.Repeat("x", 2001) + `"}`, 400},
		{"too many embeds", "POST", "/channels/1/messages", `{"embeds":[` + strings.TrimSuffix(strings.Repeat(`{"title":"t"},`, 11), ",") + `]}`, 400},
		{"embeds over 6000 in all", "POST", "/channels/1/messages", `{"embeds":[{"description":"` + strings.Repeat("x", 4000) + `"},{"description":"` + strings.Repeat("x", 2001) + `"}]}`, 400},
		{"edit before acknowledgement", "PATCH", "/webhooks/" + fake.AppID + "/nope/messages/@original", `{"content":"x"}`, 404},
		{"callback of unknown interaction", "POST", "/interactions/1/nope/callback", `{"type":5}`, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := do(t, tt.method, api+tt.path, tt.body); got != tt.want {
				t.Errorf("%s %s: %d, want %d", tt.method, tt.path, got, tt.want)
			}
		})
	}
	calls := fake.Calls()
	if len(calls) != len(tests) {
		t.Fatalf("recorded %d calls, want %d", len(calls), len(tests))
	}
	if calls[0].Route != "" || calls[0].Status != 404 || calls[1].Route != "POST /channels/{channel}/messages" || string(calls[1].Body) != tests[1].body {
		t.Errorf("recorded %+v / %+v", calls[0], calls[1])
	}
	req, _ := http.NewRequest("GET", api+"/users/@me", nil)
	req.Header.Set("Authorization", "Bot wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: %d, want 401", resp.StatusCode)
	}
}

// TestGatewayWithDiscordgo checks the handshake and a dispatch with a real
// discordgo session, and that an interaction is acknowledged once only.
func TestGatewayWithDiscordgo(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok", HeartbeatInterval: 50 * time.Millisecond})
	defer fake.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, _ := discordgo.New("Bot tok")
	s.Client = &http.Client{Transport: rewrite{fake.URL}}
	got := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got <- ic })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Heartbeats are answered: several intervals pass without a reconnect.
	if _, err := fake.Wait(ctx, func([]fakediscord.Call) bool { return fake.Heartbeats() >= 3 }); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Identifies()); n != 1 {
		t.Errorf("identified %d times; heartbeats unanswered?", n)
	}
	sent, err := fake.Interact(fakediscord.Interaction{Command: "ask", UserID: "7", Options: []fakediscord.Option{{Name: "question", Value: "why?"}, {Name: "public", Value: false}}})
	if err != nil {
		t.Fatal(err)
	}
	var ic *discordgo.InteractionCreate
	select {
	case ic = <-got:
	case <-ctx.Done():
		t.Fatal("no INTERACTION_CREATE")
	}
	data := ic.ApplicationCommandData()
	if ic.ID != sent.ID || ic.Token != sent.Token || ic.Member.User.ID != "7" || data.Name != "ask" ||
		data.Options[0].StringValue() != "why?" || data.Options[1].BoolValue() {
		t.Errorf("interaction decoded as %+v / %+v", ic.Interaction, data)
	}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if err := s.InteractionRespond(ic.Interaction, resp); err != nil {
		t.Errorf("first acknowledgement: %v", err)
	}
	if err := s.InteractionRespond(ic.Interaction, resp); err == nil || !strings.Contains(err.Error(), "40060") {
		t.Errorf("second acknowledgement: %v; want Discord's 40060", err)
	}
}

type rewrite struct{ origin string }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.Scheme, u.Host = "http", strings.TrimPrefix(r.origin, "http://")
	req = req.Clone(req.Context())
	req.URL = &u
	return http.DefaultTransport.RoundTrip(req)
}

// TestFaults checks the faults a test can inject: a 429 as Discord sends
// it, and a count of calls hit. (The bot's tests use the others: a 500
// after the work was done, a delay.)
func TestFaults(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	defer fake.Close()
	api := fake.URL + "/api/v9"
	fake.Fail(fakediscord.Fault{Route: "POST /channels/{channel}/messages", Status: 429, RetryAfter: 1500 * time.Millisecond, Times: 1})
	req, _ := http.NewRequest("POST", api+"/channels/1/messages", strings.NewReader(`{"content":"hi"}`))
	req.Header.Set("Authorization", "Bot tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != 429 || body.RetryAfter != 1.5 || h.Get("Retry-After") != "2" || h.Get("X-RateLimit-Remaining") != "0" ||
		h.Get("X-RateLimit-Reset-After") != "1.500" || h.Get("X-RateLimit-Bucket") == "" {
		t.Errorf("429: %d %+v %v", resp.StatusCode, body, h)
	}
	if got := do(t, "POST", api+"/channels/1/messages", `{"content":"hi"}`); got != 200 {
		t.Errorf("after the one 429: %d", got)
	}

	fake.Fail(fakediscord.Fault{Route: "PATCH /channels/{channel}/messages/{message}", Status: 503})
	if got := do(t, "PATCH", api+"/channels/1/messages/2", `{"content":"x"}`); got != 503 {
		t.Errorf("edit with a 503 fault: %d", got)
	}
	if got := do(t, "PATCH", api+"/channels/1/messages/2", `{"content":"x"}`); got != 503 {
		t.Errorf("a fault without Times hits every call: %d", got)
	}
}
