package stats_test

import (
	"testing"

	"github.com/storybot/storybot/stats"
)

func TestGapKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Who is the Mayor?", "who is the mayor"},
		{"  who   is the mayor!! ", "Who is the mayor."},
		{"What's Ramos's plea?", "what's ramos's plea"},
		{"«Où est le phare ?»", "où est le phare"},
	}
	for _, tt := range tests {
		if ka, kb := stats.GapKey(tt.a), stats.GapKey(tt.b); ka != kb || ka == "" {
			t.Errorf("GapKey(%q) = %q, GapKey(%q) = %q; want them equal", tt.a, ka, tt.b, kb)
		}
	}
	if stats.GapKey("Who is the mayor?") == stats.GapKey("Who was the mayor?") {
		t.Error("different questions share a key")
	}
}

func TestReportRates(t *testing.T) {
	r := stats.Report{ByOutcome: map[string]int{"answered": 6, "not_found": 2, "busy": 5}, ModelAsked: 4, Fallbacks: 1,
		Feedback: stats.Feedback{Up: 3, Down: 1}}
	r.Finish()
	if r.NotFoundRate != 0.25 || r.FallbackRate != 0.25 || r.Feedback.Ratio != 0.75 {
		t.Errorf("rates %v %v %v", r.NotFoundRate, r.FallbackRate, r.Feedback.Ratio)
	}
	empty := stats.Report{}
	empty.Finish()
	if empty.NotFoundRate != 0 || empty.FallbackRate != 0 || empty.Feedback.Ratio != 0 {
		t.Error("rates of nothing are not 0")
	}
}
