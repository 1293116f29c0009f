package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/storybot/storybot/stats"
)

// RecordQuestion stores what became of a question, in one short
// transaction. Its text is stored only when not empty. Recording the same
// ID again replaces the record.
func (s *Store) RecordQuestion(ctx context.Context, q stats.Question) error {
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return fmt.Errorf("record question: %w", err)
	}
	defer tx.Rollback()
	var text any
	if q.Text != "" {
		text = q.Text
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO questions (answer_id, asked_at, via, command, guild, outcome, mode,
		model_asked, model_failure, fallback, rejected_quotes, rejected_claims, stories, passages, latency_ms, question)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, q.At.UnixMilli(), q.Via, q.Command, q.Guild, q.Outcome, q.Mode, q.ModelAsked, q.ModelFailure, q.Fallback,
		q.RejectedQuotes, q.RejectedClaims, strings.Join(q.Stories, " "), strings.Join(q.Passages, " "), q.Latency.Milliseconds(), text)
	if err != nil {
		return fmt.Errorf("record question: %w", err)
	}
	return commit(tx)
}

// RecordVote stores a user's vote on an answer, replacing an earlier one
// (not a later one, should they be written out of order). A vote up drops an earlier comment; a vote down keeps it unless v
// has one.
func (s *Store) RecordVote(ctx context.Context, v stats.Vote) error {
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	defer tx.Rollback()
	vote := -1
	if v.Up {
		vote = 1
	}
	var comment any
	if v.Commented && v.Comment != "" {
		comment = v.Comment
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO feedback (answer_id, user, vote, comment, voted_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (answer_id, user) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at,
			comment = CASE WHEN excluded.vote = 1 THEN NULL WHEN ? THEN excluded.comment ELSE feedback.comment END
		WHERE excluded.voted_at >= feedback.voted_at`,
		v.Answer, v.User, vote, comment, v.At.UnixMilli(), v.Commented)
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	return commit(tx)
}

// ForgetText empties the text of the questions asked, and the comments
// made, before t, and returns how many records it emptied.
func (s *Store) ForgetText(ctx context.Context, before time.Time) (int, error) {
	if s.readOnly {
		return 0, nil // nothing can have been written since it was last pruned
	}
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return 0, fmt.Errorf("forget question text: %w", err)
	}
	defer tx.Rollback()
	ms := before.UnixMilli()
	n := 0
	for _, q := range []string{
		`UPDATE questions SET question = NULL WHERE asked_at < ? AND question IS NOT NULL`,
		`UPDATE feedback SET comment = NULL WHERE voted_at < ? AND comment IS NOT NULL`,
	} {
		res, err := tx.ExecContext(ctx, q, ms)
		if err != nil {
			return 0, fmt.Errorf("forget question text: %w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, commit(tx)
}

// maxGaps and maxComments bound those lists of a report.
const (
	maxGaps     = 10
	maxComments = 10
)

// QuestionReport sums up the questions asked from since to until. Text
// older than retention is not shown, even where it was not yet forgotten.
func (s *Store) QuestionReport(ctx context.Context, since, until time.Time, retention time.Duration) (stats.Report, error) {
	r := stats.Report{Since: since, Until: until, ByMode: map[string]int{}, ByOutcome: map[string]int{},
		Days: []stats.Day{}, Gaps: []stats.Gap{}, TextKept: retention > 0}
	r.Feedback.Comments = []stats.Comment{}
	from, to := since.UnixMilli(), until.UnixMilli()
	textFrom := max(from, until.Add(-retention).UnixMilli())
	steps := []func(context.Context, *sql.Tx) error{
		func(ctx context.Context, tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(model_asked), 0), coalesce(sum(fallback), 0),
				coalesce(sum(model_failure != ''), 0), coalesce(sum(model_failure = 'timeout'), 0),
				coalesce(sum(rejected_quotes), 0), coalesce(sum(rejected_claims), 0),
				coalesce(sum(rejected_quotes + rejected_claims > 0), 0)
				FROM questions WHERE asked_at >= ? AND asked_at < ?`, from, to).Scan(&r.Questions, &r.ModelAsked, &r.Fallbacks,
				&r.ModelFailures, &r.ModelTimeouts, &r.RejectedQuotes, &r.RejectedClaims, &r.AnswersWithRejections)
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return eachRow(ctx, tx, `SELECT outcome, mode, count(*) FROM questions WHERE asked_at >= ? AND asked_at < ?
				GROUP BY outcome, mode`, []any{from, to}, func(rows *sql.Rows) error {
				var outcome, mode string
				var n int
				if err := rows.Scan(&outcome, &mode, &n); err != nil {
					return err
				}
				r.ByOutcome[outcome] += n
				if mode != "" {
					r.ByMode[mode] += n
				}
				return nil
			})
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return eachRow(ctx, tx, `SELECT date(asked_at / 1000, 'unixepoch'), count(*), coalesce(sum(outcome = 'answered'), 0),
				coalesce(sum(outcome = 'not_found'), 0) FROM questions WHERE asked_at >= ? AND asked_at < ? GROUP BY 1 ORDER BY 1`,
				[]any{from, to}, func(rows *sql.Rows) error {
					var d stats.Day
					if err := rows.Scan(&d.Date, &d.Questions, &d.Answered, &d.NotFound); err != nil {
						return err
					}
					r.Days = append(r.Days, d)
					return nil
				})
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT coalesce(sum(vote = 1), 0), coalesce(sum(vote = -1), 0) FROM feedback
				WHERE voted_at >= ? AND voted_at < ?`, from, to).Scan(&r.Feedback.Up, &r.Feedback.Down)
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return eachRow(ctx, tx, `SELECT f.voted_at, f.comment, coalesce(q.question, ''), coalesce(q.mode, '') FROM feedback f
				LEFT JOIN questions q ON q.answer_id = f.answer_id AND q.asked_at >= ?
				WHERE f.comment IS NOT NULL AND f.voted_at >= ? AND f.voted_at < ? ORDER BY f.voted_at DESC LIMIT ?`,
				[]any{textFrom, textFrom, to, maxComments}, func(rows *sql.Rows) error {
					var c stats.Comment
					var at int64
					if err := rows.Scan(&at, &c.Text, &c.Question, &c.Mode); err != nil {
						return err
					}
					c.At = time.UnixMilli(at).UTC()
					r.Feedback.Comments = append(r.Feedback.Comments, c)
					return nil
				})
		},
		func(ctx context.Context, tx *sql.Tx) error { return gaps(ctx, tx, &r, textFrom, to) },
	}
	// One read transaction: every figure describes the same moment.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, fmt.Errorf("question report: %w", err)
	}
	defer tx.Rollback()
	for _, step := range steps {
		if err := step(ctx, tx); err != nil {
			return r, fmt.Errorf("question report: %w", err)
		}
	}
	r.Finish()
	return r, nil
}

// gaps fills in the questions most often not found, counted under
// stats.GapKey.
func gaps(ctx context.Context, tx *sql.Tx, r *stats.Report, from, to int64) error {
	type gap struct {
		stats.Gap
		key     string
		stories map[string]bool
	}
	byKey := map[string]*gap{}
	err := eachRow(ctx, tx, `SELECT question, stories FROM questions WHERE outcome = 'not_found' AND question IS NOT NULL
		AND asked_at >= ? AND asked_at < ? ORDER BY asked_at DESC`, []any{from, to}, func(rows *sql.Rows) error {
		var q, stories string
		if err := rows.Scan(&q, &stories); err != nil {
			return err
		}
		key := stats.GapKey(q)
		if key == "" {
			return nil
		}
		g := byKey[key]
		if g == nil {
			g = &gap{Gap: stats.Gap{Question: q}, key: key, stories: map[string]bool{}}
			byKey[key] = g
		}
		g.Times++
		for _, s := range strings.Fields(stories) {
			g.stories[s] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	all := make([]*gap, 0, len(byKey))
	for _, g := range byKey {
		for s := range g.stories {
			g.Stories = append(g.Stories, s)
		}
		sort.Strings(g.Stories)
		all = append(all, g)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Times != all[j].Times {
			return all[i].Times > all[j].Times
		}
		return all[i].key < all[j].key
	})
	for _, g := range all[:min(len(all), maxGaps)] {
		r.Gaps = append(r.Gaps, g.Gap)
	}
	return nil
}

// eachRow runs query and calls f on each row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
