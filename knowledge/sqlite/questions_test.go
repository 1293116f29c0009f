package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/storybot/storybot/stats"
)

func TestQuestionReport(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	day := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	qs := []stats.Question{
		{ID: "1", At: day, Via: "slash", Command: "ask", Outcome: "answered", Mode: "llm", ModelAsked: true, RejectedQuotes: 1, RejectedClaims: 2,
			Stories: []string{"voyage"}, Passages: []string{"voyage#1"}, Text: "Who sailed?"},
		{ID: "2", At: day.Add(time.Hour), Via: "mention", Command: "ask", Outcome: "answered", Mode: "extractive", ModelAsked: true, Fallback: true,
			ModelFailure: "timeout", Text: "When?"},
		{ID: "3", At: day.Add(24 * time.Hour), Via: "slash", Command: "ask", Outcome: "not_found", Mode: "not_found", Stories: []string{"voyage"}, Text: "Who is the Mayor?"},
		{ID: "4", At: day.Add(25 * time.Hour), Via: "slash", Command: "ask", Outcome: "not_found", Mode: "not_found", Stories: []string{"harbour"}, Text: "who is the mayor"},
		{ID: "5", At: day.Add(26 * time.Hour), Via: "slash", Command: "ask", Outcome: "not_found", Mode: "not_found", Text: "What colour was the ship?"},
		{ID: "6", At: day.Add(26 * time.Hour), Via: "slash", Command: "ask", Outcome: "rate_limited"},
		{ID: "old", At: day.Add(-30 * 24 * time.Hour), Via: "slash", Command: "ask", Outcome: "not_found", Mode: "not_found", Text: "Who is the mayor?"},
	}
	for _, q := range qs {
		if err := st.RecordQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	votes := []stats.Vote{
		{Answer: "1", User: "a", At: day.Add(time.Minute), Up: false},
		{Answer: "1", User: "a", At: day.Add(2 * time.Minute), Up: true}, // the latest wins
		{Answer: "1", User: "b", At: day.Add(3 * time.Minute), Comment: "wrong ship", Commented: true},
		{Answer: "2", User: "b", At: day.Add(time.Second), Up: true}, // written late, but older: loses
		{Answer: "2", User: "b", At: day.Add(2 * time.Second), Comment: "too slow", Commented: true},
	}
	slices.SortFunc(votes[3:], func(a, b stats.Vote) int { return b.At.Compare(a.At) })
	for _, v := range votes {
		if err := st.RecordVote(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.QuestionReport(ctx, day.Add(-time.Hour), day.Add(48*time.Hour), 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, r)
	checkFeedbackAndGaps(t, r)

	// Text past the retention is forgotten, and never shown meanwhile.
	r, _ = st.QuestionReport(ctx, day.Add(-31*24*time.Hour), day.Add(48*time.Hour), time.Hour)
	if len(r.Gaps) != 0 || len(r.Feedback.Comments) != 0 || r.Questions != 7 {
		t.Errorf("with an hour's retention: %d gaps, %d comments, %d questions", len(r.Gaps), len(r.Feedback.Comments), r.Questions)
	}
	n, err := st.ForgetText(ctx, day.Add(24*time.Hour))
	if err != nil || n != 5 { // questions 1, 2, old and two comments
		t.Errorf("ForgetText = %d, %v; want 5", n, err)
	}
	r, _ = st.QuestionReport(ctx, day.Add(-31*24*time.Hour), day.Add(48*time.Hour), 365*24*time.Hour)
	if len(r.Gaps) != 2 || r.Gaps[0].Times != 2 || len(r.Feedback.Comments) != 0 || r.Feedback.Down != 2 {
		t.Errorf("after forgetting: gaps %+v, feedback %+v", r.Gaps, r.Feedback)
	}
}

func TestJournalKeepsNoTextWithoutRetention(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Now()
	j := stats.NewJournal(st, stats.JournalOptions{Retention: 0})
	j.Question(stats.Question{ID: "1", At: now, Via: "slash", Command: "ask", Outcome: "not_found", Mode: "not_found", Text: "secret plans?"})
	j.Vote(stats.Vote{Answer: "1", User: "u", At: now, Comment: "nothing found", Commented: true})
	j.Close(ctx)
	r, err := st.QuestionReport(ctx, now.Add(-time.Hour), now.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Questions != 1 || r.Feedback.Down != 1 || r.TextKept || len(r.Gaps) != 0 || len(r.Feedback.Comments) != 0 {
		t.Errorf("report %+v", r)
	}
	// Even a report that would show text finds none stored.
	r, _ = st.QuestionReport(ctx, now.Add(-time.Hour), now.Add(time.Hour), time.Hour)
	if len(r.Gaps) != 0 || len(r.Feedback.Comments) != 0 {
		t.Errorf("text was stored: %+v", r)
	}
}

func TestJournalForgetsOldTextAtStart(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Now()
	if err := st.RecordQuestion(ctx, stats.Question{ID: "old", At: now.Add(-40 * 24 * time.Hour), Via: "slash", Command: "ask", Outcome: "not_found", Text: "old question"}); err != nil {
		t.Fatal(err)
	}
	j := stats.NewJournal(st, stats.JournalOptions{Retention: 30 * 24 * time.Hour})
	j.Question(stats.Question{ID: "new", At: now, Via: "slash", Command: "ask", Outcome: "not_found", Text: "new question"})
	j.Close(ctx)
	r, _ := st.QuestionReport(ctx, now.Add(-50*24*time.Hour), now.Add(time.Hour), 100*24*time.Hour)
	if len(r.Gaps) != 1 || r.Gaps[0].Question != "new question" {
		t.Errorf("gaps %+v; want only the new question's text kept", r.Gaps)
	}
}

// checkCounts checks the counts and rates of TestQuestionReport's report.
func checkCounts(t *testing.T, r stats.Report) {
	t.Helper()
	if r.Questions != 6 || r.ByOutcome["answered"] != 2 || r.ByOutcome["not_found"] != 3 || r.ByOutcome["rate_limited"] != 1 || r.ByMode["llm"] != 1 {
		t.Errorf("counts %+v / %+v / %d", r.ByOutcome, r.ByMode, r.Questions)
	}
	if len(r.Days) != 2 || r.Days[0] != (stats.Day{Date: "2026-05-10", Questions: 2, Answered: 2}) || r.Days[1].NotFound != 3 {
		t.Errorf("days %+v", r.Days)
	}
	if r.NotFoundRate != 0.6 || r.ModelAsked != 2 || r.Fallbacks != 1 || r.FallbackRate != 0.5 || r.ModelFailures != 1 || r.ModelTimeouts != 1 {
		t.Errorf("rates: not found %v, fallbacks %d/%d %v, failures %d (%d timeouts)", r.NotFoundRate, r.Fallbacks, r.ModelAsked, r.FallbackRate, r.ModelFailures, r.ModelTimeouts)
	}
	if r.RejectedQuotes != 1 || r.RejectedClaims != 2 || r.AnswersWithRejections != 1 {
		t.Errorf("rejections %d %d %d", r.RejectedQuotes, r.RejectedClaims, r.AnswersWithRejections)
	}
}

// checkFeedbackAndGaps checks the feedback and gaps of TestQuestionReport's
// report.
func checkFeedbackAndGaps(t *testing.T, r stats.Report) {
	t.Helper()
	if f := r.Feedback; f.Up != 1 || f.Down != 2 || len(f.Comments) != 2 || f.Comments[0].Text != "wrong ship" || f.Comments[0].Question != "Who sailed?" || f.Comments[1].Text != "too slow" {
		t.Errorf("feedback %+v", f)
	}
	if len(r.Gaps) != 2 || r.Gaps[0].Times != 2 || stats.GapKey(r.Gaps[0].Question) != "who is the mayor" ||
		!slices.Equal(r.Gaps[0].Stories, []string{"harbour", "voyage"}) || r.Gaps[1].Times != 1 {
		t.Errorf("gaps %+v", r.Gaps)
	}
}
