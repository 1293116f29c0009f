package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Search returns up to k passages from all documents that best match the
// query, best first, with Score set (higher is better). Any text is a safe
// query; one with no words returns ErrEmptyQuery.
func (s *Store) Search(ctx context.Context, q string, k int) ([]Passage, error) {
	return s.search(ctx, "", q, k)
}

// SearchIn is Search restricted to the document with the given slug.
func (s *Store) SearchIn(ctx context.Context, doc, q string, k int) ([]Passage, error) {
	return s.search(ctx, doc, q, k)
}

func (s *Store) search(ctx context.Context, doc, text string, k int) ([]Passage, error) {
	query, err := BuildQuery(text)
	if err != nil {
		return nil, err
	}
	if k <= 0 {
		k = 5
	}
	r := s.Ranking
	limit := k
	if !r.Plain {
		limit = max(k, r.Candidates)
	}
	var lem *lemmaTable
	terms := queryTerms(query)
	match := query.Match
	if !r.Plain && r.Lemmas {
		lem = loadLemmas()
		terms = lem.canonicalTerms(terms)
		match = query.Expanded
	}
	cands, err := s.candidates(ctx, doc, match, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", match, err)
	}
	if !r.Plain && len(cands) > 0 {
		st, err := s.corpusStats(ctx, terms, lem)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", match, err)
		}
		r.rerank(terms, cands, st, loadBackground(), lem, subjectTerms(text, lem))
	}
	ps := make([]Passage, 0, min(k, len(cands)))
	for _, c := range cands[:min(k, len(cands))] {
		c.Passage.Score = c.score
		ps = append(ps, c.Passage)
	}
	return ps, nil
}

// candidates returns up to limit passages matching any term of the FTS5
// expression match, in FTS5 bm25 order, with that score (negated, so higher
// is better). The inner query ranks rowids alone, so only the passages kept
// are read.
func (s *Store) candidates(ctx context.Context, doc string, match string, limit int) ([]candidate, error) {
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
	var cs []candidate
	for rows.Next() {
		var c candidate
		if c.Passage, err = scanPassage(rows, &c.score); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// corpusStats reads the passage count and mean length from the FTS5 index's
// averages record and the query terms' document frequencies from its
// vocabulary.
func (s *Store) corpusStats(ctx context.Context, terms []string, lem *lemmaTable) (corpusStats, error) {
	st := corpusStats{df: make(map[string]float64, len(terms))}
	var blob []byte
	// FTS5 keeps, in the row with id 1 of its data table, the number of rows
	// followed by the total token count of each column, as SQLite varints.
	err := s.db.QueryRowContext(ctx, `SELECT block FROM passages_fts_data WHERE id = 1`).Scan(&blob)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	if rows, n := sqliteVarint(blob); n > 0 {
		if tokens, m := sqliteVarint(blob[n:]); m > 0 && rows > 0 {
			st.passages = float64(rows)
			st.avgLen = float64(tokens) / float64(rows)
		}
	}
	if len(terms) == 0 {
		return st, nil
	}
	var args []any
	for _, t := range terms {
		if forms := lem.formsOf(t); len(forms) > 0 {
			for _, f := range forms {
				args = append(args, f)
			}
			continue
		}
		args = append(args, t)
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
		st.df[lem.canonical(term)] += df
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
