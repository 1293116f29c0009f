package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/fakediscord"
)

const (
	routeEditMessage   = "PATCH /channels/{channel}/messages/{message}"
	routeDeleteMessage = "DELETE /channels/{channel}/messages/{message}"
)

// ask sends /ask with question and returns its interaction; faults are
// its own.
func (hs *harness) ask(t *testing.T, user, question string, faults ...fakediscord.Fault) fakediscord.Sent {
	t.Helper()
	sent, err := hs.fake.Interact(fakediscord.Interaction{Command: "ask", UserID: user, Faults: faults,
		Options: []fakediscord.Option{{Name: "question", Value: question}}})
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

// succeeded returns the calls of sent to route that Discord accepted.
func succeeded(calls []fakediscord.Call, sent fakediscord.Sent, route string) []fakediscord.Call {
	var out []fakediscord.Call
	for _, c := range only(calls, sent) {
		if c.Route == route && c.Status < 300 {
			out = append(out, c)
		}
	}
	return out
}

// waitAnswered waits until sent's original response has been edited
// successfully, and returns that edit.
func (hs *harness) waitAnswered(t *testing.T, sent fakediscord.Sent) message {
	t.Helper()
	calls, err := hs.fake.Wait(wait(t), func(calls []fakediscord.Call) bool { return len(succeeded(calls, sent, routeEdit)) > 0 })
	if err != nil {
		t.Fatalf("%v; calls %s", err, routes(only(calls, sent)))
	}
	return decode[message](t, succeeded(calls, sent, routeEdit)[0])
}

func TestEditRetriedAfterServerError(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	for _, status := range []int{500, 502, 503} {
		sent := hs.ask(t, "", "Who shouted at the harbour?", fakediscord.Fault{Route: routeEdit, Status: status, Times: 1})
		m := hs.waitAnswered(t, sent)
		if !strings.Contains(m.Content, "return") {
			t.Errorf("after a %d: edited to %q; want the answer", status, m.Content)
		}
		if got := routes(only(hs.fake.Calls(), sent)); got != routeCallback+" | "+routeEdit+" | "+routeEdit {
			t.Errorf("after a %d: calls %s; want the acknowledgement, the failed edit and its retry", status, got)
		}
	}
}

// TestAcknowledgementFailedButTaken: Discord took the acknowledgement but
// answered 500 (a "…" placeholder stands). The bot tries again, hears
// "already acknowledged" and edits the placeholder with the answer.
func TestAcknowledgementFailedButTaken(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	hs.fake.Fail(fakediscord.Fault{Route: routeCallback, Status: 500, Applied: true, Times: 1})
	sent := hs.ask(t, "", "Who shouted at the harbour?")
	m := hs.waitAnswered(t, sent)
	if !strings.Contains(m.Content, "return") {
		t.Errorf("placeholder edited to %q; want the answer", m.Content)
	}
	calls := only(hs.fake.Calls(), sent)
	if calls[0].Status != 500 || !calls[0].Applied || calls[1].Route != routeCallback || calls[1].Status != 400 {
		t.Errorf("calls %s; want the applied 500, then a retry refused as already acknowledged", routes(calls))
	}
	if n := len(hs.fake.CallsTo(routeMessage)); n != 0 {
		t.Errorf("%d channel messages; the answer belongs in the placeholder", n)
	}
}

// TestAcknowledgementAlwaysFailsAfterTaken: every try of the
// acknowledgement answers 500 though the first was taken; the placeholder
// still gets the answer.
func TestAcknowledgementAlwaysFailsAfterTaken(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	hs.fake.Fail(fakediscord.Fault{Route: routeCallback, Status: 500, Applied: true})
	sent := hs.ask(t, "", "Who shouted at the harbour?")
	if m := hs.waitAnswered(t, sent); !strings.Contains(m.Content, "return") {
		t.Errorf("placeholder edited to %q; want the answer", m.Content)
	}
}

// TestAcknowledgementLost: Discord never takes the acknowledgement; the
// answer is posted in the channel, saying whom it answers, and no
// placeholder is left.
func TestAcknowledgementLost(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	hs.fake.Fail(fakediscord.Fault{Route: routeCallback, Status: 503})
	sent := hs.ask(t, "42", "Who shouted at the harbour?")
	calls, err := hs.fake.WaitRoute(wait(t), routeMessage, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := decode[message](t, calls[0])
	if !strings.Contains(m.Content, "<@42>") || !strings.Contains(m.Content, "return") || len(m.Embeds) != 1 {
		t.Errorf("channel message %q with %d embeds; want the answer for <@42> with its quote", m.Content, len(m.Embeds))
	}
	for _, c := range only(hs.fake.Calls(), sent) {
		if c.Status < 300 {
			t.Errorf("%s answered %d: no placeholder may exist", c.Route, c.Status)
		}
	}
	checkNoPings(t, calls)
}

// TestEditNeverWorks: the placeholder cannot be edited at all; the answer
// goes to the channel and the placeholder is deleted.
func TestEditNeverWorks(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{})
	sent := hs.ask(t, "42", "Who shouted at the harbour?", fakediscord.Fault{Route: routeEdit, Status: 500})
	calls, err := hs.fake.Wait(wait(t), func(calls []fakediscord.Call) bool { return len(succeeded(calls, sent, routeDelete)) > 0 })
	if err != nil {
		t.Fatalf("the placeholder was never deleted: %v; calls %s", err, routes(only(calls, sent)))
	}
	msgs := hs.fake.CallsTo(routeMessage)
	if len(msgs) != 1 || !strings.Contains(decode[message](t, msgs[0]).Content, "return") {
		t.Fatalf("channel messages %d; want the answer", len(msgs))
	}
	if msgs[0].N > succeeded(calls, sent, routeDelete)[0].N {
		t.Error("the placeholder was deleted before the answer was posted")
	}
}

// TestFollowUpFailsGoesToChannel: a long answer whose follow-ups fail
// posts the rest in the channel.
func TestFollowUpFailsGoesToChannel(t *testing.T) {
	t.Parallel()
	hs := start(t, setup{answer: func(lib *library) bot.Answerer { return long{lib} }})
	hs.fake.Fail(fakediscord.Fault{Route: routeFollowUp, Status: 500})
	sent := hs.ask(t, "", "Tell me everything")
	hs.waitAnswered(t, sent)
	if _, err := hs.fake.WaitRoute(wait(t), routeMessage, 2); err != nil {
		t.Fatal(err)
	}
}

// TestRateLimitOnOneEditHoldsUpNoOther: one interaction's edit is
// refused with a 429 (retry after 2 s); the other five answers are
// posted meanwhile, and the limited one is retried after its wait.
func TestRateLimitOnOneEditHoldsUpNoOther(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan string, 6)
	hs := start(t, setup{answer: slow(release, started)})
	var sent []fakediscord.Sent
	for i := range 6 {
		sent = append(sent, hs.ask(t, fmt.Sprint(2000+i), fmt.Sprintf("Question %d?", i)))
	}
	if _, err := hs.fake.WaitRoute(wait(t), routeCallback, 6); err != nil {
		t.Fatal(err)
	}
	const retryAfter = 2 * time.Second
	hs.fake.Fail(fakediscord.Fault{Route: routeEdit, Token: sent[0].Token, Status: 429, RetryAfter: retryAfter, Times: 1})
	close(release)
	calls, err := hs.fake.Wait(wait(t), func(calls []fakediscord.Call) bool { return len(succeeded(calls, sent[0], routeEdit)) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	limited := only(calls, sent[0])
	if got := routes(limited); got != routeCallback+" | "+routeEdit+" | "+routeEdit {
		t.Fatalf("limited interaction: %s", got)
	}
	refused, retried := limited[1], limited[2]
	if refused.Status != 429 || retried.At.Sub(refused.At) < retryAfter {
		t.Errorf("retried %v after the 429 (status %d); want at least retry_after, %v", retried.At.Sub(refused.At), refused.Status, retryAfter)
	}
	for _, s := range sent[1:] {
		ok := succeeded(calls, s, routeEdit)
		if len(ok) != 1 || ok[0].N > retried.N {
			t.Errorf("another answer (%d edits) waited for the limited one", len(ok))
		}
	}
}

// TestSlowDiscordShutdown: with every edit taking 1 s and 20 answers in
// flight (8 finishing, 12 not), a stop with a 3 s grace period leaves every
// asker with the answer or the restart notice, and takes no longer.
func TestSlowDiscordShutdown(t *testing.T) {
	t.Parallel()
	const grace = 3 * time.Second
	release, started := make(chan struct{}), make(chan string, 20)
	hs := start(t, setup{cfg: bot.Config{MaxConcurrent: 20, MaxQueued: 20}, answer: slowSome(release, started, "Quick"), opts: bot.Options{Grace: grace}})
	hs.fake.Fail(fakediscord.Fault{Route: routeEdit, Delay: time.Second})
	var sent []fakediscord.Sent
	for i := range 20 {
		q := fmt.Sprintf("Slow question %d?", i)
		if i%5 < 2 {
			q = fmt.Sprintf("Quick question %d?", i)
		}
		sent = append(sent, hs.ask(t, fmt.Sprint(3000+i), q))
	}
	if _, err := hs.fake.WaitRoute(wait(t), routeCallback, 20); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		<-started
	}
	begin := time.Now()
	hs.stop()
	close(release) // the quick ones may answer now, during the stop
	if err := <-hs.result; err != nil {
		t.Errorf("Run: %v", err)
	}
	hs.result <- nil
	if took := time.Since(begin); took > grace+time.Second {
		t.Errorf("stopping took %v; the grace period is %v", took, grace)
	}
	calls := hs.fake.Calls()
	answered, noticed := 0, 0
	for i, s := range sent {
		switch left := leftWith(t, calls, s); {
		case strings.Contains(left, "please ask again"):
			noticed++
		case strings.Contains(left, "return"):
			answered++
		default:
			t.Errorf("question %d left at %q", i, left)
		}
	}
	if answered != 8 || noticed != 12 {
		t.Errorf("%d answered, %d told to ask again; want 8 and 12", answered, noticed)
	}
}

// TestMentionInFlightAtStop: a mention still being answered when the bot
// stops gets the restart notice in reply, which the answer then replaces
// (or follows, the notice removed).
func TestMentionInFlightAtStop(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan string, 1)
	hs := start(t, setup{answer: slow(release, started), opts: bot.Options{Grace: 5 * time.Second}})
	if err := hs.fake.WaitConnected(wait(t), 1); err != nil {
		t.Fatal(err)
	}
	id, _ := hs.fake.Post(fakediscord.Message{Content: "<@" + hs.fake.BotID + "> who shouted?", MentionBot: true})
	<-started
	hs.stop()
	notices, err := hs.fake.WaitRoute(wait(t), routeMessage, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m := decode[message](t, notices[0]); !strings.Contains(m.Content, "please ask again") || m.Reference == nil || m.Reference.MessageID != id {
		t.Errorf("notice %q in reply to %+v", m.Content, m.Reference)
	}
	close(release)
	if err := <-hs.result; err != nil {
		t.Errorf("Run: %v", err)
	}
	hs.result <- nil
	// The answer replaces the notice, or, when it was ready before the
	// notice was known to be posted, follows it and the notice goes.
	edits, posts := hs.fake.CallsTo(routeEditMessage), hs.fake.CallsTo(routeMessage)
	replaced := len(edits) == 1 && strings.Contains(decode[message](t, edits[0]).Content, "return")
	followed := len(posts) == 2 && strings.Contains(decode[message](t, posts[1]).Content, "return") && len(hs.fake.CallsTo(routeDeleteMessage)) == 1
	if !replaced && !followed {
		t.Errorf("the notice was neither replaced by the answer nor removed after it: calls %s", routes(hs.fake.Calls()))
	}
}

// slowSome answers questions starting with quick at once when released,
// and the others never (until their context ends).
func slowSome(release chan struct{}, started chan string, quick string) func(lib *library) bot.Answerer {
	return func(lib *library) bot.Answerer {
		return &selective{answerer: answerer{lib: lib}, release: release, started: started, quick: quick}
	}
}

type selective struct {
	answerer
	release chan struct{}
	started chan string
	quick   string
}

var _ bot.Answerer = (*selective)(nil)

func (s *selective) Ask(ctx context.Context, q answer.Query) (answer.Answer, error) {
	s.started <- q.Question
	if !strings.HasPrefix(q.Question, s.quick) {
		<-ctx.Done()
		return answer.Answer{}, ctx.Err()
	}
	select {
	case <-s.release:
	case <-ctx.Done():
		return answer.Answer{}, ctx.Err()
	}
	return s.answerer.Ask(ctx, q)
}

// leftWith is what the asker of sent was left with: the answer, posted in
// place of the placeholder or as a follow-up, else the placeholder's last
// content.
func leftWith(t *testing.T, calls []fakediscord.Call, sent fakediscord.Sent) string {
	t.Helper()
	last := ""
	for _, c := range only(calls, sent) {
		if (c.Route != routeEdit && c.Route != routeFollowUp) || c.Status >= 300 {
			continue
		}
		m := decode[message](t, c)
		if strings.Contains(m.Content, "return") {
			return m.Content
		}
		last = m.Content
	}
	return last
}
