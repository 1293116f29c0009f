// Package stats records what became of each question the bot is asked and
// the feedback on its answers, and sums them up for storybot stats. It
// holds the records, the Journal that writes them without ever holding up
// an answer, and the Report; knowledge/sqlite stores them.
//
// What users wrote (a question's text, a comment on an answer) is kept
// only for a retention period; everything else (time, command, outcome,
// mode, stories and passages, counts) is kept, so a Report works with no
// text kept at all.
package stats

import (
	"strings"
	"time"
	"unicode"
)

// Question is what became of one question.
type Question struct {
	// ID is the interaction's or the message's id: what an answer's
	// feedback buttons name.
	ID string
	At time.Time
	// Via is how it came (slash, mention), Command what it asked for (ask,
	// timeline), Guild the Discord server ("" in a direct message).
	Via, Command, Guild string
	// Outcome is answered, not_found, rate_limited, busy, invalid, error
	// or cancelled; Mode how an answer was made (llm, extractive,
	// not_found), "" when there is none.
	Outcome, Mode string
	// ModelAsked: a model was asked to answer. ModelFailure is "timeout"
	// or "error" when it could not, else "".
	ModelAsked   bool
	ModelFailure string
	// Fallback: a model was asked, but the answer is not its own (it
	// failed, or its answer could not be checked).
	Fallback bool
	// RejectedQuotes counts the model's quotes that are not in the story;
	// RejectedClaims its sentences that no checked quote backs.
	RejectedQuotes, RejectedClaims int
	// Stories are the ids of the documents the answer quotes, else of those
	// the question was asked of; Passages the ids of the passages quoted.
	Stories, Passages []string
	Latency           time.Duration
	// Text is the question as asked (a topic for /timeline); the Journal
	// empties it when no text is kept.
	Text string
}

// Vote is one user's feedback on one answer. A user has one vote per
// answer: the latest replaces the earlier one.
type Vote struct {
	// Answer is the Question.ID of the answer.
	Answer string
	User   string
	At     time.Time
	Up     bool
	// Comment, when Commented, is what the user said was wrong (a 👎's
	// modal); a vote up drops an earlier comment.
	Comment   string
	Commented bool
}

// Report sums up the questions asked from Since to Until.
type Report struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Questions counts every question, whatever became of it.
	Questions int `json:"questions"`
	// Days has one entry per UTC day with questions, in order.
	Days []Day `json:"days"`
	// ByMode and ByOutcome count the questions by mode (of those answered
	// or not found) and by outcome.
	ByMode    map[string]int `json:"by_mode"`
	ByOutcome map[string]int `json:"by_outcome"`
	// NotFoundRate is the share of questions answered or not found that
	// the story did not answer.
	NotFoundRate float64 `json:"not_found_rate"`
	// ModelAsked counts the questions a model was asked to answer.
	// Fallbacks counts those it did not answer itself (it failed, or its
	// answer could not be checked); FallbackRate is their share.
	ModelAsked   int     `json:"model_asked"`
	Fallbacks    int     `json:"fallbacks"`
	FallbackRate float64 `json:"fallback_rate"`
	// ModelFailures counts the questions the model failed on, Timeouts
	// those of them where it did not answer in time.
	ModelFailures int `json:"model_failures"`
	ModelTimeouts int `json:"model_timeouts"`
	// RejectedQuotes and RejectedClaims add up what verification left
	// out of model answers; AnswersWithRejections counts those answers.
	RejectedQuotes        int      `json:"rejected_quotes"`
	RejectedClaims        int      `json:"rejected_claims"`
	AnswersWithRejections int      `json:"answers_with_rejections"`
	Feedback              Feedback `json:"feedback"`
	// TextKept says whether question text is kept (QUESTION_RETENTION);
	// Gaps and comments need it.
	TextKept bool `json:"text_kept"`
	// Gaps are the questions most often left unanswered (not found), most
	// asked first: what the stories lack.
	Gaps []Gap `json:"gaps"`
}

// Day counts one UTC day's questions.
type Day struct {
	Date      string `json:"date"` // YYYY-MM-DD
	Questions int    `json:"questions"`
	Answered  int    `json:"answered"`
	NotFound  int    `json:"not_found"`
}

// Feedback sums up the votes on the answers of the period.
type Feedback struct {
	Up   int `json:"up"`
	Down int `json:"down"`
	// Ratio is Up / (Up + Down), 0 without votes.
	Ratio float64 `json:"ratio"`
	// Comments are the latest comments on what was wrong (while kept).
	Comments []Comment `json:"comments"`
}

// Comment is what a user said was wrong with an answer.
type Comment struct {
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
	Question string    `json:"question,omitempty"` // the question's text, while kept
	Mode     string    `json:"mode"`
}

// Gap is a question left unanswered, as often as it was asked.
type Gap struct {
	Question string   `json:"question"`
	Times    int      `json:"times"`
	Stories  []string `json:"stories,omitempty"`
}

// GapKey is the form under which unanswered questions are counted
// together: lower case, words separated by single spaces, without the
// punctuation that ends or surrounds them.
func GapKey(q string) string {
	f := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return unicode.IsSpace(r) || (unicode.IsPunct(r) && r != '\'' && r != '-' && r != '’')
	})
	return strings.Join(f, " ")
}

// Finish computes the rates from the counts.
func (r *Report) Finish() {
	decided := r.ByOutcome["answered"] + r.ByOutcome["not_found"]
	r.NotFoundRate = ratio(r.ByOutcome["not_found"], decided)
	r.FallbackRate = ratio(r.Fallbacks, r.ModelAsked)
	r.Feedback.Ratio = ratio(r.Feedback.Up, r.Feedback.Up+r.Feedback.Down)
}

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
