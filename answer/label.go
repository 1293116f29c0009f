package answer

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/storybot/storybot/llm"
	"github.com/storybot/storybot/prompts"
)

// Bounds on a label: the model is asked for at most 12 words; longer ones
// are cut, not trusted to be short.
const (
	maxLabelWords = 16
	maxLabelBytes = 120
)

// labelsLeftOut ends a notice when no label is shown.
const labelsLeftOut = "the timeline is shown without labels."

// Label asks the model, in one call, for a one-line label for each quote (a
// timeline event's sentence) and returns labels[i] for quotes[i], or "".
// A label is kept only when it passes the support check a sentence of an
// answer passes, against its event's quote (see supportParams.checkLabel);
// it is made plain text on one line, with markdown, markers and mentions
// removed. Quotes are sent in order while
// they fit the engine's ContextTokens budget; the rest get no label.
//
// With no model, Label makes no call and returns no labels and no notice.
// Otherwise notice says how the labels were made or why there are none:
// model failures (error, time-out, a reply that is not the JSON asked for)
// give no labels, never an error.
func (e *Engine) Label(ctx context.Context, quotes []string) (labels []string, notice string) {
	labels = make([]string, len(quotes))
	if e.model == nil || len(quotes) == 0 {
		return labels, ""
	}
	var events []prompts.Passage
	var sent []int // sent[ref-1] is the index in quotes of event [ref]
	used := 0
	for i, q := range quotes {
		cost := EstimateTokens(q)
		if used+cost > e.budget {
			continue // a later, shorter quote may still fit
		}
		used += cost
		sent = append(sent, i)
		events = append(events, prompts.Passage{Ref: len(events) + 1, Text: q})
	}
	if len(events) == 0 {
		return labels, "The events' sentences are too long to send to the model; " + labelsLeftOut
	}
	msg, err := prompts.Timeline(events)
	if err != nil {
		e.log.Error("cannot ask for labels", "err", err)
		return labels, "The events could not be sent to the model; " + labelsLeftOut
	}
	mctx, cancel := e.bound(ctx)
	defer cancel()
	reply, err := e.model.Chat(mctx, llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: msg}}, JSON: true})
	if err != nil && ctx.Err() == nil {
		err = e.overrun(mctx, err, "the labels")
	}
	if err != nil {
		e.log.Warn("model unavailable; the timeline has no labels", "err", err)
		return labels, "The model could not label the events (" + failure(err) + "); " + labelsLeftOut
	}
	got, err := parseLabels(reply.Content)
	if err != nil {
		e.log.Warn("model labels unreadable", "err", err, "reply", clip(reply.Content, 200))
		return labels, "The model's labels could not be read (" + err.Error() + "); " + labelsLeftOut
	}
	n := 0
	for _, l := range got {
		if l.Ref < 1 || l.Ref > len(events) {
			continue
		}
		i := sent[l.Ref-1]
		if labels[i] != "" {
			continue
		}
		if text, ok := e.support.checkLabel(l, quotes[i]); ok {
			labels[i] = text
			n++
		}
	}
	e.log.Info("timeline labelled", "events", len(quotes), "sent", len(events), "labels", len(got), "kept", n)
	if n == 0 {
		return labels, "The model gave no label that could be checked against its event; " + labelsLeftOut
	}
	notice = "Labels are the model's words, each backed by its event's quote as an answer's sentences are by theirs."
	if missing := len(quotes) - n; missing > 0 {
		notice += fmt.Sprintf(" %s no label", plural(missing, "event has", "events have"))
		if left := len(quotes) - len(events); left > 0 {
			notice += fmt.Sprintf(" (%d not sent to the model, to keep the request short)", left)
		}
		notice += "."
	}
	return labels, notice
}

// modelLabel is one label as the model gave it, not yet checked.
type modelLabel struct {
	Ref   int
	Label string
	Quote string
}

// checkLabel returns l's label as plain text when it passes the support
// check against its event's quote: its own quote stands in the event's
// and carries weight, it holds no link, mention or markup the event's
// quote lacks, and the event's quote backs its words as a quote backs a
// sentence of an answer.
func (sp supportParams) checkLabel(l modelLabel, quote string) (string, bool) {
	key, ok := citable(l.Quote)
	if !ok {
		return "", false
	}
	start, end, ok := fold(quote).find(key)
	if !ok {
		return "", false
	}
	if !sp.readQuote(quote[start:end]).weighty {
		return "", false
	}
	ev := sp.readEvidence([]string{quote}, nil)
	if strayMarkup(claim{markup: markupIn(markerRe.ReplaceAllString(l.Label, " "))}, ev) != "" {
		return "", false
	}
	text := plainLine(l.Label)
	if sp.check(sp.readClaim(strings.TrimSuffix(text, "…")), ev, background{src: &source{text: quote}}) != "" {
		return "", false
	}
	return text, true
}

var (
	// linkRe matches a markdown link, [text](url).
	linkRe = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	// plain removes markdown emphasis, code and table marks.
	plain = strings.NewReplacer("*", "", "_", "", "~", "", "`", "", "|", "")
)

// plainLine makes a model's label plain text (see plainText): its first line, without
// markdown, [n] markers or mentions, cut at a word to maxLabelWords words
// and about maxLabelBytes bytes.
func plainLine(s string) string {
	s = plainText(s)
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" {
			s = line
			break
		}
	}
	s = linkRe.ReplaceAllString(s, "$1")
	s = markerRe.ReplaceAllString(s, " ")
	s = unmention(plain.Replace(s))
	s = strings.TrimLeft(strings.TrimSpace(s), "#>-•+ ")
	s = strings.Trim(s, `"“” `)
	var b strings.Builder
	for i, w := range strings.Fields(tidy(s)) {
		if i == maxLabelWords || b.Len()+1+len(w) > maxLabelBytes {
			b.WriteString("…")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// parseLabels finds the labels object in a model's reply, bare, fenced or
// wrapped in prose (see findObject): the first object with a "labels" key.
func parseLabels(s string) ([]modelLabel, error) {
	var out []modelLabel
	if findObject(s, func(obj string) (ok bool) { out, ok = decodeLabels(obj); return ok }) {
		return out, nil
	}
	return nil, errNotJSON
}

// decodeLabels decodes the first JSON value of s as a labels object.
// Labels whose ref is not a number are dropped.
func decodeLabels(s string) ([]modelLabel, bool) {
	if !strings.HasPrefix(s, "{") {
		return nil, false
	}
	var raw struct {
		Labels *[]struct {
			Ref   json.RawMessage `json:"ref"`
			Label string          `json:"label"`
			Quote string          `json:"quote"`
		} `json:"labels"`
	}
	if err := json.NewDecoder(strings.NewReader(s)).Decode(&raw); err != nil || raw.Labels == nil {
		return nil, false
	}
	out := []modelLabel{}
	for _, l := range *raw.Labels {
		if ref, ok := parseRef(l.Ref); ok {
			out = append(out, modelLabel{Ref: ref, Label: l.Label, Quote: l.Quote})
		}
	}
	return out, true
}
