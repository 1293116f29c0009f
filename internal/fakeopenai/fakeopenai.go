// Package fakeopenai is an OpenAI-compatible server for tests and
// benchmarks: an httptest server on loopback that speaks
// POST /v1/chat/completions and GET /v1/models on the real wire protocol,
// answers from a script, and records every request, so tests exercise the
// real go-openai client end to end.
//
//	srv := fakeopenai.New(t, fakeopenai.Status(429, "slow down").WithHeader("Retry-After", "0"),
//		fakeopenai.Text(`{"found": false, "answer": "", "citations": []}`))
//	cfg.BaseURL = srv.URL() // "http://127.0.0.1:PORT/v1"
//	... // run the code under test
//	if got := srv.ChatCount(); got != 2 { ... }
//
// Replies are used in order; when the script runs out the last reply repeats
// (so one Status(500, …) is a server that always fails). A Responder computes
// replies from the request instead. New closes the server on test cleanup;
// outside a test, Start one and Close it. Close releases held requests
// first, so nothing hangs.
package fakeopenai

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultModel is the model name the server lists and echoes when a request
// names none.
const DefaultModel = "fake-model"

// Reply is one scripted response to a chat completion request.
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Content is the assistant message of a 200 reply, or the error message
	// of any other status (sent in OpenAI's {"error": {...}} shape).
	Content string
	// Body, when set, is sent as the response body instead (any bytes).
	Body string
	// ContentType replaces application/json as the Content-Type.
	ContentType string
	// Huge, when above 0, makes the assistant message of a 200 reply
	// that many bytes ("aaa…"), streamed, never held in memory.
	Huge int64
	// Gzip sends the body gzip-encoded when the request accepts gzip.
	Gzip bool
	// Header holds extra response headers, e.g. Retry-After.
	Header http.Header
	// Delay makes the server wait this long before answering, less if the
	// client gives up or the server closes first.
	Delay time.Duration
	// Stall makes the server hold the request without answering until the
	// client gives up or the server closes.
	Stall bool
}

// Text is a 200 reply whose assistant message is content.
func Text(content string) Reply { return Reply{Content: content} }

// Status is an error reply with the given HTTP status and message.
func Status(code int, message string) Reply { return Reply{Status: code, Content: message} }

// Stall is a reply that never comes (until the client times out).
func Stall() Reply { return Reply{Stall: true} }

// Bomb is a 200 chat completion whose message is n bytes long, sent
// gzip-encoded: a few kilobytes on the wire for a gigabyte read.
func Bomb(n int64) Reply { return Reply{Huge: n, Gzip: true} }

// After returns a copy of r sent only after d.
func (r Reply) After(d time.Duration) Reply {
	r.Delay = d
	return r
}

// WithHeader returns a copy of r that also sends the header key: value.
func (r Reply) WithHeader(key, value string) Reply {
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(key, value)
	r.Header = h
	return r
}

// Message is one chat message of a recorded request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is one request the server received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// The fields below are decoded from a chat completion request body.
	Model    string
	Messages []Message
	// ResponseFormat is response_format.type ("json_object"), "" when absent.
	ResponseFormat string
	// Gzipped is set when the reply was sent gzip-encoded.
	Gzipped bool
}

// Content returns the contents of the request's messages with the given
// role ("system", "user", "assistant"), joined by blank lines.
func (r Request) Content(role string) string {
	var parts []string
	for _, m := range r.Messages {
		if m.Role == role {
			parts = append(parts, m.Content)
		}
	}
	return strings.Join(parts, "\n\n")
}

// Responder computes the reply to a chat completion request. It may be
// called from several requests at once.
type Responder func(Request) Reply

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	srv    *httptest.Server
	models []string
	stop   chan struct{}

	mu        sync.Mutex
	script    []Reply
	next      int
	responder Responder
	rejectFmt bool
	requests  []Request
}

// Start starts a server that answers chat completions with replies, in
// order; the caller closes it. With no replies every chat request gets a
// 500 saying nothing was scripted.
func Start(replies ...Reply) *Server {
	s := &Server{models: []string{DefaultModel}, stop: make(chan struct{}), script: replies}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// New starts a server as Start does and closes it when the test ends.
func New(tb testing.TB, replies ...Reply) *Server {
	tb.Helper()
	s := Start(replies...)
	tb.Cleanup(s.Close)
	return s
}

// URL is the base URL to give an OpenAI client, ending in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close releases held requests and shuts the server down. It may be called
// more than once.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// Respond makes f compute every following chat reply.
func (s *Server) Respond(f Responder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responder = f
}

// SetModels sets the model ids GET /v1/models lists.
func (s *Server) SetModels(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models = ids
}

// RejectJSONMode makes the server answer 400 to any chat request that sets
// response_format, as some OpenAI-compatible servers do.
func (s *Server) RejectJSONMode() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectFmt = true
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests returns the chat completion requests received so far.
func (s *Server) ChatRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == "/v1/chat/completions" {
			out = append(out, r)
		}
	}
	return out
}

// ChatCount is the number of chat completion requests received so far.
func (s *Server) ChatCount() int { return len(s.ChatRequests()) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	switch {
	case r.URL.Path == "/v1/models" && r.Method == http.MethodGet:
		s.record(req)
		s.mu.Lock()
		models := append([]string(nil), s.models...)
		s.mu.Unlock()
		type model struct {
			ID      string `json:"id"`
			Object  string `json:"object"`
			OwnedBy string `json:"owned_by"`
		}
		list := struct {
			Object string  `json:"object"`
			Data   []model `json:"data"`
		}{Object: "list", Data: []model{}}
		for _, id := range models {
			list.Data = append(list.Data, model{ID: id, Object: "model", OwnedBy: "fakeopenai"})
		}
		writeJSON(w, http.StatusOK, list)
	case r.URL.Path == "/v1/chat/completions" && r.Method == http.MethodPost:
		var in struct {
			Model          string    `json:"model"`
			Messages       []Message `json:"messages"`
			ResponseFormat *struct {
				Type string `json:"type"`
			} `json:"response_format"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			s.record(req)
			writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
			return
		}
		req.Model, req.Messages = in.Model, in.Messages
		if in.ResponseFormat != nil {
			req.ResponseFormat = in.ResponseFormat.Type
		}
		reply := s.reply(req)
		s.write(w, r, req, reply)
	default:
		s.record(req)
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	}
}

// reply records req and picks its reply under one lock, so concurrent
// requests each consume their own scripted reply.
func (s *Server) reply(req Request) Reply {
	s.mu.Lock()
	s.requests = append(s.requests, req)
	responder, reject := s.responder, s.rejectFmt && req.ResponseFormat != ""
	var r Reply
	switch {
	case reject || responder != nil:
	case len(s.script) == 0:
		r = Status(http.StatusInternalServerError, "fakeopenai: no reply scripted")
	default:
		r = s.script[min(s.next, len(s.script)-1)]
		s.next++
	}
	s.mu.Unlock()
	switch {
	case reject:
		return Status(http.StatusBadRequest, "response_format is not supported by this server")
	case responder != nil:
		return responder(req)
	}
	return r
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	if (reply.Stall || reply.Delay > 0) && !s.hold(r, reply) {
		return
	}
	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	ct := reply.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	var out io.Writer = w
	if reply.Gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		s.markGzipped()
		w.Header().Set("Content-Encoding", "gzip")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		defer zw.Close()
		out = zw
	}
	w.WriteHeader(status)
	model := req.Model
	if model == "" {
		model = DefaultModel
	}
	switch {
	case reply.Body != "":
		io.WriteString(out, reply.Body)
	case status != http.StatusOK:
		json.NewEncoder(out).Encode(errorBody(status, reply.Content))
	case reply.Huge > 0:
		writeHuge(out, model, reply.Huge)
	default:
		json.NewEncoder(out).Encode(completion(model, reply.Content))
	}
}

// markGzipped records that the last request's reply went out gzipped.
func (s *Server) markGzipped() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.requests); n > 0 {
		s.requests[n-1].Gzipped = true
	}
}

// writeHuge writes a chat completion whose message is n bytes of "a",
// stopping when the client goes away.
func writeHuge(w io.Writer, model string, n int64) {
	if _, err := fmt.Fprintf(w, `{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":%q,"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"`, model); err != nil {
		return
	}
	chunk := []byte(strings.Repeat("a", 64<<10))
	for n > 0 {
		k := min(n, int64(len(chunk)))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
	io.WriteString(w, `"}}]}`)
}

// hold holds a request for reply.Delay, or until the end when reply.Stall,
// and reports whether to answer it: not when the client gave up or the
// server is closing.
func (s *Server) hold(r *http.Request, reply Reply) bool {
	var done <-chan time.Time
	if !reply.Stall {
		t := time.NewTimer(reply.Delay)
		defer t.Stop()
		done = t.C
	}
	select {
	case <-done:
		return true
	case <-r.Context().Done():
	case <-s.stop:
	}
	return false
}

func completion(model, content string) any {
	type message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type choice struct {
		Index        int     `json:"index"`
		Message      message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	}
	return struct {
		ID      string   `json:"id"`
		Object  string   `json:"object"`
		Created int64    `json:"created"`
		Model   string   `json:"model"`
		Choices []choice `json:"choices"`
		Usage   any      `json:"usage"`
	}{
		ID: "chatcmpl-fake", Object: "chat.completion", Created: 1700000000, Model: model,
		Choices: []choice{{Message: message{Role: "assistant", Content: content}, FinishReason: "stop"}},
		Usage:   map[string]int{"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody(status, msg))
}

// errorBody is OpenAI's error shape.
func errorBody(status int, msg string) any {
	typ := "invalid_request_error"
	if status >= 500 {
		typ = "server_error"
	}
	return map[string]any{"error": map[string]any{"message": msg, "type": typ}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
