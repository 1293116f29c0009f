// Package answer turns a question into a grounded answer: it retrieves
// passages, asks a model to answer from them with citations, verifies every
// quote against the document, and falls back to an extractive answer (the
// story's own sentences) when there is no model or the model cannot be
// trusted. The same checks hold the one-line labels a model writes for a
// timeline's events (Engine.Label). It knows neither SQL nor Discord.
package answer

import "strings"

// Mode says how an answer was made.
type Mode string

// The modes of an Answer.
const (
	ModeLLM        Mode = "llm"        // written by the model, every quote verified
	ModeExtractive Mode = "extractive" // the story's own sentences, quoted
	ModeNotFound   Mode = "not_found"  // the story does not say
)

// Citation is one verified quote. Quote is always the document's own text.
type Citation struct {
	Ref       int    `json:"ref"`
	PassageID string `json:"passage_id"`
	Quote     string `json:"quote"`
	// Chapter is the chapter of the passage ("chapter 3"), when its
	// document has chapters.
	Chapter string `json:"chapter,omitempty"`
}

// Answer is what storybot says in reply to a question.
type Answer struct {
	Question  string     `json:"question"`
	Mode      Mode       `json:"mode"`
	Answer    string     `json:"answer"`
	Citations []Citation `json:"citations"`
	Notice    string     `json:"notice"`
	// Model names the model that wrote the answer (ModeLLM only).
	Model string `json:"-"`
	// Checks says what became of the model's part, for statistics; it is
	// never shown.
	Checks Checks `json:"-"`
}

// Label is the line an extractive answer's text opens with
// (ExtractiveLabel or ClosestLabel), which a reader shows above its
// quotes, or "" for an answer of another mode.
func (a Answer) Label() string {
	if a.Mode != ModeExtractive {
		return ""
	}
	if strings.HasPrefix(a.Answer, ClosestLabel) {
		return ClosestLabel
	}
	return ExtractiveLabel
}

// Checks counts what the engine did with a model for one answer.
type Checks struct {
	// ModelAsked: a model was asked. Fallback: its answer is not the
	// model's own (the model failed, or its answer could not be checked).
	ModelAsked, Fallback bool
	// ModelFailure is "timeout" or "error" when the model could not answer.
	ModelFailure string
	// RejectedQuotes counts the model's quotes not in the story, and
	// RejectedClaims its sentences that no checked quote backs, over every
	// round.
	RejectedQuotes, RejectedClaims int
}

func (c Checks) plus(d Checks) Checks {
	c.RejectedQuotes += d.RejectedQuotes
	c.RejectedClaims += d.RejectedClaims
	return c
}
