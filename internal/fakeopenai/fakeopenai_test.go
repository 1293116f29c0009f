package fakeopenai_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/storybot/storybot/internal/fakeopenai"
)

func client(srv *fakeopenai.Server) *openai.Client {
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = srv.URL()
	return openai.NewClientWithConfig(cfg)
}

var req = openai.ChatCompletionRequest{
	Model:    "m",
	Messages: []openai.ChatCompletionMessage{{Role: "system", Content: "rules"}, {Role: "user", Content: "hi"}},
}

func TestScriptInOrderThenLastRepeats(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Status(503, "busy"), fakeopenai.Text("one"), fakeopenai.Text("two"))
	c := client(srv)
	_, err := c.CreateChatCompletion(context.Background(), req)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 503 || apiErr.Message != "busy" {
		t.Fatalf("first reply: err = %v, want a 503 API error saying busy", err)
	}
	for _, want := range []string{"one", "two", "two"} {
		resp, err := c.CreateChatCompletion(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Choices[0].Message.Content; got != want {
			t.Errorf("reply = %q, want %q", got, want)
		}
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 4 || reqs[0].Content("system") != "rules" || reqs[0].Content("user") != "hi" || reqs[0].Model != "m" {
		t.Errorf("recorded %+v", reqs)
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestStallEndsWithTheClientOrTheTest(t *testing.T) {
	srv := fakeopenai.New(t, fakeopenai.Stall())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := client(srv).CreateChatCompletion(ctx, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the client's deadline", err)
	}
	// A request still stalled when the test ends is released by Close.
	arrived := make(chan struct{})
	srv.Respond(func(fakeopenai.Request) fakeopenai.Reply {
		close(arrived)
		return fakeopenai.Stall()
	})
	done := make(chan error, 1)
	go func() {
		_, err := client(srv).CreateChatCompletion(context.Background(), req)
		done <- err
	}()
	<-arrived
	srv.Close()
	if err := <-done; err == nil {
		t.Errorf("a stalled request got a reply after Close")
	}
}

func TestModelsAndUnknownRoutes(t *testing.T) {
	srv := fakeopenai.New(t)
	list, err := client(srv).ListModels(context.Background())
	if err != nil || len(list.Models) != 1 || list.Models[0].ID != fakeopenai.DefaultModel {
		t.Errorf("models = %+v, %v", list, err)
	}
	resp, err := http.Post(strings.TrimSuffix(srv.URL(), "/v1")+"/chat/completions", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /chat/completions without /v1: status %d, want 404", resp.StatusCode)
	}
}

func TestRespondAndRejectJSONMode(t *testing.T) {
	srv := fakeopenai.New(t)
	srv.Respond(func(r fakeopenai.Request) fakeopenai.Reply { return fakeopenai.Text("echo: " + r.Content("user")) })
	srv.RejectJSONMode()
	c := client(srv)
	jr := req
	jr.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	if _, err := c.CreateChatCompletion(context.Background(), jr); err == nil {
		t.Errorf("JSON mode accepted, want a 400")
	}
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil || resp.Choices[0].Message.Content != "echo: hi" {
		t.Errorf("reply = %+v, %v", resp, err)
	}
	if got := srv.ChatRequests()[0].ResponseFormat; got != "json_object" {
		t.Errorf("recorded response_format %q", got)
	}
}

func TestStartAndCloseOutsideATest(t *testing.T) {
	srv := fakeopenai.Start(fakeopenai.Text("one"))
	resp, err := client(srv).CreateChatCompletion(context.Background(), req)
	if err != nil || resp.Choices[0].Message.Content != "one" {
		t.Fatalf("reply = %+v, %v", resp, err)
	}
	srv.Close()
	srv.Close() // a second Close is harmless
	if _, err := client(srv).CreateChatCompletion(context.Background(), req); err == nil {
		t.Errorf("a closed server answered")
	}
}

func TestDelayedReply(t *testing.T) {
	const delay = 100 * time.Millisecond
	srv := fakeopenai.New(t, fakeopenai.Text("late").After(delay))
	start := time.Now()
	resp, err := client(srv).CreateChatCompletion(context.Background(), req)
	if err != nil || resp.Choices[0].Message.Content != "late" {
		t.Fatalf("reply = %+v, %v", resp, err)
	}
	if waited := time.Since(start); waited < delay {
		t.Errorf("reply came after %v, want at least %v", waited, delay)
	}
	// A client that gives up first gets no reply.
	srv.Respond(func(fakeopenai.Request) fakeopenai.Reply { return fakeopenai.Text("too late").After(time.Hour) })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := client(srv).CreateChatCompletion(ctx, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the client's deadline", err)
	}
}
