package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
)

func newHandler(t *testing.T, a bot.Answerer, lib bot.Library, cfg bot.Config) *bot.Handler {
	t.Helper()
	if cfg.RatePerMinute == 0 {
		cfg.RatePerMinute, cfg.RateBurst = 600, 100
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent, cfg.MaxQueued = 4, 32
	}
	return bot.NewHandler(a, lib, cfg)
}

// allText is everything a reply shows, content and embeds, for assertions.
func allText(r bot.Reply) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Content + "\n")
		for _, e := range m.Embeds {
			b.WriteString(e.Title + "\n" + e.Description + "\n")
			for _, f := range e.Fields {
				b.WriteString(f.Name + ": " + f.Value + "\n")
			}
			if e.Footer != nil {
				b.WriteString(e.Footer.Text + "\n")
			}
		}
	}
	return b.String()
}

func commandNames(h *bot.Handler) []string {
	var names []string
	for _, c := range h.Commands() {
		names = append(names, c.Name)
	}
	return names
}

func TestCommands(t *testing.T) {
	lib := newLibrary()
	h := newHandler(t, &answerer{lib: lib}, lib, bot.Config{})
	if got, want := strings.Join(commandNames(h), " "), "ask source help"; got != want {
		t.Errorf("commands without a timeline: %q, want %q", got, want)
	}
	h = newHandler(t, &answerer{lib: lib}, lib, bot.Config{Timeliner: &timeliner{}})
	if got, want := strings.Join(commandNames(h), " "), "ask timeline source help"; got != want {
		t.Errorf("commands with a timeline: %q, want %q", got, want)
	}
	for _, c := range h.Commands() {
		if c.Description == "" || len(c.Description) > 100 {
			t.Errorf("/%s: description %q must be 1-100 characters", c.Name, c.Description)
		}
		for _, o := range c.Options {
			if o.Description == "" || len(o.Description) > 100 {
				t.Errorf("/%s %s: description %q must be 1-100 characters", c.Name, o.Name, o.Description)
			}
		}
	}
}

func TestAskAcknowledgesBeforeAnswering(t *testing.T) {
	lib := newLibrary()
	a := &answerer{lib: lib, release: make(chan struct{})}
	h := newHandler(t, a, lib, bot.Config{})
	var events []string
	acked := make(chan bool, 1)
	a.started = make(chan string, 1)
	go func() {
		<-a.started
		events = append(events, "model called")
		close(a.release)
	}()
	r := h.Handle(context.Background(), bot.Request{User: "u", Command: "ask", Args: bot.Args{"question": "Who shouted?", "public": false}, Via: "slash"},
		func(private bool) error {
			events = append(events, "ack")
			acked <- private
			return nil
		})
	if got := strings.Join(events, ", "); got != "ack, model called" {
		t.Errorf("events: %s; want the ack first", got)
	}
	if !<-acked || !r.Ephemeral {
		t.Errorf("public:false: ack private and reply ephemeral, got reply.Ephemeral=%v", r.Ephemeral)
	}
	text := allText(r)
	for _, want := range []string{`\[1\]`, "The Northern Voyage", "`voyage#2`", "shouted @here", "fake-model"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply lacks %q:\n%s", want, text)
		}
	}
	if r.Mode != answer.ModeLLM {
		t.Errorf("mode %q", r.Mode)
	}
}

func TestRefusals(t *testing.T) {
	lib := newLibrary()
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cfg  bot.Config
		args bot.Args
		via  string
		prep func(h *bot.Handler) // requests made before the one checked
		want string
	}{
		{"blank question", bot.Config{}, bot.Args{"question": "   "}, "slash", nil, "Please fill in the question."},
		{"bare mention", bot.Config{}, bot.Args{"question": ""}, "mention", nil, "Mention me with a question"},
		{"too long", bot.Config{}, bot.Args{"question": strings.Repeat("why ", 200)}, "slash", nil, "please keep it to 500"},
		{"rate limited", bot.Config{RatePerMinute: 2, RateBurst: 1, Now: func() time.Time { return now }},
			bot.Args{"question": "Who?"}, "slash",
			func(h *bot.Handler) {
				h.Handle(context.Background(), bot.Request{User: "u", Command: "ask", Args: bot.Args{"question": "Who?"}}, func(bool) error { return nil })
			},
			"Slow down a little: you can ask again in 30 s."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &answerer{lib: lib}
			h := newHandler(t, a, lib, tt.cfg)
			if tt.prep != nil {
				tt.prep(h)
			}
			before := len(a.questions())
			r := h.Handle(context.Background(), bot.Request{User: "u", Command: "ask", Args: tt.args, Via: tt.via},
				func(bool) error { t.Error("acknowledged a refused request"); return nil })
			if !r.Ephemeral {
				t.Error("refusal is public; want it shown only to the asker")
			}
			if got := allText(r); !strings.Contains(got, tt.want) {
				t.Errorf("reply %q; want %q", got, tt.want)
			}
			if len(a.questions()) != before {
				t.Error("the model was asked")
			}
		})
	}
}

func TestBusy(t *testing.T) {
	lib := newLibrary()
	a := &answerer{lib: lib, release: make(chan struct{}), started: make(chan string, 2)}
	h := newHandler(t, a, lib, bot.Config{MaxConcurrent: 1, MaxQueued: 1, RatePerMinute: 1, RateBurst: 1})
	ask := func(user string, ack func(bool) error) bot.Reply {
		return h.Handle(context.Background(), bot.Request{User: user, Command: "ask", Args: bot.Args{"question": "Who?"}}, ack)
	}
	done := make(chan bot.Reply, 2)
	queued := make(chan bool)
	go func() { done <- ask("first", func(bool) error { return nil }) }()
	<-a.started // the first is working
	go func() { done <- ask("second", func(bool) error { close(queued); return nil }) }()
	<-queued // the second is acknowledged and waiting
	r := ask("third", func(bool) error { t.Error("acknowledged while busy"); return nil })
	if !r.Ephemeral || !strings.Contains(allText(r), "busy") {
		t.Errorf("third question: %q; want a private busy message", allText(r))
	}
	close(a.release)
	for range 2 {
		if r := <-done; !strings.Contains(allText(r), "sailor") {
			t.Errorf("queued question got %q", allText(r))
		}
	}
	// Refused for being busy costs no allowance: "third" may ask now.
	if r := ask("third", func(bool) error { return nil }); !strings.Contains(allText(r), "sailor") {
		t.Errorf("after the rush: %q", allText(r))
	}
}

type failingAnswerer struct{ err error }

func (f failingAnswerer) Ask(context.Context, answer.Query) (answer.Answer, error) {
	return answer.Answer{}, f.err
}

func TestAskErrors(t *testing.T) {
	lib := newLibrary()
	for _, tt := range []struct {
		name, want string
		err        error
		private    bool
	}{
		{"no words", "couldn't find any words", knowledge.ErrEmptyQuery, true},
		{"engine", "something went wrong on my side", errors.New("disk on fire"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(t, failingAnswerer{fmt.Errorf("ask: %w", tt.err)}, lib, bot.Config{})
			r := h.Handle(context.Background(), bot.Request{User: "u", Command: "ask", Args: bot.Args{"question": "?"}}, func(bool) error { return nil })
			if r.Ephemeral != tt.private || !strings.Contains(allText(r), tt.want) {
				t.Errorf("reply %q (private %v); want %q (private %v)", allText(r), r.Ephemeral, tt.want, tt.private)
			}
			if strings.Contains(allText(r), "disk") {
				t.Error("internal error detail shown to the user")
			}
		})
	}
}

func TestSource(t *testing.T) {
	lib := newLibrary()
	h := newHandler(t, &answerer{lib: lib}, lib, bot.Config{})
	r := h.Handle(context.Background(), bot.Request{User: "u", Command: "source", Args: bot.Args{"passage": "voyage#3"}}, nil)
	if r.Ephemeral {
		t.Error("a passage is private; want it public")
	}
	e := r.Messages[0].Embeds[0]
	if e.Description != ">>> "+lib.passages[2].Text || e.Title != "The Northern Voyage" || e.Fields[0].Value != "`voyage#3`" {
		t.Errorf("embed = %q / %q / %q", e.Title, e.Description, e.Fields[0].Value)
	}
	r = h.Handle(context.Background(), bot.Request{User: "u", Command: "source", Args: bot.Args{"passage": "voyage#99"}}, nil)
	if !r.Ephemeral || !strings.Contains(allText(r), "There is no passage \"voyage#99\"") || !strings.Contains(allText(r), "`voyage#1`") {
		t.Errorf("unknown passage: %q (private %v)", allText(r), r.Ephemeral)
	}
}

func TestCompletePassage(t *testing.T) {
	lib := newLibrary()
	h := newHandler(t, &answerer{lib: lib}, lib, bot.Config{})
	names := func(typed string) string {
		var out []string
		for _, c := range h.Complete(context.Background(), bot.Request{Command: "source"}, "passage", typed) {
			out = append(out, c.Name+"="+c.Value.(string))
		}
		return strings.Join(out, "; ")
	}
	if got := names("voyage#"); got != "voyage#1=voyage#1; voyage#2=voyage#2; voyage#3=voyage#3" {
		t.Errorf("prefix: %s", got)
	}
	if got := names("harbour"); !strings.HasPrefix(got, "voyage#2 · At the harbour") || !strings.HasSuffix(got, "=voyage#2") {
		t.Errorf("search: %s", got)
	}
	for _, c := range h.Complete(context.Background(), bot.Request{Command: "source"}, "passage", "the") {
		if len([]rune(c.Name)) > 100 {
			t.Errorf("choice name over 100 characters: %q", c.Name)
		}
	}
}

func TestHelp(t *testing.T) {
	lib := newLibrary()
	h := newHandler(t, &answerer{lib: lib}, lib, bot.Config{})
	r := h.Handle(context.Background(), bot.Request{User: "u", Command: "help"}, nil)
	text := allText(r)
	for _, want := range []string{"**The Northern Voyage**", "`/ask question: public: story: thread:`", "reply to one of my answers", "`/source passage:`", "word for word", "Quotes only", "Not in the story", "Written by"} {
		if !strings.Contains(text, want) {
			t.Errorf("help lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "/timeline") {
		t.Error("help mentions /timeline, which is not registered")
	}
	if !r.Ephemeral {
		t.Error("help is public; want it shown to the asker only")
	}
}

func TestTimeline(t *testing.T) {
	lib := newLibrary()
	tl := &timeliner{}
	h := newHandler(t, &answerer{lib: lib}, lib, bot.Config{Timeliner: tl})
	r := h.Handle(context.Background(), bot.Request{User: "u", Command: "timeline", Args: bot.Args{"topic": "captain"}}, func(bool) error { return nil })
	text := allText(r)
	for _, want := range []string{"Timeline of The Northern Voyage", "about “captain”", "1851-03-01", "**1850** · “The captain sailed north **in 1850**.” `voyage#1`", "**1851-02**"} {
		if !strings.Contains(text, want) {
			t.Errorf("timeline lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "1850**") > strings.Index(text, "1851-02") {
		t.Error("events out of order")
	}
	if len(tl.topics) != 1 || tl.topics[0] != "captain" {
		t.Errorf("timeliner asked for %q", tl.topics)
	}
	if strings.Contains(text, "model") {
		t.Errorf("timeline shows a notice nobody gave:\n%s", text)
	}
}

func TestTimelineShowsWhyLabelsAreMissing(t *testing.T) {
	lib := newLibrary()
	tl := &timeliner{notice: "The model could not label the events (the model server answered 500)."}
	h := newHandler(t, &answerer{lib: lib}, lib, bot.Config{Timeliner: tl})
	r := h.Handle(context.Background(), bot.Request{User: "u", Command: "timeline"}, func(bool) error { return nil })
	if text := allText(r); !strings.Contains(text, "could not label the events") {
		t.Errorf("timeline does not say why labels are missing:\n%s", text)
	}
}
