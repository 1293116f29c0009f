// Package answer turns a question into a grounded answer: it retrieves
// passages, asks a model to answer from them with citations, verifies every
// quote against the document, and falls back to an extractive answer (the
// story's own sentences) when there is no model or the model cannot be
// trusted. The same checks hold the one-line labels a model writes for a
// timeline's events (Engine.Label). It knows neither SQL nor Discord.
package answer

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
}
