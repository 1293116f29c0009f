package bot

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/llm"
)

// Metrics counts what the bot does, for /metrics in the Prometheus format.
// Its methods do nothing on a nil *Metrics, so every part of the bot may
// call them whether metrics are served or not.
type Metrics struct {
	reg *prometheus.Registry

	questions     *prometheus.CounterVec
	ack           prometheus.Histogram
	ackFailures   prometheus.Counter
	answer        *prometheus.HistogramVec
	retrieval     prometheus.Histogram
	modelCall     prometheus.Histogram
	modelErrors   *prometheus.CounterVec
	rejections    *prometheus.CounterVec
	replies       *prometheus.CounterVec
	restErrors    *prometheus.CounterVec
	restRetries   *prometheus.CounterVec
	feedback      *prometheus.CounterVec
	recordDropped prometheus.Counter
}

// NewMetrics returns the bot's metrics, with Go's and the process's own.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_questions_total",
		Help: "Questions (/ask, /timeline, mentions) by command, outcome (answered, not_found, rate_limited, busy, invalid, error, cancelled) and mode (llm, extractive, not_found, or empty)."},
		[]string{"command", "outcome", "mode"})
	m.ack = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "storybot_acknowledgement_seconds",
		Help:    "From an interaction's arrival to its acknowledgement (Discord allows 3 s), or to the typing indicator of a mention.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 2.5, 3, 5}})
	m.ackFailures = prometheus.NewCounter(prometheus.CounterOpts{Name: "storybot_acknowledgement_failures_total",
		Help: "Acknowledgements that failed after their retries (the answer was then posted another way)."})
	m.answer = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "storybot_answer_seconds",
		Help:    "From a question's arrival to its reply posted, by command.",
		Buckets: []float64{.1, .25, .5, 1, 2, 5, 10, 20, 30, 60, 120, 300}}, []string{"command"})
	m.retrieval = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "storybot_retrieval_seconds",
		Help:    "One search of the index for an answer.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}})
	m.modelCall = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "storybot_model_call_seconds",
		Help:    "One call to the model server, successful or not.",
		Buckets: []float64{.1, .25, .5, 1, 2, 5, 10, 20, 30, 60, 120}})
	m.modelErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_model_errors_total",
		Help: "Model calls that failed, by kind: timeout or error."}, []string{"kind"})
	m.rejections = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_answer_rejections_total",
		Help: "What verification left out of model answers: quotes not in the story (quote), sentences no checked quote backs (claim)."},
		[]string{"what"})
	m.replies = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_replies_total",
		Help: "Reply messages posted, by the way they took: edit, follow_up, reply, channel, direct_message (the last two after the usual way failed), or failed."},
		[]string{"via"})
	m.restErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_discord_rest_errors_total",
		Help: "Discord REST calls answered with an error, by HTTP status (0: no answer, e.g. a time-out)."}, []string{"status"})
	m.restRetries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_discord_rest_retries_total",
		Help: "Discord REST calls tried again (after a 5xx, a 429 or no answer), by route."}, []string{"route"})
	m.feedback = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_feedback_total",
		Help: "Feedback on answers: up and down votes, and comments on what was wrong."}, []string{"kind"})
	m.recordDropped = prometheus.NewCounter(prometheus.CounterOpts{Name: "storybot_stats_records_dropped_total",
		Help: "Question and feedback records not written to the index (a full queue or a failed write)."})
	for _, c := range []prometheus.Collector{m.questions, m.ack, m.ackFailures, m.answer, m.retrieval, m.modelCall,
		m.modelErrors, m.rejections, m.replies, m.restErrors, m.restRetries, m.feedback, m.recordDropped} {
		f(c)
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// gatewayStates are the states storybot_discord_gateway_state reports.
var gatewayStates = []string{"starting", "connected", "disconnected", "stopped"}

// watchGateway reports gw's state as storybot_discord_gateway_state: 1
// for the state it is in, 0 for the others, read at each scrape.
func (m *Metrics) watchGateway(gw GatewayStatus) {
	if m == nil {
		return
	}
	for _, state := range gatewayStates {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "storybot_discord_gateway_state", Help: "The Discord gateway connection's state: 1 for the current one.",
			ConstLabels: prometheus.Labels{"state": state},
		}, func() float64 {
			if s, _, _ := gw.Gateway(); s == state {
				return 1
			}
			return 0
		}))
	}
}

func (m *Metrics) question(command, outcome string, mode answer.Mode) {
	if m != nil {
		m.questions.WithLabelValues(command, outcome, string(mode)).Inc()
	}
}

func (m *Metrics) acknowledged(d time.Duration, ok bool) {
	if m == nil {
		return
	}
	m.ack.Observe(d.Seconds())
	if !ok {
		m.ackFailures.Inc()
	}
}

func (m *Metrics) answered(command string, d time.Duration) {
	if m != nil && command != "" {
		m.answer.WithLabelValues(command).Observe(d.Seconds())
	}
}

func (m *Metrics) rejected(quotes, claims int) {
	if m == nil {
		return
	}
	m.rejections.WithLabelValues("quote").Add(float64(quotes))
	m.rejections.WithLabelValues("claim").Add(float64(claims))
}

func (m *Metrics) delivered(via string) {
	if m != nil {
		m.replies.WithLabelValues(via).Inc()
	}
}

func (m *Metrics) retried(route string) {
	if m != nil {
		m.restRetries.WithLabelValues(route).Inc()
	}
}

func (m *Metrics) voted(kind string) {
	if m != nil {
		m.feedback.WithLabelValues(kind).Inc()
	}
}

// Dropped counts a statistics record that was not written.
func (m *Metrics) Dropped() {
	if m != nil {
		m.recordDropped.Inc()
	}
}

// countingTransport counts the error statuses of every Discord REST call,
// discordgo's own included.
type countingTransport struct {
	next http.RoundTripper
	m    *Metrics
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	switch {
	case err != nil && r.Context().Err() == nil:
		t.m.restErrors.WithLabelValues("0").Inc()
	case err == nil && resp.StatusCode >= 400:
		t.m.restErrors.WithLabelValues(strconv.Itoa(resp.StatusCode)).Inc()
	}
	return resp, err
}

// Model returns next, timed: each call is observed in
// storybot_model_call_seconds and each failure counted by kind.
func (m *Metrics) Model(next answer.Model) answer.Model {
	if m == nil || next == nil {
		return next
	}
	return timedModel{next: next, m: m}
}

type timedModel struct {
	next answer.Model
	m    *Metrics
}

func (t timedModel) Chat(ctx context.Context, req llm.Request) (llm.Reply, error) {
	start := time.Now()
	r, err := t.next.Chat(ctx, req)
	t.m.modelCall.Observe(time.Since(start).Seconds())
	switch {
	case err == nil:
	case llm.IsTimeout(err):
		t.m.modelErrors.WithLabelValues("timeout").Inc()
	default:
		t.m.modelErrors.WithLabelValues("error").Inc()
	}
	return r, err
}

// Store returns next with its searches timed in storybot_retrieval_seconds.
func (m *Metrics) Store(next answer.Store) answer.Store {
	if m == nil {
		return next
	}
	return timedStore{Store: next, m: m}
}

type timedStore struct {
	answer.Store
	m *Metrics
}

func (t timedStore) SearchWeighted(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error) {
	start := time.Now()
	ps, err := t.Store.SearchWeighted(ctx, sc, texts, k)
	t.m.retrieval.Observe(time.Since(start).Seconds())
	return ps, err
}

func (t timedStore) SearchRelated(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, lacking []string, k int) ([]knowledge.Passage, error) {
	start := time.Now()
	ps, err := t.Store.SearchRelated(ctx, sc, texts, lacking, k)
	t.m.retrieval.Observe(time.Since(start).Seconds())
	return ps, err
}
