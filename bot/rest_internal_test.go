package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// restTo returns a rest client for srv, its calls counted.
func restTo(srv *httptest.Server) *rest {
	return &rest{client: srv.Client(), api: srv.URL, token: "Bot t", agent: "test", until: map[string]time.Time{}}
}

func TestRESTRetriesWithinItsBound(t *testing.T) {
	var calls atomic.Int32
	var first time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			io.WriteString(w, `{"message": "You are being rate limited.", "retry_after": 0.3, "global": false}`)
		case 2:
			if time.Since(first) < 300*time.Millisecond {
				t.Errorf("retried %v after a 429 asking for 300 ms", time.Since(first))
			}
			w.WriteHeader(502)
		default:
			w.WriteHeader(204)
		}
	}))
	defer srv.Close()
	r := restTo(srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.do(ctx, call{method: "PATCH", path: "/x", route: "test", bucket: "b"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d calls; want the 429, the 502 and the success", n)
	}
}

func TestRESTGivesUpAtOnceWhenTheWaitPassesTheDeadline(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(429)
		io.WriteString(w, `{"message": "You are being rate limited.", "retry_after": 20, "global": false}`)
	}))
	defer srv.Close()
	r := restTo(srv)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := r.do(ctx, call{method: "PATCH", path: "/x", route: "test", bucket: "b"}, nil)
	var re *RESTError
	if !errors.As(err, &re) || re.Status != 429 || re.RetryAfter != 20*time.Second || time.Since(start) > time.Second {
		t.Errorf("err %v after %v; want the 429 at once", err, time.Since(start))
	}
	// The bucket stays limited: the next call on it fails at once too,
	// without a request, while another bucket is free.
	err = r.do(ctx, call{method: "PATCH", path: "/x", route: "test", bucket: "b"}, nil)
	if err == nil || calls.Load() != 1 || !strings.Contains(err.Error(), "rate limited") {
		t.Errorf("second call: %v after %d requests", err, calls.Load())
	}
}

func TestRESTRefusalsAreNotRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(404)
		io.WriteString(w, `{"message": "Unknown Webhook", "code": 10015}`)
	}))
	defer srv.Close()
	_, err := restTo(srv).editOriginal(context.Background(), &discordgo.Interaction{AppID: "1", Token: "t"}, &discordgo.WebhookEdit{})
	if restCode(err) != codeUnknownWebhook || calls.Load() != 1 || HTTPStatus(err) != 404 {
		t.Errorf("err %v (code %d) after %d calls", err, restCode(err), calls.Load())
	}
}

func TestBackoffGrowsWithinItsBounds(t *testing.T) {
	for attempt := 1; attempt <= 8; attempt++ {
		d := min(retryBase<<(attempt-1), retryMax)
		for range 50 {
			if b := backoff(attempt); b < d/2 || b > d {
				t.Fatalf("backoff(%d) = %v, want %v to %v", attempt, b, d/2, d)
			}
		}
	}
}

// BenchmarkMetricsScrape is one scrape of /metrics after a day's worth of
// series: every command, outcome and mode, histograms observed, REST
// errors of several statuses and routes.
func BenchmarkMetricsScrape(b *testing.B) {
	m := NewMetrics()
	m.watchGateway(gatewayStub{})
	for i := range 10000 {
		for _, c := range []string{"ask", "timeline"} {
			for _, o := range []string{"answered", "not_found", "rate_limited", "busy", "invalid", "error", "cancelled"} {
				m.question(c, o, "llm")
			}
			m.answered(c, time.Duration(i)*time.Millisecond)
		}
		m.acknowledged(time.Duration(i%300)*time.Millisecond, i%100 != 0)
		m.retrieval.Observe(float64(i%50) / 1000)
		m.modelCall.Observe(float64(i%20) / 2)
		m.rejected(i%3, i%2)
		m.delivered([]string{"edit", "follow_up", "reply", "channel"}[i%4])
		m.restErrors.WithLabelValues(fmt.Sprint([]int{0, 429, 500, 502, 503}[i%5])).Inc()
		m.retried([]string{"edit interaction response", "interaction callback", "channel message"}[i%3])
		m.voted([]string{"up", "down", "comment"}[i%3])
	}
	h := m.Handler()
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

type gatewayStub struct{}

func (gatewayStub) Gateway() (string, time.Time, bool) { return "connected", time.Now(), true }
