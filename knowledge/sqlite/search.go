package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// Search returns up to k passages from all documents that best match the
// query, best first, with Score set (higher is better). Any text is a safe
// query; one with no words returns knowledge.ErrEmptyQuery.
func (s *Store) Search(ctx context.Context, q string, k int) ([]knowledge.Passage, error) {
	return s.search(ctx, "", q, k)
}

// SearchIn is Search restricted to the document with the given slug.
func (s *Store) SearchIn(ctx context.Context, doc, q string, k int) ([]knowledge.Passage, error) {
	return s.search(ctx, doc, q, k)
}

func (s *Store) search(ctx context.Context, doc, text string, k int) ([]knowledge.Passage, error) {
	plan, err := s.Ranking.Plan(text, k)
	if err != nil {
		return nil, err
	}
	cands, err := s.candidates(ctx, doc, plan.Match, plan.Limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", plan.Match, err)
	}
	var st knowledge.CorpusStats
	if plan.Stats && len(cands) > 0 {
		if st, err = s.corpusStats(ctx, plan.Lookup); err != nil {
			return nil, fmt.Errorf("search %q: %w", plan.Match, err)
		}
	}
	return s.Ranking.Rank(plan, cands, st), nil
}

// candidates returns up to limit passages matching any term of the FTS5
// expression match, in FTS5 bm25 order, with that score (negated, so higher
// is better). The inner query ranks rowids alone, so only the passages kept
// are read.
func (s *Store) candidates(ctx context.Context, doc string, match string, limit int) ([]knowledge.Candidate, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+passageCols+`, -f.score
		FROM (
			SELECT rowid AS id, bm25(passages_fts) AS score
			FROM passages_fts
			WHERE passages_fts MATCH ?1 AND (?2 = '' OR rowid IN (
				SELECT p.id FROM passages p JOIN documents d ON d.id = p.doc_id WHERE d.slug = ?2))
			ORDER BY score
			LIMIT ?3
		) f
		JOIN passages p ON p.id = f.id
		JOIN documents d ON d.id = p.doc_id
		ORDER BY f.score`, match, doc, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []knowledge.Candidate
	for rows.Next() {
		var c knowledge.Candidate
		if c.Passage, err = scanPassage(rows, &c.Score); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// corpusStats reads the passage count and mean length from the FTS5 index's
// averages record and the terms' document frequencies from its vocabulary.
func (s *Store) corpusStats(ctx context.Context, terms []string) (knowledge.CorpusStats, error) {
	st := knowledge.CorpusStats{DF: make(map[string]float64, len(terms))}
	var blob []byte
	// FTS5 keeps, in the row with id 1 of its data table, the number of rows
	// followed by the total token count of each column, as SQLite varints.
	err := s.db.QueryRowContext(ctx, `SELECT block FROM passages_fts_data WHERE id = 1`).Scan(&blob)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	if rows, n := sqliteVarint(blob); n > 0 {
		if tokens, m := sqliteVarint(blob[n:]); m > 0 && rows > 0 {
			st.Passages = float64(rows)
			st.AvgLen = float64(tokens) / float64(rows)
		}
	}
	if len(terms) == 0 {
		return st, nil
	}
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = t
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT term, doc FROM passages_vocab WHERE term IN (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var df float64
		if err := rows.Scan(&term, &df); err != nil {
			return st, err
		}
		st.DF[term] += df
	}
	return st, rows.Err()
}

// sqliteVarint decodes one SQLite varint (big-endian, 7 bits a byte, the
// ninth byte whole) and returns it with its length, 0 if b is too short.
func sqliteVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < 9 && i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
