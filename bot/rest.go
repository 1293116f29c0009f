package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// rest makes the REST calls that carry replies to users: interaction
// responses, edits, follow-ups and channel messages. It does not go through
// discordgo's Request for two reasons: discordgo keys the edits of every
// interaction to one shared rate-limit bucket (webhooks//), so one 429 on
// one answer held up every other answer, and it retries only a 502. Here
// each interaction token, and each channel, is its own bucket, as on
// Discord, and a call is retried on network errors, 5xx and 429.
//
// The bound on one call: at most retryAttempts tries, each taking at most
// attemptTimeout, within the caller's context (see Bot.post: at most
// retryWindow, never past the interaction token's life, nor past the
// shutdown deadline). Between tries it backs off (retryBase doubling to
// retryMax, with jitter) or waits what a 429 says (retry_after); a wait
// that would end past the context's deadline is not made: the call fails at
// once, so the caller can take another way to the user.
type rest struct {
	client *http.Client
	api    string // e.g. https://discord.com/api/v9
	token  string // "Bot …"
	agent  string
	// retried, when set, hears of every call tried again.
	retried func(route string)

	mu    sync.Mutex
	until map[string]time.Time // bucket → no call before then
	sweep time.Time
}

// Retry bounds; tests shorten them.
var (
	retryAttempts  = 6
	retryBase      = 250 * time.Millisecond
	retryMax       = 8 * time.Second
	attemptTimeout = 10 * time.Second
)

func newREST(s *discordgo.Session) *rest {
	return &rest{client: s.Client, api: strings.TrimSuffix(discordgo.EndpointAPI, "/"), token: s.Token, agent: s.UserAgent, until: map[string]time.Time{}}
}

// RESTError is a refusal from Discord's REST API: its status and, when
// Discord sent one, its JSON error code and message.
type RESTError struct {
	Method, Route string
	Status        int
	Code          int
	Message       string
	// RetryAfter is a 429's wait.
	RetryAfter time.Duration
}

func (e *RESTError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.Route, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Code != 0 {
		msg += fmt.Sprintf(" (code %d)", e.Code)
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(", retry after %s", e.RetryAfter.Round(time.Millisecond))
	}
	return msg
}

// Discord's JSON error codes the bot acts on.
const (
	codeUnknownWebhook = 10015 // the interaction was never acknowledged, or its token expired
	codeAlreadyAcked   = 40060 // an earlier try of the acknowledgement got through
)

// restCode is the Discord error code of err, or 0.
func restCode(err error) int {
	var re *RESTError
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}

// call is one REST request: route names it for logs and metrics, bucket is
// the rate limit it counts against.
type call struct {
	method, path, route, bucket string
	body                        any
}

// do makes c, retrying as the type comment says, and decodes a JSON answer
// into out when out is not nil.
func (r *rest) do(ctx context.Context, c call, out any) error {
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return fmt.Errorf("%s %s: %w", c.method, c.route, err)
		}
	}
	var last error
	for attempt := 1; ; attempt++ {
		if err := r.wait(ctx, c.bucket); err != nil {
			return errors.Join(last, err)
		}
		h, err := r.once(ctx, c, body, out)
		if err == nil {
			r.note(c.bucket, h, 0)
			return nil
		}
		last = err
		var re *RESTError
		isREST := errors.As(err, &re)
		switch {
		case ctx.Err() != nil:
			return err
		case isREST && re.Status == http.StatusTooManyRequests:
			r.note(c.bucket, h, re.RetryAfter)
		case isREST && re.Status < 500:
			return err // refused: a retry would be refused too
		}
		if attempt == retryAttempts {
			return fmt.Errorf("gave up after %d tries: %w", attempt, err)
		}
		pause := backoff(attempt)
		if isREST && re.RetryAfter > 0 {
			pause = re.RetryAfter
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < pause {
			return fmt.Errorf("no time left to wait %s and try again: %w", pause.Round(time.Millisecond), err)
		}
		if r.retried != nil {
			r.retried(c.route)
		}
		if err := sleep(ctx, pause); err != nil {
			return errors.Join(last, err)
		}
	}
}

// backoff is the pause after the attempt-th failure: retryBase doubling,
// at most retryMax, its second half random so callers spread out.
func backoff(attempt int) time.Duration {
	d := min(retryBase<<(attempt-1), retryMax)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// once makes one attempt and returns the answer's headers (nil for no
// answer); a refusal is a *RESTError.
func (r *rest) once(ctx context.Context, c call, body []byte, out any) (http.Header, error) {
	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, c.method, r.api+c.path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", r.token)
	req.Header.Set("User-Agent", r.agent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.method, c.route, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.Header, fmt.Errorf("%s %s: read the answer: %w", c.method, c.route, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && len(data) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return resp.Header, fmt.Errorf("%s %s: %w", c.method, c.route, err)
			}
		}
		return resp.Header, nil
	}
	re := &RESTError{Method: c.method, Route: c.route, Status: resp.StatusCode}
	var msg struct {
		Message    string   `json:"message"`
		Code       int      `json:"code"`
		RetryAfter *float64 `json:"retry_after"`
	}
	if json.Unmarshal(data, &msg) == nil {
		re.Message, re.Code = msg.Message, msg.Code
		if msg.RetryAfter != nil {
			re.RetryAfter = seconds(*msg.RetryAfter)
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests && re.RetryAfter == 0 {
		re.RetryAfter = headerSeconds(resp.Header, "Retry-After")
	}
	if resp.StatusCode == http.StatusTooManyRequests && re.RetryAfter == 0 {
		re.RetryAfter = retryBase // a 429 that says nothing: back off a little
	}
	return resp.Header, re
}

// maxWait caps a wait Discord asks for, against a header gone wrong.
const maxWait = 15 * time.Minute

func seconds(s float64) time.Duration {
	if !(s > 0) {
		return 0
	}
	return min(time.Duration(s*float64(time.Second)), maxWait)
}

func headerSeconds(h http.Header, name string) time.Duration {
	f, err := strconv.ParseFloat(h.Get(name), 64)
	if err != nil {
		return 0
	}
	return seconds(f)
}

// globalBucket is the bucket a global rate limit holds.
const globalBucket = "global"

// note records when bucket may be called again: after a 429's wait, or
// when a bucket's last call used its last request (X-RateLimit-Remaining 0).
func (r *rest) note(bucket string, h http.Header, wait time.Duration) {
	if wait == 0 && h != nil && h.Get("X-RateLimit-Remaining") == "0" {
		wait = headerSeconds(h, "X-RateLimit-Reset-After")
	}
	if wait <= 0 {
		return
	}
	if h != nil && h.Get("X-RateLimit-Global") != "" {
		bucket = globalBucket
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.sweep) > time.Minute {
		r.sweep = now
		for b, t := range r.until {
			if t.Before(now) {
				delete(r.until, b)
			}
		}
	}
	if t := now.Add(wait); t.After(r.until[bucket]) {
		r.until[bucket] = t
	}
}

// wait waits until bucket (and the global limit) may be called, failing at
// once when that is past ctx's deadline.
func (r *rest) wait(ctx context.Context, bucket string) error {
	r.mu.Lock()
	until := r.until[bucket]
	if g := r.until[globalBucket]; g.After(until) {
		until = g
	}
	r.mu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Before(until) {
		return fmt.Errorf("rate limited for another %s, past this call's deadline", d.Round(time.Millisecond))
	}
	return sleep(ctx, d)
}

// The calls the bot makes to reply.

func (r *rest) respond(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	return r.do(ctx, call{method: http.MethodPost, path: "/interactions/" + i.ID + "/" + i.Token + "/callback",
		route: "interaction callback", bucket: "callback:" + i.ID, body: resp}, nil)
}

func (r *rest) editOriginal(ctx context.Context, i *discordgo.Interaction, edit *discordgo.WebhookEdit) (*discordgo.Message, error) {
	var out discordgo.Message
	err := r.do(ctx, call{method: http.MethodPatch, path: "/webhooks/" + i.AppID + "/" + i.Token + "/messages/@original",
		route: "edit interaction response", bucket: "webhook:" + i.Token, body: edit}, &out)
	return &out, err
}

func (r *rest) deleteOriginal(ctx context.Context, i *discordgo.Interaction) error {
	return r.do(ctx, call{method: http.MethodDelete, path: "/webhooks/" + i.AppID + "/" + i.Token + "/messages/@original",
		route: "delete interaction response", bucket: "webhook:" + i.Token}, nil)
}

func (r *rest) followUp(ctx context.Context, i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	return r.do(ctx, call{method: http.MethodPost, path: "/webhooks/" + i.AppID + "/" + i.Token + "?wait=true",
		route: "interaction follow-up", bucket: "webhook:" + i.Token, body: p}, nil)
}

func (r *rest) send(ctx context.Context, channel string, m *discordgo.MessageSend) (*discordgo.Message, error) {
	var out discordgo.Message
	err := r.do(ctx, call{method: http.MethodPost, path: "/channels/" + channel + "/messages",
		route: "channel message", bucket: "messages:" + channel, body: m}, &out)
	return &out, err
}

func (r *rest) editMessage(ctx context.Context, channel, id string, e *discordgo.WebhookEdit) error {
	return r.do(ctx, call{method: http.MethodPatch, path: "/channels/" + channel + "/messages/" + id,
		route: "edit channel message", bucket: "messages:" + channel, body: e}, nil)
}

func (r *rest) deleteMessage(ctx context.Context, channel, id string) error {
	return r.do(ctx, call{method: http.MethodDelete, path: "/channels/" + channel + "/messages/" + id,
		route: "delete channel message", bucket: "delete:" + channel}, nil)
}

func (r *rest) dmChannel(ctx context.Context, user string) (string, error) {
	var ch discordgo.Channel
	err := r.do(ctx, call{method: http.MethodPost, path: "/users/@me/channels", route: "open direct message",
		bucket: "dm", body: map[string]string{"recipient_id": user}}, &ch)
	return ch.ID, err
}

func (r *rest) typing(ctx context.Context, channel string) error {
	return r.do(ctx, call{method: http.MethodPost, path: "/channels/" + channel + "/typing", route: "typing",
		bucket: "typing:" + channel}, nil)
}
