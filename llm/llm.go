// Package llm holds what storybot says to a chat model and hears back, with
// no client attached: messages, requests, replies and the errors a caller
// tells apart. llm/openai implements it for any OpenAI-compatible server, so
// the answering engine depends on this package alone.
package llm

import (
	"context"
	"errors"
)

// Roles of chat messages.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Errors a caller tells apart (with errors.Is).
var (
	// ErrTimeout: the server did not answer in time.
	ErrTimeout = errors.New("the model did not answer in time")
	// ErrBadReply: the server answered, but not with a chat completion
	// (an HTML page, a broken or cut body, a reply with no choices).
	ErrBadReply = errors.New("the model server's reply was not a chat completion")
	// ErrReplyTooLarge: the reply was longer than the client reads.
	ErrReplyTooLarge = errors.New("the model server's reply was too large")
)

// IsTimeout reports whether err, a failed model call, ran out of time:
// the server's (ErrTimeout) or the caller's (context.DeadlineExceeded).
func IsTimeout(err error) bool {
	return errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded)
}

// Message is one chat message.
type Message struct {
	Role    string
	Content string
}

// Request is one chat completion request.
type Request struct {
	Messages []Message
	// JSON asks for a JSON object (response_format json_object). If the
	// server rejects that, the request is sent again without it, and the
	// client does not ask that server for JSON mode again.
	JSON bool
}

// Reply is the model's answer to a Request.
type Reply struct {
	Content string
	// Model is the model that answered, as the server reports it.
	Model string
	// Attempts counts the HTTP requests made, retries included.
	Attempts int
}

// StatusError is a call the server answered with an HTTP error status.
type StatusError struct {
	Status int
	Err    error
}

func (e *StatusError) Error() string { return e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }

// HTTPStatus returns the HTTP status code of a failed call, or 0 when the
// server never answered (network error, time-out).
func HTTPStatus(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}
