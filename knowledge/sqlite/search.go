package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// Search returns up to k passages, of the documents sc selects, that best
// match the query, best first, with Score set (higher is better). Any text
// is a safe query; one with no words returns knowledge.ErrEmptyQuery. The
// ranking's statistics are those of the whole index.
func (s *Store) Search(ctx context.Context, sc knowledge.Scope, q string, k int) ([]knowledge.Passage, error) {
	return s.SearchWeighted(ctx, sc, []knowledge.Weighted{{Text: q, Weight: 1}}, k)
}

// SearchWeighted is Search for several texts searched as one query, each
// with its weight (see knowledge.Ranking.PlanWeighted): a follow-up
// question and the earlier turns of its conversation. The first text's
// words that no passage sc selects holds are also searched for by their
// related words (see knowledge.Ranking.Related). It returns
// knowledge.ErrEmptyQuery when the first text has no words.
func (s *Store) SearchWeighted(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error) {
	var lacking []string
	if len(texts) > 0 && s.expands() {
		var err error
		if lacking, err = s.Lacking(ctx, sc, knowledge.Expandable(texts[0].Text)); err != nil {
			return nil, fmt.Errorf("search %q: %w", texts[0].Text, err)
		}
	}
	return s.SearchRelated(ctx, sc, texts, lacking, k)
}

// SearchRelated is SearchWeighted for a caller that has already asked
// which of the first text's words the documents lack (Lacking of
// knowledge.Expandable): lacking is searched for by its related words.
func (s *Store) SearchRelated(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, lacking []string, k int) ([]knowledge.Passage, error) {
	if s.expands() {
		texts = knowledge.WithRelated(texts, lacking, s.Ranking.Related)
	}
	plan, err := s.Ranking.PlanWeighted(texts, k)
	if err != nil {
		return nil, err
	}
	cands, err := s.candidates(ctx, sc, plan.Match, plan.Limit)
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

// expands reports whether the ranking searches related words.
func (s *Store) expands() bool { return s.Ranking.Related > 0 && !s.Ranking.Plain }

// Lacking returns those of words (lower case) that no passage of the
// documents sc selects holds in any form (knowledge.WordMatch), in order.
// The index's vocabulary answers for a word no document holds, and for
// any word when sc selects every document; only a word some document
// holds is looked for in the documents sc selects.
func (s *Store) Lacking(ctx context.Context, sc knowledge.Scope, words []string) ([]string, error) {
	if len(words) == 0 {
		return nil, nil
	}
	indexed, err := s.inIndex(ctx, words)
	if err != nil {
		return nil, fmt.Errorf("words held: %w", err)
	}
	cond, cargs := visible(sc)
	everything, checked := cond == "1", cond == "1"
	var out []string
	for i, w := range words {
		some := indexed[i] // some document holds one of its terms
		if some && !checked {
			if err := s.db.QueryRowContext(ctx, `SELECT `+allVisible(cond), cargs...).Scan(&everything); err != nil {
				return nil, fmt.Errorf("words held: %w", err)
			}
			checked = true
		}
		held := some
		// A phrase's words may stand apart, and a scope may leave out the
		// documents that hold it: only a search tells.
		if some && (!everything || len(knowledge.Words(w)) > 1) {
			if held, err = s.holds(ctx, knowledge.WordMatch(w), cond, cargs); err != nil {
				return nil, fmt.Errorf("words held: %q: %w", w, err)
			}
		}
		if !held {
			out = append(out, w)
		}
	}
	return out, nil
}

// inIndex reports, for each of words, whether some document holds one of
// its terms in any form (knowledge.WordTerms), in one query.
func (s *Store) inIndex(ctx context.Context, words []string) ([]bool, error) {
	terms := make([][]string, len(words))
	var all []string
	for i, w := range words {
		terms[i] = knowledge.WordTerms(w)
		all = append(all, terms[i]...)
	}
	df, err := s.docFreqs(ctx, all)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(words))
	for i := range words {
		for _, t := range terms[i] {
			out[i] = out[i] || df[t] > 0
		}
	}
	return out, nil
}

// holds reports whether a passage of the documents cond selects matches
// the FTS5 expression match.
func (s *Store) holds(ctx context.Context, match, cond string, cargs []any) (bool, error) {
	var held bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
		JOIN documents d ON d.id = p.doc_id WHERE passages_fts MATCH ? AND `+cond+`)`, append([]any{match}, cargs...)...).Scan(&held)
	return held, err
}

// candidates returns up to limit passages of the documents sc selects
// matching any term of the FTS5 expression match, in FTS5 bm25 order, with
// that score (negated, so higher is better). The inner query ranks rowids
// alone, so only the passages kept are read; when sc leaves documents out,
// it keeps only the rowids of passages sc selects, unless sc selects every
// document (the question is asked of the index as it is in this one
// statement, so a document added meanwhile cannot slip through).
func (s *Store) candidates(ctx context.Context, sc knowledge.Scope, match string, limit int) ([]knowledge.Candidate, error) {
	args := []any{match}
	filter := ""
	if cond, cargs := visible(sc); cond != "1" {
		filter = ` AND (` + allVisible(cond) + `
			OR rowid IN (SELECT p.id FROM passages p JOIN documents d ON d.id = p.doc_id WHERE ` + cond + `))`
		args = append(append(args, cargs...), cargs...)
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+passageCols+`, -f.score
		FROM (
			SELECT rowid AS id, bm25(passages_fts) AS score
			FROM passages_fts
			WHERE passages_fts MATCH ?`+filter+`
			ORDER BY score
			LIMIT ?
		) f
		JOIN passages p ON p.id = f.id
		JOIN documents d ON d.id = p.doc_id
		ORDER BY f.score`, args...)
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

// visible returns the SQL condition, on documents aliased d, that keeps
// the documents sc selects, with its arguments; "1" when it keeps all.
func visible(sc knowledge.Scope) (string, []any) {
	var conds []string
	var args []any
	switch {
	case sc.All:
	case sc.Own:
		conds = append(conds, "d.guild = ?")
		args = append(args, sc.Guild)
	default:
		conds = append(conds, "d.guild IN ('', ?)")
		args = append(args, sc.Guild)
	}
	if len(sc.Docs) > 0 {
		conds = append(conds, "d.slug IN (?"+strings.Repeat(", ?", len(sc.Docs)-1)+")")
		for _, id := range sc.Docs {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

const passageCols = `d.slug, p.n, p.start, p."end", p.text, p.chapter`

func scanPassage(sc interface{ Scan(...any) error }, extra ...any) (knowledge.Passage, error) {
	var p knowledge.Passage
	dest := append([]any{&p.Doc, &p.N, &p.Start, &p.End, &p.Text, &p.Chapter}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return p, err
	}
	p.ID = knowledge.PassageID(p.Doc, p.N)
	return p, nil
}

// Passage returns the passage with the given id ("<slug>#<n>") of the
// documents sc selects, or knowledge.ErrNotFound.
func (s *Store) Passage(ctx context.Context, sc knowledge.Scope, id string) (knowledge.Passage, error) {
	slug, n, ok := knowledge.ParsePassageID(id)
	if !ok {
		return knowledge.Passage{}, fmt.Errorf("passage %q: %w", id, knowledge.ErrNotFound)
	}
	cond, args := visible(sc)
	row := s.db.QueryRowContext(ctx, `SELECT `+passageCols+` FROM passages p JOIN documents d ON d.id = p.doc_id
		WHERE d.slug = ? AND p.n = ? AND `+cond, append([]any{slug, n}, args...)...)
	p, err := scanPassage(row)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("passage %q: %w", id, knowledge.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("passage %q: %w", id, err)
	}
	return p, nil
}

// Passages returns all passages of the document with the given slug, in
// order. It returns knowledge.ErrNotFound if sc selects no such document.
func (s *Store) Passages(ctx context.Context, sc knowledge.Scope, doc string) ([]knowledge.Passage, error) {
	cond, args := visible(sc)
	rows, err := s.db.QueryContext(ctx, `SELECT `+passageCols+` FROM passages p JOIN documents d ON d.id = p.doc_id
		WHERE d.slug = ? AND `+cond+` ORDER BY p.n`, append([]any{doc}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("passages of %q: %w", doc, err)
	}
	defer rows.Close()
	var ps []knowledge.Passage
	for rows.Next() {
		p, err := scanPassage(rows)
		if err != nil {
			return nil, fmt.Errorf("passages of %q: %w", doc, err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("passages of %q: %w", doc, err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("passages of %q: %w", doc, knowledge.ErrNotFound)
	}
	return ps, nil
}

// PassageIDs returns up to limit ids of passages of the documents sc
// selects that start with prefix, in document order (for autocompletion).
func (s *Store) PassageIDs(ctx context.Context, sc knowledge.Scope, prefix string, limit int) ([]string, error) {
	cond, args := visible(sc)
	rows, err := s.db.QueryContext(ctx,
		`SELECT d.slug || '#' || p.n AS pid FROM passages p JOIN documents d ON d.id = p.doc_id
		 WHERE substr(pid, 1, length(?)) = ? AND `+cond+` ORDER BY d.id, p.n LIMIT ?`,
		append(append([]any{prefix, prefix}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("passage ids %q: %w", prefix, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("passage ids %q: %w", prefix, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// corpusStats reads the passage count and mean length from the FTS5 index's
// averages record and the terms' document frequencies from its vocabulary.
func (s *Store) corpusStats(ctx context.Context, terms []string) (knowledge.CorpusStats, error) {
	var st knowledge.CorpusStats
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
	st.DF, err = s.docFreqs(ctx, terms)
	return st, err
}

// docFreqs returns the number of passages holding each of terms (0 for
// one no passage holds).
func (s *Store) docFreqs(ctx context.Context, terms []string) (map[string]float64, error) {
	df := make(map[string]float64, len(terms))
	if len(terms) == 0 {
		return df, nil
	}
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = t
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT term, doc FROM passages_vocab WHERE term IN (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return df, err
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var n float64
		if err := rows.Scan(&term, &n); err != nil {
			return df, err
		}
		df[term] += n
	}
	return df, rows.Err()
}

// allVisible is the SQL condition that every document meets cond (see
// visible).
func allVisible(cond string) string {
	return `NOT EXISTS (SELECT 1 FROM documents d WHERE NOT (` + cond + `))`
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

// maxEdits bounds the edits one Respell looks up: some 3,800 for a word of
// 32 letters outside a to z, and SQLite takes at most 32,766 values in one
// statement.
const maxEdits = 8000

// Respell returns, for each of words (lower case, knowledge.Misspellable)
// that no document of the index holds in any form, the word one edit away
// (knowledge.Edits) that the most passages of the documents sc selects
// hold, when one does (ties go to the first in alphabetical order), as a
// passage writes it; the words past maxEdits edits are left as they are.
func (s *Store) Respell(ctx context.Context, sc knowledge.Scope, words []string) (map[string]string, error) {
	if len(words) == 0 {
		return nil, nil
	}
	indexed, err := s.inIndex(ctx, words)
	if err != nil {
		return nil, fmt.Errorf("respell: %w", err)
	}
	edits := make(map[string][]string)
	terms := make(map[string][]string) // each edit's index terms
	var all []string
	for i, w := range words {
		if indexed[i] {
			continue
		}
		es := knowledge.Edits(w)
		if len(all)+len(es) > maxEdits {
			break
		}
		edits[w] = es
		for _, e := range es {
			terms[e] = knowledge.Terms(e)
			all = append(all, terms[e]...)
		}
	}
	if len(edits) == 0 {
		return nil, nil
	}
	df, err := s.docFreqs(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("respell: %w", err)
	}
	weight := make(map[string]float64) // the passages holding an edit's term
	for e, ts := range terms {
		for _, t := range ts {
			weight[e] = max(weight[e], df[t])
		}
	}
	cond, cargs := visible(sc)
	out := make(map[string]string)
	for _, w := range words {
		cands := slices.DeleteFunc(slices.Clone(edits[w]), func(e string) bool { return weight[e] == 0 })
		slices.SortFunc(cands, func(a, b string) int {
			if c := cmp.Compare(weight[b], weight[a]); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		for _, e := range cands {
			as, err := s.writtenAs(ctx, e, cond, cargs)
			if err != nil {
				return nil, fmt.Errorf("respell %q: %w", w, err)
			}
			if as != "" {
				out[w] = as
				break
			}
		}
	}
	return out, nil
}

// Respelt returns text with its misspelt words (knowledge.Misspellable)
// written as Respell reads them, and each word respelt as written with its
// respelling (knowledge.Respelled), or text itself when none is.
func (s *Store) Respelt(ctx context.Context, sc knowledge.Scope, text string) (string, [][2]string, error) {
	fixes, err := s.Respell(ctx, sc, knowledge.Misspellable(text))
	if err != nil || len(fixes) == 0 {
		return text, nil, err
	}
	respelt, pairs := knowledge.Respelled(text, fixes)
	return respelt, pairs, nil
}

// writtenAs returns w when the first passage, of the documents cond
// selects, that holds its index term writes it so, else the first word
// (lower case) of that passage with the term (w, one edit of a misspelt
// word, may be no word: "ramo" of "ramso", where the story writes
// "Ramos"), or "" when no passage holds it.
func (s *Store) writtenAs(ctx context.Context, w, cond string, cargs []any) (string, error) {
	var text string
	err := s.db.QueryRowContext(ctx, `SELECT p.text FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
		JOIN documents d ON d.id = p.doc_id WHERE passages_fts MATCH ? AND `+cond+` LIMIT 1`, append([]any{knowledge.WordMatch(w)}, cargs...)...).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	terms := knowledge.Terms(w)
	as := ""
	for _, x := range knowledge.Words(text) {
		if x == w {
			return x, nil
		}
		if as == "" && slices.Equal(knowledge.Terms(x), terms) {
			as = x
		}
	}
	return as, nil
}
