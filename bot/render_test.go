package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/timeline"
)

// checkLimits fails the test for any message over one of Discord's limits.
func checkLimits(t *testing.T, msgs []Message) {
	t.Helper()
	for i, m := range msgs {
		if n := length(m.Content); n > maxContent {
			t.Errorf("message %d: content is %d characters, limit %d", i, n, maxContent)
		}
		if m.Content == "" && len(m.Embeds) == 0 {
			t.Errorf("message %d is empty", i)
		}
		if len(m.Embeds) > maxEmbeds {
			t.Errorf("message %d: %d embeds, limit %d", i, len(m.Embeds), maxEmbeds)
		}
		total := 0
		for j, e := range m.Embeds {
			total += embedSize(e)
			if n := length(e.Title); n > maxTitle {
				t.Errorf("message %d embed %d: title %d characters", i, j, n)
			}
			if n := length(e.Description); n > maxDescription {
				t.Errorf("message %d embed %d: description %d characters", i, j, n)
			}
			for _, f := range e.Fields {
				if length(f.Value) > maxFieldValue || length(f.Name) > maxFieldName {
					t.Errorf("message %d embed %d: field %q too long", i, j, f.Name)
				}
			}
			if e.Footer != nil && length(e.Footer.Text) > maxFooter {
				t.Errorf("message %d embed %d: footer too long", i, j)
			}
		}
		if total > maxEmbedsTotal {
			t.Errorf("message %d: embeds total %d characters, limit %d", i, total, maxEmbedsTotal)
		}
	}
}

// shownQuote is the quote text an embed shows, with the block-quote marker
// and escapes removed.
func shownQuote(desc string) string { return unescape(strings.TrimPrefix(desc, ">>> ")) }

// sentences makes n distinct sentences of about 80 characters.
func sentences(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Sentence number %d tells of the agents, the phones and the money that moved between them. ", i)
	}
	return strings.TrimSpace(b.String())
}

func TestSplitText(t *testing.T) {
	long := sentences(60) // ~5,000 characters
	tests := []struct {
		name string
		in   string
		max  int
		want int // pieces
	}{
		{"short", "Just one line.", 2000, 1},
		{"sentences", long, 2000, 3},
		{"paragraphs", strings.Repeat("A paragraph of words here.\n\n", 200), 2000, 3},
		{"one huge word", strings.Repeat("x", 4500), 2000, 3},
		{"wide runes", strings.Repeat("😀 ", 1500), 2000, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.in, tt.max)
			if len(got) != tt.want {
				t.Errorf("got %d pieces, want %d", len(got), tt.want)
			}
			for i, p := range got {
				if length(p) > tt.max {
					t.Errorf("piece %d is %d characters, max %d", i, length(p), tt.max)
				}
			}
			if tt.name != "one huge word" {
				if g, w := strings.Join(strings.Fields(strings.Join(got, " ")), " "), strings.Join(strings.Fields(tt.in), " "); g != w {
					t.Errorf("words changed by splitting")
				}
			}
			if tt.name == "sentences" {
				for i, p := range got[:len(got)-1] {
					if !strings.HasSuffix(p, ".") {
						t.Errorf("piece %d ends mid-sentence: …%q", i, p[len(p)-20:])
					}
				}
			}
		})
	}
}

func TestTrimQuote(t *testing.T) {
	identity := func(s string) string { return s }
	tests := []struct {
		name   string
		in     string
		max    int
		want   string
		wantOK bool
	}{
		{"fits", "He refused.", 100, "He refused.", true},
		{"sentence boundary", "He refused. The FBI then tried another way to reach the network.", 40, "He refused. …", false},
		{"word boundary", "He did not give law enforcement a backdoor into Phantom Secure.", 30, "He did not give law…", true},
		{"no boundary", strings.Repeat("x", 50), 20, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := trim(tt.in, tt.max, identity)
			if tt.name == "sentence boundary" {
				// Less than half of the room: a word cut keeps more.
				if !ok || !strings.HasSuffix(got, "…") || length(got) > tt.max {
					t.Fatalf("trim = %q, %v", got, ok)
				}
				return
			}
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("trim(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	// Sentence cuts win when they keep at least half the room.
	in := sentences(10)
	got, _ := trim(in, 400, identity)
	if !strings.HasSuffix(got, ". …") {
		t.Errorf("trim kept %q; want a cut after a sentence", got[len(got)-30:])
	}
}

func TestRenderAnswerWithinLimits(t *testing.T) {
	a := answer.Answer{
		Mode:   answer.ModeLLM,
		Model:  "test-model",
		Answer: sentences(40) + " [1] [2]",
		Notice: "A notice.",
	}
	quotes := map[int]string{}
	for i := 1; i <= 15; i++ {
		q := sentences(12) // ~1,000 characters each: 6,000 per message forces a split
		if i == 3 {
			q = sentences(70) // over 4,096: must be trimmed
		}
		if i == 4 {
			q = "*bold* @here [link](http://example.com) <@123> ~~x~~"
		}
		quotes[i] = q
		a.Citations = append(a.Citations, answer.Citation{Ref: i, PassageID: fmt.Sprintf("story#%d", i), Quote: q})
	}
	r := renderAnswer(a, map[string]string{"story": "The Story"}, "")
	checkLimits(t, r.Messages)
	if len(r.Messages) < 3 {
		t.Fatalf("got %d messages; want the text split and the embeds spread", len(r.Messages))
	}
	var embeds int
	for _, m := range r.Messages {
		for _, e := range m.Embeds {
			embeds++
			if !strings.HasPrefix(e.Title, fmt.Sprintf(`\[%d\] The Story`, embeds)) {
				t.Errorf("embed %d title %q", embeds, e.Title)
			}
			shown := shownQuote(e.Description)
			orig := quotes[embeds]
			if strings.HasSuffix(shown, "…") {
				cut := strings.TrimSuffix(strings.TrimSuffix(shown, "…"), " ")
				if !strings.HasPrefix(orig, cut) {
					t.Errorf("embed %d: trimmed quote is not a prefix of the quote", embeds)
				}
				if embeds != 3 {
					t.Errorf("embed %d trimmed though it fits", embeds)
				}
			} else if shown != orig {
				t.Errorf("embed %d shows %q; want %q", embeds, shown, orig)
			}
			if got := e.Fields[0].Value; got != fmt.Sprintf("`story#%d`", embeds) {
				t.Errorf("embed %d passage field %q", embeds, got)
			}
		}
	}
	if embeds != 15 {
		t.Errorf("got %d quote embeds, want 15", embeds)
	}
	last := r.Messages[len(r.Messages)-1]
	footer := last.Embeds[len(last.Embeds)-1].Footer
	if footer == nil || !strings.Contains(footer.Text, "test-model") {
		t.Errorf("footer = %+v; want it to name the model", footer)
	}
	if !strings.Contains(r.Messages[0].Content, `Sentence number 0`) {
		t.Errorf("first message does not start the answer: %q", r.Messages[0].Content[:50])
	}
}

func TestRenderNotFoundHasFooterLine(t *testing.T) {
	r := renderAnswer(answer.Answer{Mode: answer.ModeNotFound, Answer: "The story doesn't say."}, nil, "")
	if len(r.Messages) != 1 || len(r.Messages[0].Embeds) != 0 {
		t.Fatalf("got %+v", r.Messages)
	}
	if got := r.Messages[0].Content; !strings.Contains(got, "-# Not in the story") {
		t.Errorf("content %q lacks the not-in-the-story footer", got)
	}
}

func TestEscape(t *testing.T) {
	in := "*bold* _it_ `code` [x](http://e) <@123> ||spoiler|| ~~gone~~\n# Head\n> quote\n-# small"
	got := escape(in)
	want := `\*bold\* \_it\_ ` + "\\`code\\`" + ` \[x\](http://e) \<@123> \|\|spoiler\|\| \~\~gone\~\~` + "\n\\# Head\n\\> quote\n\\-# small"
	if got != want {
		t.Errorf("escape =\n%s\nwant\n%s", got, want)
	}
	if unescape(got) != in {
		t.Errorf("unescape(escape(s)) != s")
	}
	if !utf8.ValidString(escape("naïve “quote” — 😀")) {
		t.Error("escape broke UTF-8")
	}
}

func TestRenderExtractiveShowsLabelThenQuotes(t *testing.T) {
	for _, label := range []string{answer.ExtractiveLabel, answer.ClosestLabel} {
		a := answer.Answer{
			Mode:      answer.ModeExtractive,
			Answer:    label + " “He refused.” [1]",
			Notice:    "No model is configured.",
			Citations: []answer.Citation{{Ref: 1, PassageID: "story#2", Quote: "He refused."}},
		}
		r := renderAnswer(a, map[string]string{"story": "The Story"}, "")
		m := r.Messages[0]
		if want := label + "\n\n*No model is configured.*"; m.Content != want {
			t.Errorf("content %q; want %q (the quotes are in the embeds)", m.Content, want)
		}
		if len(m.Embeds) != 1 || m.Embeds[0].Description != ">>> He refused." || !strings.HasPrefix(m.Embeds[0].Footer.Text, "Quotes only") {
			t.Errorf("embeds %+v", m.Embeds)
		}
	}
}

func TestRenderTimeline(t *testing.T) {
	tl := timeline.Timeline{Title: "The *Long* Voyage", DocumentDate: "2013-06", DocumentDateSource: timeline.SourceConfigured}
	tl.Events = append(tl.Events, timeline.Event{
		Date: "2010", Until: "2012", Expression: "from 2010 to 2012",
		Quote: "The crew sailed from 2010 to 2012.", PassageID: "voyage#1", Label: "The long voyage",
	})
	for i := range 200 { // more than one embed holds
		tl.Events = append(tl.Events, timeline.Event{
			Date: fmt.Sprintf("2013-%02d", i%12+1), Expression: "in port",
			Quote: fmt.Sprintf("Ship %d stayed in port %s.", i, sentences(1)), PassageID: fmt.Sprintf("voyage#%d", i+2),
		})
	}
	r := renderTimeline(tl, "crew")
	checkLimits(t, r.Messages)
	if r.Ephemeral {
		t.Error("a timeline is private; want it public")
	}
	var text strings.Builder
	for _, m := range r.Messages {
		text.WriteString(m.Content + "\n")
		for _, e := range m.Embeds {
			text.WriteString(e.Description + "\n")
		}
	}
	got := text.String()
	for _, want := range []string{
		"**Timeline of The \\*Long\\* Voyage** · about “crew”",
		"read from the story's date, 2013-06 (as configured)",
		"**2010–2012** · The long voyage · “The crew sailed **from 2010 to 2012**.” `voyage#1`",
		"`voyage#201`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	if n := strings.Count(got, "`voyage#"); n != len(tl.Events) {
		t.Errorf("%d events shown, want %d", n, len(tl.Events))
	}

	for source, want := range map[string]string{
		timeline.SourceMetadata: "read from the story's date, 2013-06 (the page's publication date)",
		timeline.SourceInferred: "read from the story's date, 2013-06 (inferred from the text)",
	} {
		tl.DocumentDateSource = source
		if got := renderTimeline(tl, "").Messages[0].Content; !strings.Contains(got, want) {
			t.Errorf("date from %s: head %q, want %q", source, got, want)
		}
	}

	empty := renderTimeline(timeline.Timeline{Title: "The Long Voyage", DocumentDate: "2013"}, "whales")
	if got := empty.Messages[0].Content; got != "**Timeline of The Long Voyage** · about “whales”\nThe story has no dated events about that." {
		t.Errorf("no events: %q", got)
	}
}
