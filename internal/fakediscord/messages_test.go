package fakediscord_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/internal/fakediscord"
)

// connect opens a discordgo session on fake with intents and returns it
// with the messages it is sent.
func connect(t *testing.T, fake *fakediscord.Server, intents discordgo.Intent) (*discordgo.Session, chan *discordgo.Message) {
	t.Helper()
	s, _ := discordgo.New("Bot tok")
	s.Client = &http.Client{Transport: rewrite{fake.URL}}
	s.Identify.Intents = intents
	got := make(chan *discordgo.Message, 16)
	s.AddHandler(func(_ *discordgo.Session, mc *discordgo.MessageCreate) { got <- mc.Message })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	return s, got
}

func next(t *testing.T, got chan *discordgo.Message) *discordgo.Message {
	t.Helper()
	select {
	case m := <-got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no MESSAGE_CREATE")
		return nil
	}
}

// TestMessages: what the bot posts and what users post are kept and read
// back as Discord does: single messages and pages of them, a reply with
// the message it replies to.
func TestMessages(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	t.Cleanup(fake.Close) // after the session closes
	s, got := connect(t, fake, discordgo.IntentsGuildMessages)

	answer, err := s.ChannelMessageSendComplex(fakediscord.ChannelID, &discordgo.MessageSend{Content: "the bot's answer"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := fake.Post(fakediscord.Message{Content: "a follow-up", ReplyTo: answer.ID})
	if err != nil {
		t.Fatal(err)
	}
	m := next(t, got)
	if m.ID != id || m.Type != discordgo.MessageTypeReply || m.MessageReference == nil || m.MessageReference.MessageID != answer.ID ||
		m.ReferencedMessage == nil || m.ReferencedMessage.Content != "the bot's answer" || len(m.Mentions) != 1 || m.Content != "a follow-up" {
		t.Errorf("a reply to the bot arrived as %+v", m)
	}
	// A reply with its ping turned off does not mention the bot, so
	// without the message content intent its text is left out.
	fake.Post(fakediscord.Message{Content: "quietly", ReplyTo: answer.ID, NoPing: true})
	if m := next(t, got); m.Content != "" || len(m.Mentions) != 0 {
		t.Errorf("a reply without a ping: %q, mentions %v; want no content", m.Content, m.Mentions)
	}
	one, err := s.ChannelMessage(fakediscord.ChannelID, id)
	if err != nil || one.Content != "a follow-up" || one.ReferencedMessage == nil || one.ReferencedMessage.ID != answer.ID {
		t.Errorf("GET the reply: %+v, %v", one, err)
	}
	page, err := s.ChannelMessages(fakediscord.ChannelID, 2, "", "", "")
	if err != nil || len(page) != 2 || page[0].Content != "" || page[1].ID != id {
		t.Errorf("GET the channel's latest two, newest first: %+v, %v", page, err)
	}
	if older, err := s.ChannelMessages(fakediscord.ChannelID, 10, id, "", ""); err != nil || len(older) != 1 || older[0].ID != answer.ID {
		t.Errorf("GET before the reply: %+v, %v", older, err)
	}
	if _, err := s.ChannelMessage("300000000000000099", id); !strings.Contains(errString(err), "10008") {
		t.Errorf("a message asked of another channel: %v; want 10008 Unknown Message", err)
	}

}

// TestThreads: a thread starts from a message, with its id, not twice,
// and is named with 1 to 100 characters.
func TestThreads(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	t.Cleanup(fake.Close) // after the session closes
	s, _ := connect(t, fake, discordgo.IntentsGuildMessages)
	answer, err := s.ChannelMessageSendComplex(fakediscord.ChannelID, &discordgo.MessageSend{Content: "the bot's answer"})
	if err != nil {
		t.Fatal(err)
	}
	th, err := s.MessageThreadStartComplex(fakediscord.ChannelID, answer.ID, &discordgo.ThreadStart{Name: "What about the answer?"})
	if err != nil || th.ID != answer.ID || th.ParentID != fakediscord.ChannelID || th.OwnerID != fake.BotID || !th.IsThread() {
		t.Fatalf("thread: %+v, %v", th, err)
	}
	if _, err := s.MessageThreadStartComplex(fakediscord.ChannelID, answer.ID, &discordgo.ThreadStart{Name: "again"}); !strings.Contains(errString(err), "160004") {
		t.Errorf("a second thread on a message: %v", err)
	}
	if _, err := s.ThreadStart(fakediscord.ChannelID, strings.Repeat("x", 101), discordgo.ChannelTypeGuildPublicThread, 60); err == nil {
		t.Errorf("a thread named with 101 characters was created")
	}
	if ch, err := s.Channel(th.ID); err != nil || ch.OwnerID != fake.BotID || ch.ParentID != fakediscord.ChannelID {
		t.Errorf("GET the thread: %+v, %v", ch, err)
	}

}

// TestDeletedAndUnreadable: a deleted message is gone, a reply to it
// says so, and a channel the bot may not read refuses.
func TestDeletedAndUnreadable(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	t.Cleanup(fake.Close) // after the session closes
	s, _ := connect(t, fake, discordgo.IntentsGuildMessages)
	answer, err := s.ChannelMessageSendComplex(fakediscord.ChannelID, &discordgo.MessageSend{Content: "the bot's answer"})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := fake.Post(fakediscord.Message{Content: "a follow-up", ReplyTo: answer.ID})
	fake.DeleteMessage(answer.ID)
	if _, err := s.ChannelMessage(fakediscord.ChannelID, answer.ID); !strings.Contains(errString(err), "10008") {
		t.Errorf("a deleted message: %v", err)
	}
	if one, err := s.ChannelMessage(fakediscord.ChannelID, id); err != nil || one.ReferencedMessage != nil {
		t.Errorf("a reply to a deleted message: %+v, %v; want referenced_message null", one, err)
	}
	fake.DenyHistory(fakediscord.ChannelID)
	if _, err := s.ChannelMessages(fakediscord.ChannelID, 10, "", "", ""); !strings.Contains(errString(err), "50001") {
		t.Errorf("a channel the bot may not read: %v; want 50001 Missing Access", err)
	}
}

// TestMessageContentIntent: with the intent, the text of every message
// arrives, and REST answers show it too.
func TestMessageContentIntent(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	t.Cleanup(fake.Close) // after the session closes
	s, got := connect(t, fake, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent)
	id, _ := fake.Post(fakediscord.Message{Content: "no mention"})
	if m := next(t, got); m.Content != "no mention" {
		t.Errorf("with the intent: %q", m.Content)
	}
	if m, err := s.ChannelMessage(fakediscord.ChannelID, id); err != nil || m.Content != "no mention" {
		t.Errorf("GET with the intent: %+v, %v", m, err)
	}
}

// TestInteractionResponsesAreMessages: an interaction's response and its
// follow-ups are messages of its channel, which a thread can start from;
// an ephemeral one is not.
func TestInteractionResponsesAreMessages(t *testing.T) {
	fake := fakediscord.New(fakediscord.Options{Token: "tok"})
	t.Cleanup(fake.Close) // after the session closes
	s, _ := connect(t, fake, discordgo.IntentsGuildMessages)
	interactions := make(chan *discordgo.Interaction, 2)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { interactions <- ic.Interaction })
	for _, private := range []bool{false, true} {
		if _, err := fake.Interact(fakediscord.Interaction{Command: "ask", Channel: "300000000000000005"}); err != nil {
			t.Fatal(err)
		}
		i := <-interactions
		resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: &discordgo.InteractionResponseData{}}
		if private {
			resp.Data.Flags = discordgo.MessageFlagsEphemeral
		}
		if err := s.InteractionRespond(i, resp); err != nil {
			t.Fatal(err)
		}
		text := "the answer"
		m, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text})
		if err != nil || m.ID == "" || m.Content != "the answer" || m.ChannelID != "300000000000000005" {
			t.Fatalf("edit: %+v, %v", m, err)
		}
		_, err = s.ChannelMessage("300000000000000005", m.ID)
		if private != strings.Contains(errString(err), "10008") {
			t.Errorf("GET a response (ephemeral %v): %v", private, err)
		}
		if !private {
			if _, err := s.MessageThreadStartComplex("300000000000000005", m.ID, &discordgo.ThreadStart{Name: "the answer"}); err != nil {
				t.Errorf("a thread from a response: %v", err)
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
