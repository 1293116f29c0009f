// Package openai is storybot's thin wrapper of the go-openai client for any
// OpenAI-compatible chat server (OpenAI, Ollama, llama.cpp, vLLM…); its
// Client is the model answer.Engine calls, speaking the types of package llm.
// It adds what every caller needs and go-openai leaves out: a time limit per
// request, JSON mode that falls back to plain text when a server rejects
// response_format, retries only where they help (429, honouring
// Retry-After, and 5xx), bounded in count, in total waiting time and by the
// caller's deadline, a cap on the reply read (after decompression), and
// errors that tell a server that answered with something other than a
// chat completion (llm.ErrBadReply) from one that could not be reached.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/storybot/storybot/llm"
)

// Options configure a Client. Zero values get the defaults noted.
type Options struct {
	BaseURL string // "" is https://api.openai.com/v1
	APIKey  string // may be empty for local servers
	Model   string // required
	// Timeout bounds one attempt (one HTTP request). Default 60s. A
	// deadline on the caller's context bounds the whole call, retries
	// included: a retry that could not finish before it is not made.
	Timeout time.Duration
	// MaxAttempts bounds the HTTP requests of one Chat call, retries
	// included (the JSON-mode fallback is not counted). Default 3.
	MaxAttempts int
	// MaxRetryWait bounds the total time one Chat call spends waiting
	// between retries; a Retry-After beyond what is left ends the call.
	// Default 20s.
	MaxRetryWait time.Duration
	// MaxReplyBytes bounds the bytes of one reply read, after
	// decompression; a longer one fails with llm.ErrReplyTooLarge.
	// Default 1 MiB.
	MaxReplyBytes int64
	// HTTPClient defaults to a plain http.Client (timeouts come from ctx).
	// Its transport is wrapped to cap replies.
	HTTPClient *http.Client
	// Sleep waits d or until ctx ends; tests inject one that does not
	// sleep. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock a Retry-After date is read against. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Client talks to one model on one server. It is safe for concurrent use.
type Client struct {
	c      *openai.Client
	base   string
	opts   Options
	noJSON atomic.Bool // the server rejected response_format once
}

// New returns a client for opts.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 3
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = 20 * time.Second
	}
	if opts.MaxReplyBytes <= 0 {
		opts.MaxReplyBytes = 1 << 20
	}
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		*hc = *opts.HTTPClient
	}
	hc.Transport = capped{base: hc.Transport, max: opts.MaxReplyBytes}
	opts.HTTPClient = hc
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	cc := openai.DefaultConfig(opts.APIKey)
	if opts.BaseURL != "" {
		cc.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	}
	cc.HTTPClient = opts.HTTPClient
	return &Client{c: openai.NewClientWithConfig(cc), base: cc.BaseURL, opts: opts}
}

// Model is the configured model name.
func (c *Client) Model() string { return c.opts.Model }

// BaseURL is the server's base URL: Options.BaseURL without a trailing
// slash, or OpenAI's when that is empty.
func (c *Client) BaseURL() string { return c.base }

// Chat sends req and returns the first choice's message. Errors say what
// failed; llm.ErrTimeout (errors.Is) marks an attempt that ran out of time,
// and llm.HTTPStatus extracts the server's status code.
func (c *Client) Chat(ctx context.Context, req llm.Request) (llm.Reply, error) {
	msgs := make([]openai.ChatCompletionMessage, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	creq := openai.ChatCompletionRequest{Model: c.opts.Model, Messages: msgs}
	jsonMode := req.JSON && !c.noJSON.Load()
	if jsonMode {
		creq.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	resp, attempts, err := c.create(ctx, creq)
	if err != nil && jsonMode && rejectsJSONMode(err) {
		c.opts.Logger.Info("model server rejected JSON mode; asking without it", "model", c.opts.Model, "err", err)
		c.noJSON.Store(true)
		creq.ResponseFormat = nil
		var more int
		resp, more, err = c.create(ctx, creq)
		attempts += more
	}
	if err != nil {
		return llm.Reply{Attempts: attempts}, fmt.Errorf("chat with %s: %w", c.opts.Model, err)
	}
	if len(resp.Choices) == 0 {
		return llm.Reply{Attempts: attempts}, fmt.Errorf("chat with %s: %w (it has no choices)", c.opts.Model, llm.ErrBadReply)
	}
	model := resp.Model
	if model == "" {
		model = c.opts.Model
	}
	return llm.Reply{Content: resp.Choices[0].Message.Content, Model: model, Attempts: attempts}, nil
}

// create makes one chat completion, retrying 429 and 5xx replies.
func (c *Client) create(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, int, error) {
	waited := time.Duration(0)
	for attempt := 1; ; attempt++ {
		resp, err := c.once(ctx, req)
		if err == nil {
			return resp, attempt, nil
		}
		status := llm.HTTPStatus(err)
		retryable := status == http.StatusTooManyRequests || status >= 500
		if !retryable || attempt >= c.opts.MaxAttempts {
			return resp, attempt, err
		}
		wait, ok := retryAfter(resp.Header().Get("Retry-After"), c.opts.Now())
		if !ok {
			wait = 500 * time.Millisecond << (attempt - 1)
		}
		if waited+wait > c.opts.MaxRetryWait {
			return resp, attempt, fmt.Errorf("%w (not retried: waiting %s more would pass the %s retry budget)", err, wait, c.opts.MaxRetryWait)
		}
		if d, ok := ctx.Deadline(); ok && c.opts.Now().Add(wait).After(d) {
			return resp, attempt, fmt.Errorf("%w (not retried: waiting %s would pass the deadline)", err, wait)
		}
		c.opts.Logger.Info("model server busy; retrying", "status", status, "wait", wait, "attempt", attempt)
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return resp, attempt, err
		}
		waited += wait
	}
}

// once makes one HTTP request bounded by the per-attempt timeout.
func (c *Client) once(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	resp, err := c.c.CreateChatCompletion(actx, req)
	return resp, c.describe(ctx, actx, err)
}

// Models lists the model ids the server offers (GET /models), in one
// request bounded by the timeout. Its errors are marked as Chat's are.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	list, err := c.c.ListModels(actx)
	if err = c.describe(ctx, actx, err); err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	ids := make([]string, len(list.Models))
	for i, m := range list.Models {
		ids[i] = m.ID
	}
	return ids, nil
}

// describe marks the error of a request made in actx, bounded by the
// timeout within the caller's ctx: llm.ErrTimeout when the timeout ended it,
// an llm.StatusError when the server answered with an error status,
// llm.ErrReplyTooLarge or llm.ErrBadReply when it answered 2xx with too
// much or with what is not the JSON asked for.
func (c *Client) describe(ctx, actx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() == nil && actx.Err() != nil {
		return fmt.Errorf("%w (timeout %s)", llm.ErrTimeout, c.opts.Timeout)
	}
	if errors.Is(err, llm.ErrReplyTooLarge) {
		return fmt.Errorf("%w (over %d bytes)", llm.ErrReplyTooLarge, c.opts.MaxReplyBytes)
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %w", llm.ErrBadReply, err)
	}
	return withStatus(err)
}

// capped is a transport whose replies read at most max bytes (after the
// transport below has decompressed them): past that, reading fails with
// llm.ErrReplyTooLarge, so a gzip bomb or an endless body costs a megabyte,
// not memory without end.
type capped struct {
	base http.RoundTripper
	max  int64
}

func (t capped) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// cappedBody reads at most left more bytes of rc.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a reply of exactly the cap from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, llm.ErrReplyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// withStatus marks a go-openai error carrying an HTTP status as an
// llm.StatusError.
func withStatus(err error) error {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return &llm.StatusError{Status: apiErr.HTTPStatusCode, Err: err}
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return &llm.StatusError{Status: reqErr.HTTPStatusCode, Err: err}
	}
	return err
}

// rejectsJSONMode reports whether err is a server refusing the request as
// malformed, which for a JSON-mode request most likely means response_format.
func rejectsJSONMode(err error) bool {
	s := llm.HTTPStatus(err)
	return s == http.StatusBadRequest || s == http.StatusUnprocessableEntity
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 32); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
