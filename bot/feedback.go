package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/stats"
)

// Feedback: every answer carries 👍 and 👎 buttons naming the question's
// id. A click is acknowledged at once, before anything is written (the
// Recorder writes in the background): 👍 is thanked privately, 👎 opens a
// modal asking what was wrong, whose answer is stored too. Each user has
// one vote per answer; the latest wins.

// answered is the answer a Reply shows, with the scope it was asked in.
type answered struct {
	a     answer.Answer
	scope knowledge.Scope
}

// Custom ids of the feedback buttons and modal; the question's id follows.
const (
	voteUp    = "vote:up:"
	voteDown  = "vote:down:"
	whyPrefix = "vote:why:"
	whyInput  = "what"
)

// maxComment is the longest comment the modal takes.
const maxComment = 500

// recordQuestion tells the recorder and the metrics what became of req,
// asked at start and answered in latency (as logged), and gives an answer
// its feedback buttons.
func (h *Handler) recordQuestion(req Request, reply Reply, outcome string, start time.Time, latency time.Duration) Reply {
	h.metrics.question(req.Command, outcome, reply.Mode)
	q := stats.Question{ID: req.ID, At: start, Via: req.Via, Command: req.Command, Guild: req.Guild, Outcome: outcome,
		Mode: string(reply.Mode), Latency: latency, Text: req.Args.str("question")}
	if req.Command == "timeline" {
		q.Text = req.Args.str("topic")
	}
	if x := reply.answered; x != nil {
		c := x.a.Checks
		h.metrics.rejected(c.RejectedQuotes, c.RejectedClaims)
		q.ModelAsked, q.Fallback, q.ModelFailure = c.ModelAsked, c.Fallback, c.ModelFailure
		q.RejectedQuotes, q.RejectedClaims = c.RejectedQuotes, c.RejectedClaims
		for _, cit := range x.a.Citations {
			q.Passages = appendNew(q.Passages, cit.PassageID)
			if slug, _, ok := knowledge.ParsePassageID(cit.PassageID); ok {
				q.Stories = appendNew(q.Stories, slug)
			}
		}
		if len(q.Stories) == 0 {
			q.Stories = slices.Clone(x.scope.Docs)
		}
	}
	if h.recorder == nil || req.ID == "" {
		return reply
	}
	h.recorder.Question(q)
	if reply.answered != nil && len(reply.Messages) > 0 {
		reply = withFeedback(reply, req.ID)
	}
	return reply
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// withFeedback puts the feedback buttons under the reply's last message.
func withFeedback(r Reply, id string) Reply {
	msgs := slices.Clone(r.Messages)
	last := &msgs[len(msgs)-1]
	last.Components = append(slices.Clone(last.Components), discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Helpful", Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: voteUp + id},
		discordgo.Button{Label: "Not helpful", Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: voteDown + id},
	}})
	r.Messages = msgs
	return r
}

// parseVote reads a feedback button's custom id.
func parseVote(customID string) (up bool, answerID string, ok bool) {
	if id, ok := strings.CutPrefix(customID, voteUp); ok && id != "" {
		return true, id, true
	}
	if id, ok := strings.CutPrefix(customID, voteDown); ok && id != "" {
		return false, id, true
	}
	return false, "", false
}

// Vote records req's user's vote on the answer to question answerID and
// returns the response: thanks, shown to them alone, or for a 👎 the modal
// asking what was wrong.
func (h *Handler) Vote(_ context.Context, req Request, answerID string, up bool) *discordgo.InteractionResponse {
	if h.recorder != nil {
		h.recorder.Vote(stats.Vote{Answer: answerID, User: req.User, At: h.now(), Up: up})
	}
	kind := "down"
	if up {
		kind = "up"
	}
	h.metrics.voted(kind)
	h.log.Info("feedback", "via", "button", "vote", kind, "user", req.User, "answer", answerID)
	if up {
		return privateResponse("Thanks! Your 👍 is noted; it helps whoever runs me see what works.")
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: whyPrefix + answerID,
		Title:    "What was wrong?",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: whyInput, Label: "What was wrong with the answer? (optional)", Style: discordgo.TextInputParagraph,
				Placeholder: "e.g. the quotes don't answer the question", MaxLength: maxComment},
		}}},
	}}
}

// Explain records what a user said was wrong with an answer (the 👎
// modal) and returns the thanks.
func (h *Handler) Explain(_ context.Context, req Request, customID, text string) *discordgo.InteractionResponse {
	answerID, ok := strings.CutPrefix(customID, whyPrefix)
	if !ok || answerID == "" {
		return privateResponse("That form no longer does anything.")
	}
	text = strings.TrimSpace(text)
	if length(text) > maxComment {
		text = prefix(text, maxComment)
	}
	if h.recorder != nil {
		h.recorder.Vote(stats.Vote{Answer: answerID, User: req.User, At: h.now(), Comment: text, Commented: text != ""})
	}
	if text == "" {
		return privateResponse("Thanks; your 👎 is noted.")
	}
	h.metrics.voted("comment")
	h.log.Info("feedback", "via", "modal", "vote", "down", "user", req.User, "answer", answerID, "comment_chars", length(text))
	return privateResponse("Thanks for saying what was wrong; it is noted for whoever runs me.")
}

func privateResponse(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}}
}

// modalText is what was typed in the modal's text input.
func modalText(data discordgo.ModalSubmitInteractionData) string {
	var b strings.Builder
	var walk func([]discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, c := range cs {
			switch c := c.(type) {
			case *discordgo.ActionsRow:
				walk(c.Components)
			case *discordgo.TextInput:
				if c.CustomID == whyInput {
					b.WriteString(c.Value)
				}
			}
		}
	}
	walk(data.Components)
	return b.String()
}
