package answer

import (
	"testing"
)

func TestFoldFind(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		quote string
		want  string // the original text shown; "" when not found
	}{
		{"straight quote of curly text", "He said he wasn’t going.", "he wasn't going", "he wasn’t going"},
		{"curly quote of straight text", `He said "no" twice.`, "said “no” twice", `said "no" twice`},
		{"case and whitespace", "The FBI\n  tried   to get", "the fbi tried to get", "The FBI\n  tried   to get"},
		{"em dash against spaced hyphen", "devices — which had cameras", "devices - which had", "devices — which had"},
		{"en dash against double hyphen", "pages 10–12 of it", "pages 10--12", "pages 10–12"},
		{"compatibility forms", "a ﬁne ＦＢＩ agent", "a fine fbi agent", "a ﬁne ＦＢＩ agent"},
		{"surrounding marks trimmed", "He refused, Motherboard wrote.", `"He refused."`, "He refused"},
		{"words elided with an ellipsis fail", "Ramos pleaded guilty in October 2018 to running a criminal enterprise.", "Ramos pleaded guilty ... to running a criminal enterprise", ""},
		{"leading and trailing ellipses trimmed", "Ramos pleaded guilty in October 2018 to running a criminal enterprise.", "... guilty in October 2018…", "guilty in October 2018"},
		{"an ellipsis the story has matches", "He paused… then spoke.", "paused… then spoke", "paused… then spoke"},
		{"missing words fail", "He refused, Motherboard wrote.", "He agreed", ""},
		{"zero-width space ignored", "back\u200bdoor access", "backdoor access", "back\u200bdoor access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fold(tt.text)
			start, end, ok := f.find(quoteKey(tt.quote))
			var got string
			if ok {
				got = tt.text[start:end]
			}
			if got != tt.want {
				t.Errorf("found %q, want %q (folded text %q)", got, tt.want, f.s)
			}
		})
	}
}

func TestFoldMapsEveryByte(t *testing.T) {
	text := "“Basically that’s all I want to say.” — a source\n\nﬁn"
	f := fold(text)
	if len(f.start) != len(f.s) || len(f.end) != len(f.s) {
		t.Fatalf("maps have %d/%d entries for %d bytes", len(f.start), len(f.end), len(f.s))
	}
	for i := range f.s {
		if f.start[i] < 0 || f.end[i] > len(text) || f.start[i] >= f.end[i] {
			t.Fatalf("byte %d maps to [%d,%d) of %d", i, f.start[i], f.end[i], len(text))
		}
	}
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"refused", "refuses", "refusing", "refuse"},
		{"spies", "spied", "spy"},
		{"asked", "asking", "asks", "ask"},
		{"stopped", "stopping", "stop"},
		{"devices", "device"},
	}
	for _, g := range groups {
		want := stem(g[0])
		for _, w := range g[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, stem(%q) = %q; want equal", g[0], want, w, got)
			}
		}
	}
}
