package openai_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/fakeopenai"
	"github.com/storybot/storybot/llm"
	"github.com/storybot/storybot/llm/openai"
)

// sleeper records the waits a client asks for instead of sleeping.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func newClient(srv *fakeopenai.Server, sl *sleeper, timeout time.Duration) *openai.Client {
	return openai.New(openai.Options{
		BaseURL: srv.URL(), APIKey: "sk-test", Model: "test-model",
		Timeout: timeout, Sleep: sl.sleep,
	})
}

var hello = llm.Request{Messages: []llm.Message{{Role: llm.RoleSystem, Content: "be brief"}, {Role: llm.RoleUser, Content: "hi"}}, JSON: true}

func TestChat(t *testing.T) {
	tests := []struct {
		name         string
		replies      []fakeopenai.Reply
		rejectJSON   bool
		wantContent  string
		wantErr      bool
		wantStatus   int
		wantRequests int
		wantWaits    []time.Duration
	}{
		{
			name:         "ok",
			replies:      []fakeopenai.Reply{fakeopenai.Text(`{"ok": true}`)},
			wantContent:  `{"ok": true}`,
			wantRequests: 1,
		},
		{
			name: "429 then success honours Retry-After",
			replies: []fakeopenai.Reply{
				fakeopenai.Status(429, "rate limited").WithHeader("Retry-After", "2"),
				fakeopenai.Text("fine"),
			},
			wantContent:  "fine",
			wantRequests: 2,
			wantWaits:    []time.Duration{2 * time.Second},
		},
		{
			name:         "persistent 500 is bounded in attempts",
			replies:      []fakeopenai.Reply{fakeopenai.Status(500, "boom")},
			wantErr:      true,
			wantStatus:   500,
			wantRequests: 3,
			wantWaits:    []time.Duration{500 * time.Millisecond, time.Second},
		},
		{
			name:         "Retry-After beyond the budget is not waited for",
			replies:      []fakeopenai.Reply{fakeopenai.Status(429, "come back tomorrow").WithHeader("Retry-After", "86400")},
			wantErr:      true,
			wantStatus:   429,
			wantRequests: 1,
		},
		{
			name:         "401 is not retried",
			replies:      []fakeopenai.Reply{fakeopenai.Status(401, "bad key")},
			wantErr:      true,
			wantStatus:   401,
			wantRequests: 1,
		},
		{
			name:         "server rejecting JSON mode is asked again without it",
			replies:      []fakeopenai.Reply{fakeopenai.Text("plain")},
			rejectJSON:   true,
			wantContent:  "plain",
			wantRequests: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeopenai.New(t, tt.replies...)
			if tt.rejectJSON {
				srv.RejectJSONMode()
			}
			sl := &sleeper{}
			c := newClient(srv, sl, 5*time.Second)
			got, err := c.Chat(context.Background(), hello)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Chat error = %v, want error %v", err, tt.wantErr)
			}
			if got.Content != tt.wantContent {
				t.Errorf("content = %q, want %q", got.Content, tt.wantContent)
			}
			if s := llm.HTTPStatus(err); s != tt.wantStatus {
				t.Errorf("HTTPStatus = %d, want %d", s, tt.wantStatus)
			}
			if n := srv.ChatCount(); n != tt.wantRequests {
				t.Errorf("requests = %d, want %d", n, tt.wantRequests)
			}
			if got.Attempts != tt.wantRequests && !tt.wantErr {
				t.Errorf("Attempts = %d, want %d", got.Attempts, tt.wantRequests)
			}
			if len(sl.waits) != len(tt.wantWaits) {
				t.Fatalf("waits = %v, want %v", sl.waits, tt.wantWaits)
			}
			for i := range sl.waits {
				if sl.waits[i] != tt.wantWaits[i] {
					t.Errorf("wait %d = %v, want %v", i, sl.waits[i], tt.wantWaits[i])
				}
			}
		})
	}
}

func TestChatRequestBody(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Text("ok"))
	c := newClient(srv, &sleeper{}, 5*time.Second)
	if _, err := c.Chat(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	r := srv.ChatRequests()[0]
	if r.ResponseFormat != "json_object" {
		t.Errorf("response_format = %q, want json_object", r.ResponseFormat)
	}
	if r.Model != "test-model" {
		t.Errorf("model = %q, want test-model", r.Model)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization = %q, want Bearer sk-test", got)
	}
	if got := r.Content(llm.RoleSystem); got != "be brief" {
		t.Errorf("system message = %q", got)
	}
}

func TestJSONModeRejectionIsRemembered(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Text("plain"))
	srv.RejectJSONMode()
	c := newClient(srv, &sleeper{}, 5*time.Second)
	for range 2 {
		if _, err := c.Chat(context.Background(), hello); err != nil {
			t.Fatal(err)
		}
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3 (one rejected, two plain)", len(reqs))
	}
	for i, want := range []string{"json_object", "", ""} {
		if reqs[i].ResponseFormat != want {
			t.Errorf("request %d response_format = %q, want %q", i, reqs[i].ResponseFormat, want)
		}
	}
}

func TestStalledServerTimesOut(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Stall())
	c := newClient(srv, &sleeper{}, 100*time.Millisecond)
	_, err := c.Chat(context.Background(), hello)
	if !errors.Is(err, llm.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if n := srv.ChatCount(); n != 1 {
		t.Errorf("requests = %d, want 1 (a time-out is not retried)", n)
	}
}

func TestNoKeySendsNoAuthorization(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Text("ok"))
	c := openai.New(openai.Options{BaseURL: srv.URL(), Model: "llama3"})
	if _, err := c.Chat(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	if got := srv.ChatRequests()[0].Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
}

func TestModels(t *testing.T) {
	srv := fakeopenai.New(t)
	srv.SetModels("a", "b")
	c := newClient(srv, &sleeper{}, 5*time.Second)
	got, err := c.Models(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("models = %v, want [a b]", got)
	}
}

func TestModelsErrors(t *testing.T) {
	refused := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}`))
	}))
	defer refused.Close()
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer stalled.Close()

	c := openai.New(openai.Options{BaseURL: refused.URL + "/v1/", Model: "m"})
	if got, want := c.BaseURL(), refused.URL+"/v1"; got != want {
		t.Errorf("BaseURL() = %q, want %q", got, want)
	}
	_, err := c.Models(context.Background())
	if s := llm.HTTPStatus(err); s != http.StatusUnauthorized {
		t.Errorf("refused: status = %d (%v), want 401", s, err)
	}
	c = openai.New(openai.Options{BaseURL: stalled.URL + "/v1", Model: "m", Timeout: 50 * time.Millisecond})
	if _, err := c.Models(context.Background()); !errors.Is(err, llm.ErrTimeout) {
		t.Errorf("stalled: err = %v, want ErrTimeout", err)
	}
	if got := openai.New(openai.Options{Model: "m"}).BaseURL(); got != "https://api.openai.com/v1" {
		t.Errorf("default BaseURL() = %q", got)
	}
}

func TestWrongPathIs404(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Text("ok"))
	c := openai.New(openai.Options{BaseURL: srv.URL() + "/extra", Model: "m"})
	_, err := c.Chat(context.Background(), hello)
	if s := llm.HTTPStatus(err); s != http.StatusNotFound {
		t.Errorf("status = %d (%v), want 404", s, err)
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := fakeopenai.New(t,
		fakeopenai.Status(503, "maintenance").WithHeader("Retry-After", now.Add(7*time.Second).Format(http.TimeFormat)),
		fakeopenai.Text("back"))
	sl := &sleeper{}
	c := openai.New(openai.Options{BaseURL: srv.URL(), Model: "m", Sleep: sl.sleep, Now: func() time.Time { return now }})
	got, err := c.Chat(context.Background(), hello)
	if err != nil || got.Content != "back" {
		t.Fatalf("Chat = %q, %v", got.Content, err)
	}
	if len(sl.waits) != 1 || sl.waits[0] != 7*time.Second {
		t.Errorf("waits = %v, want [7s]", sl.waits)
	}
}

// TestRepliesThatAreNotCompletions: a server that answers 200 with what is
// not a chat completion gets llm.ErrBadReply, once (no retry), not a
// network error.
func TestRepliesThatAreNotCompletions(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reply fakeopenai.Reply
	}{
		{"an HTML page", fakeopenai.Reply{Body: "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>", ContentType: "text/html"}},
		{"a broken body", fakeopenai.Reply{Body: `{"id": "chatcmpl-1", "choices": [{"message": {"content": "cut sh`}},
		{"no choices", fakeopenai.Reply{Body: `{"id": "chatcmpl-1", "object": "chat.completion", "choices": []}`}},
		{"an error object with 200", fakeopenai.Reply{Body: `{"error": {"message": "model not loaded"}}`}},
		{"an empty body", fakeopenai.Reply{Body: " "}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeopenai.New(t, tt.reply)
			_, err := newClient(srv, &sleeper{}, 5*time.Second).Chat(context.Background(), hello)
			if !errors.Is(err, llm.ErrBadReply) {
				t.Errorf("err = %v, want ErrBadReply", err)
			}
			if n := srv.ChatCount(); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
		})
	}
}

// heapGrowth returns how many bytes f allocates.
func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReplyIsCapped: a reply longer than MaxReplyBytes after
// decompression fails with llm.ErrReplyTooLarge, and a gzip bomb (a few
// kilobytes sent, a gigabyte decompressed) costs about the cap in memory,
// not the gigabyte.
func TestReplyIsCapped(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reply fakeopenai.Reply
		gzip  bool
	}{
		{"2 MB plain", fakeopenai.Reply{Huge: 2 << 20}, false},
		{"a gzip bomb of 1 GB", fakeopenai.Bomb(1 << 30), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeopenai.New(t, tt.reply)
			c := newClient(srv, &sleeper{}, 30*time.Second)
			var err error
			grew := heapGrowth(func() { _, err = c.Chat(context.Background(), hello) })
			if !errors.Is(err, llm.ErrReplyTooLarge) {
				t.Fatalf("err = %v, want ErrReplyTooLarge", err)
			}
			if got := srv.ChatRequests()[0].Gzipped; got != tt.gzip {
				t.Errorf("reply gzipped = %v, want %v (the test would show nothing)", got, tt.gzip)
			}
			if grew > 16<<20 {
				t.Errorf("the call allocated %d MB, want under 16 MB for a reply capped at 1 MB", grew>>20)
			}
		})
	}
	// A reply just under the cap is read whole.
	content := strings.Repeat("a", 900<<10)
	srv := fakeopenai.New(t, fakeopenai.Text(content))
	got, err := newClient(srv, &sleeper{}, 5*time.Second).Chat(context.Background(), hello)
	if err != nil || got.Content != content {
		t.Errorf("a 900 KB reply: %d bytes, %v; want it whole", len(got.Content), err)
	}
}

// BenchmarkGzipBomb reports what one call against a 1 GB gzip bomb
// allocates (B/op): the reply cap, not the gigabyte.
func BenchmarkGzipBomb(b *testing.B) {
	srv := fakeopenai.New(b, fakeopenai.Bomb(1<<30))
	c := newClient(srv, &sleeper{}, 30*time.Second)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Chat(context.Background(), hello); !errors.Is(err, llm.ErrReplyTooLarge) {
			b.Fatal(err)
		}
	}
}

// TestRetriesStopAtTheDeadline: a retry whose wait would pass the caller's
// deadline is not waited for, so repeated 500s end at once with the
// server's status instead of a time-out.
func TestRetriesStopAtTheDeadline(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Status(500, "boom"))
	sl := &sleeper{}
	c := newClient(srv, sl, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Chat(ctx, hello)
	if s := llm.HTTPStatus(err); s != 500 {
		t.Errorf("err = %v, want the 500", err)
	}
	if n := srv.ChatCount(); n != 1 || len(sl.waits) != 0 {
		t.Errorf("requests %d, waits %v; want 1 and none (the 500 ms back-off passes the deadline)", n, sl.waits)
	}
}
