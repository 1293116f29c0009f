// Package prompts holds the prompts storybot sends to a model, as embedded
// text/template files, and renders them. The wire protocol they set up is
// fixed (other parts of storybot and its checks rely on it): each retrieved
// passage is a block that begins on its own line with the label [n], n = 1..k
// best first; the question comes after them between <question> tags; both are
// declared data, not instructions; and the model is asked for one JSON object
// {"found": bool, "answer": "text with [n] markers", "citations": [{"ref": n, "quote": "exact words"}]}.
// Earlier turns of a conversation come after the passages, each question
// and answer on a line of its own between <conversation> tags, declared
// data and not a source.
// The timeline's labelling request follows the same pattern: each event's
// sentence is a block [n], declared data, and the model is asked for
// {"labels": [{"ref": n, "label": "one line", "quote": "exact words"}]}.
package prompts

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
	"unicode/utf8"
)

//go:embed *.tmpl
var files embed.FS

// templates are parsed once; a parse error (a broken template file, which
// the golden tests catch) is returned by every render.
var templates, parseErr = template.New("").Funcs(template.FuncMap{
	"oneline":  oneLine,
	"question": questionText,
}).ParseFS(files, "*.tmpl")

// Passage is one retrieved passage as the model sees it.
type Passage struct {
	// Ref is the label [Ref], counting from 1, best passage first.
	Ref int
	// Text is the passage, with any neighbouring text added; whitespace
	// runs are sent as one space so each block is one line.
	Text string
}

// Turn is an earlier exchange of the conversation the question is asked
// in: a question and storybot's verified answer to it, without markers.
type Turn struct {
	Question string
	Answer   string
}

// Failure is a quote that failed verification, for the repair request.
type Failure struct {
	Ref   int
	Quote string
	// Why says what was wrong, e.g. "not found in passage 2".
	Why string
}

// Unbacked is a sentence of the model's answer that its quotes do not
// back, for the repair request.
type Unbacked struct {
	Sentence string
	// Why says what is missing, e.g. "2020 is not in its quotes".
	Why string
}

// Repair describes why the model's reply could not be used.
type Repair struct {
	// Reason completes "Your reply could not be used: …".
	Reason   string
	Failed   []Failure
	Unbacked []Unbacked
}

// System returns the system prompt: the rules and the JSON shape.
func System() (string, error) { return render("system.tmpl", nil) }

// User returns the user message: the labelled passages, then the earlier
// turns of the conversation, if any, between conversation tags (what the
// question may refer to, declared data and no source), then the question.
func User(question string, earlier []Turn, passages []Passage) (string, error) {
	return render("user.tmpl", struct {
		Question string
		Earlier  []Turn
		Passages []Passage
	}{question, earlier, passages})
}

// RepairRequest returns the follow-up message asking the model to fix its
// reply.
func RepairRequest(r Repair) (string, error) { return render("repair.tmpl", r) }

// Timeline returns the message asking for a one-line label for each event
// of a timeline: events are the sentences that tell them, labelled [Ref].
func Timeline(events []Passage) (string, error) { return render("timeline.tmpl", events) }

func render(name string, data any) (string, error) {
	if parseErr != nil {
		return "", fmt.Errorf("prompts: %w", parseErr)
	}
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("prompts: render %s: %w", name, err)
	}
	return b.String(), nil
}

// oneLine collapses every run of whitespace to one space, so a passage
// cannot start a line of its own (and so cannot forge a [n] label).
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// maxQuestionBytes bounds the question sent to the model; a 20,000-character
// paste is cut, not forwarded whole.
const maxQuestionBytes = 2000

// questionText makes the question one line that cannot close its own
// delimiters.
func questionText(q string) string {
	q = oneLine(q)
	if len(q) > maxQuestionBytes {
		cut := maxQuestionBytes
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut] + "…"
	}
	return strings.NewReplacer("<", "‹", ">", "›").Replace(q)
}
