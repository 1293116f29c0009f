package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/stats"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "stats", "stats [--since 7d] [--json] [--db PATH]\n\n"+
		"Sums up the questions the Discord bot was asked (storybot ask is not counted): questions per\n"+
		"day, by mode and outcome, not-found and fallback rates, model failures, what verification\n"+
		"rejected, the feedback on answers, and the questions most often left unanswered (what the\n"+
		"stories lack). Question text is kept for QUESTION_RETENTION (default 30d; 0 keeps none);\n"+
		"without it the unanswered questions cannot be listed, and stats says so.")
	since := fs.String("since", "7d", "how far back: days (7d), a duration (12h) or a date (2024-05-01, UTC)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("stats takes no arguments, got %q", fs.Args())
	}
	now := time.Now().UTC()
	from, err := sinceTime(*since, now)
	if err != nil {
		return err
	}
	s, err := openStory(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.st.Close()
	r, err := s.st.QuestionReport(ctx, from, now, s.cfg.QuestionRetention)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			stats.Report
			QuestionRetention string `json:"question_retention"`
		}{r, days(s.cfg.QuestionRetention)})
	}
	printReport(e.stdout, r, s.cfg.QuestionRetention)
	return nil
}

// sinceTime reads --since: a span back from now, or a date.
func sinceTime(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if t.After(now) {
			return t, usagef("--since: %s is in the future", v)
		}
		return t, nil
	}
	d, err := config.ParseDays(v)
	if err != nil || d <= 0 || d > 36500*config.Day {
		return now, usagef("--since: %q is not a span back (7d, 12h) or a date (2024-05-01)", v)
	}
	return now.Add(-d), nil
}

// days writes d in days when it is whole days, else as a duration.
func days(d time.Duration) string {
	if d%config.Day == 0 {
		return fmt.Sprintf("%dd", d/config.Day)
	}
	return config.ShortDuration(d)
}

func percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// printReport writes the report for a person; question text is kept for
// retention.
func printReport(w io.Writer, r stats.Report, retention time.Duration) {
	fmt.Fprintf(w, "Questions from %s to %s (UTC): %d\n", r.Since.Format("2006-01-02 15:04"), r.Until.Format("2006-01-02 15:04"), r.Questions)
	if r.Questions == 0 {
		fmt.Fprintln(w, "No questions were asked of the Discord bot in that time.")
	} else {
		fmt.Fprintln(w, "\nPer day (questions, answered, not found):")
		most := 0
		for _, d := range r.Days {
			most = max(most, d.Questions)
		}
		for _, d := range r.Days {
			bar := strings.Repeat("#", (d.Questions*30+most-1)/most)
			fmt.Fprintf(w, "  %s %5d %5d %5d  %s\n", d.Date, d.Questions, d.Answered, d.NotFound, bar)
		}
		fmt.Fprintf(w, "\nBy outcome: %s\n", counts(r.ByOutcome, []string{"answered", "not_found", "rate_limited", "busy", "invalid", "error", "cancelled"}))
		fmt.Fprintf(w, "By mode:    %s\n", counts(r.ByMode, []string{"llm", "extractive", "not_found"}))
		fmt.Fprintf(w, "\nNot found:  %s of the questions answered or not found\n", percent(r.NotFoundRate))
		if r.ModelAsked > 0 {
			fmt.Fprintf(w, "Fallbacks:  %d of %d questions the model was asked (%s) were answered with quotes instead\n", r.Fallbacks, r.ModelAsked, percent(r.FallbackRate))
			fmt.Fprintf(w, "Model failures: %d (%d time-outs)\n", r.ModelFailures, r.ModelTimeouts)
			fmt.Fprintf(w, "Rejected by verification: %d quotes not in the story, %d sentences not backed by a quote, in %d answers\n",
				r.RejectedQuotes, r.RejectedClaims, r.AnswersWithRejections)
		} else {
			fmt.Fprintln(w, "No model was asked (answers were quotes only).")
		}
	}
	f := r.Feedback
	if f.Up+f.Down == 0 {
		fmt.Fprintln(w, "\nFeedback: no votes")
	} else {
		fmt.Fprintf(w, "\nFeedback: %d 👍, %d 👎 (%s helpful)\n", f.Up, f.Down, percent(f.Ratio))
		for _, c := range f.Comments {
			fmt.Fprintf(w, "  %s %s: %q", c.At.Format("2006-01-02"), c.Mode, c.Text)
			if c.Question != "" {
				fmt.Fprintf(w, " (on %q)", c.Question)
			}
			fmt.Fprintln(w)
		}
	}
	if !r.TextKept {
		fmt.Fprintln(w, "\nUnanswered questions: not known, since no question text is kept (QUESTION_RETENTION=0).")
		return
	}
	fmt.Fprintf(w, "\nMost often left unanswered (question text is kept for %s):\n", days(retention))
	if len(r.Gaps) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, g := range r.Gaps {
		fmt.Fprintf(w, "  %4d× %q", g.Times, g.Question)
		if len(g.Stories) > 0 {
			fmt.Fprintf(w, " [%s]", strings.Join(g.Stories, ", "))
		}
		fmt.Fprintln(w)
	}
}

// counts lists m's counts in the order given, then any others, with shares.
func counts(m map[string]int, order []string) string {
	total := 0
	for _, n := range m {
		total += n
	}
	if total == 0 {
		return "none"
	}
	var parts []string
	seen := map[string]bool{}
	add := func(k string) {
		if n := m[k]; n > 0 && !seen[k] {
			seen[k] = true
			parts = append(parts, fmt.Sprintf("%s %d (%s)", k, n, percent(float64(n)/float64(total))))
		}
	}
	for _, k := range order {
		add(k)
	}
	for k := range m {
		add(k)
	}
	return strings.Join(parts, ", ")
}
