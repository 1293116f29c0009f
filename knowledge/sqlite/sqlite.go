// Package sqlite is the index of knowledge's documents and passages: SQLite
// with FTS5, through modernc.org/sqlite (pure Go, no cgo). Open applies the
// embedded migrations/ in one transaction; a Store ingests parsed documents
// in one transaction, and searches by asking FTS5 for candidates and the
// index for its statistics, leaving the ranking to knowledge.Ranking. The
// FTS5 tokenizer, "porter unicode61 remove_diacritics 2", is the one
// knowledge.Words and knowledge.Terms mirror.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/storybot/storybot/knowledge"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQLite index of documents and passages. It is safe for
// concurrent use.
type Store struct {
	db *sql.DB
	// Now is the clock used to stamp ingests.
	Now func() time.Time
	// Ranking tunes Search; Open sets knowledge.DefaultRanking. Change it only
	// before the Store is shared.
	Ranking knowledge.Ranking
}

// Open opens (creating if needed) the index at path and migrates it to the
// current schema. path is a file name, whatever characters it holds; the
// path ":memory:" opens a private in-memory index.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open index: no database path")
	}
	memory := path == ":memory:"
	if !memory {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open index: %w", err)
		}
	}
	dsn, err := dataSourceName(path)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	if memory {
		// Every connection to ":memory:" is a new, empty database.
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, Now: time.Now, Ranking: knowledge.DefaultRanking()}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return s, nil
}

// dataSourceName returns the modernc.org/sqlite name of the index at path:
// a file: URI, its path made absolute and percent-encoded so that SQLite
// reads it back exactly ('?', '#' and '%' in a file name included),
// followed by the driver's parameters.
func dataSourceName(path string) (string, error) {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("_txlock", "immediate")
	if path == ":memory:" {
		return "file::memory:?" + q.Encode(), nil
	}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	abs = filepath.ToSlash(abs)
	if !strings.HasPrefix(abs, "/") {
		abs = "/" + abs // a Windows drive: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	return u.String(), nil
}

// OpenMemory returns a private in-memory index holding docs: for
// evaluations and tests that index each document on its own.
func OpenMemory(ctx context.Context, docs ...knowledge.Parsed) (*Store, error) {
	st, err := Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	if _, err := st.Ingest(ctx, docs, nil); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// migrate applies the embedded migrations newer than the schema's
// user_version, all in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if version > len(names) {
		return fmt.Errorf("the index was written by a newer storybot (schema %d, this one knows %d)", version, len(names))
	}
	for i := version; i < len(names); i++ {
		b, err := migrationFS.ReadFile(names[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(b)); err != nil {
			return fmt.Errorf("migrate %s: %w", names[i], err)
		}
	}
	if version < len(names) {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(names))); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return tx.Commit()
}

// EnsureDefault indexes the embedded knowledge.DefaultStory when the index
// holds no documents, so every command works on a fresh machine.
func (s *Store) EnsureDefault(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM documents").Scan(&n); err != nil {
		return fmt.Errorf("count documents: %w", err)
	}
	if n > 0 {
		return nil
	}
	p, err := knowledge.Parse(knowledge.DefaultStory, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if err != nil {
		return fmt.Errorf("parse the default story: %w", err)
	}
	// ifEmpty keeps two processes starting at once from both indexing it.
	_, err = s.ingest(ctx, []knowledge.Parsed{p}, nil, true)
	return err
}

// IngestReport says what Ingest did with each document, by slug.
type IngestReport struct {
	Added     []string
	Replaced  []string
	Unchanged []string
}

// Ingest indexes the parsed documents in one transaction: a document whose
// slug is new is added, one whose content hash changed replaces the old
// version, an unchanged one is left alone. If anything fails, the index is
// exactly as it was. progress, when not nil, is called as passages are
// written, with the count done and the total.
func (s *Store) Ingest(ctx context.Context, docs []knowledge.Parsed, progress func(done, total int)) (IngestReport, error) {
	return s.ingest(ctx, docs, progress, false)
}

func (s *Store) ingest(ctx context.Context, docs []knowledge.Parsed, progress func(done, total int), ifEmpty bool) (IngestReport, error) {
	var rep IngestReport
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	defer tx.Rollback()
	if ifEmpty {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM documents").Scan(&n); err != nil {
			return rep, fmt.Errorf("ingest: %w", err)
		}
		if n > 0 {
			return rep, nil
		}
	}
	in := ingestion{tx: tx, now: s.Now, progress: progress}
	for _, p := range docs {
		in.total += len(p.Passages)
	}
	if in.insPassage, err = tx.PrepareContext(ctx, `INSERT INTO passages (doc_id, n, start, "end", text) VALUES (?, ?, ?, ?, ?)`); err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	defer in.insPassage.Close()
	if in.insFTS, err = tx.PrepareContext(ctx, `INSERT INTO passages_fts (rowid, text) VALUES (?, ?)`); err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	defer in.insFTS.Close()
	for _, p := range docs {
		if err := ctx.Err(); err != nil {
			return IngestReport{}, fmt.Errorf("ingest: %w", err)
		}
		if err := in.ingestDoc(ctx, p, &rep); err != nil {
			return IngestReport{}, fmt.Errorf("ingest %s: %w", p.Doc.Slug, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return IngestReport{}, fmt.Errorf("ingest: commit: %w", err)
	}
	return rep, nil
}

// ingestion is one Ingest transaction under way.
type ingestion struct {
	tx                 *sql.Tx
	insPassage, insFTS *sql.Stmt
	now                func() time.Time
	progress           func(done, total int) // nil: not reported
	done, total        int                   // passages written or skipped, and in all
}

// ingestDoc writes one document, in place of an older version with its
// slug, unless the index holds it unchanged, and records which it was in rep.
func (in *ingestion) ingestDoc(ctx context.Context, p knowledge.Parsed, rep *IngestReport) error {
	d := p.Doc
	var oldID int64
	var oldHash string
	err := in.tx.QueryRowContext(ctx, "SELECT id, hash FROM documents WHERE slug = ?", d.Slug).Scan(&oldID, &oldHash)
	switch {
	case err == nil && oldHash == d.Hash:
		rep.Unchanged = append(rep.Unchanged, d.Slug)
		in.done += len(p.Passages)
		in.report()
		return nil
	case err == nil:
		if err := deleteDoc(ctx, in.tx, oldID); err != nil {
			return fmt.Errorf("replace: %w", err)
		}
		rep.Replaced = append(rep.Replaced, d.Slug)
	case errors.Is(err, sql.ErrNoRows):
		rep.Added = append(rep.Added, d.Slug)
	default:
		return err
	}
	dropped, _ := json.Marshal(d.Dropped)
	res, err := in.tx.ExecContext(ctx,
		`INSERT INTO documents (slug, title, source, text, hash, date, date_source, dropped, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Slug, d.Title, d.Source, d.Text, d.Hash, d.Date, d.DateSource, string(dropped), in.now().UTC().Format(time.RFC3339))
	if err != nil {
		return err
	}
	docID, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for _, ps := range p.Passages {
		if err := in.writePassage(ctx, docID, ps); err != nil {
			return err
		}
	}
	in.report()
	return nil
}

// writePassage writes a passage and its index entry.
func (in *ingestion) writePassage(ctx context.Context, docID int64, ps knowledge.Passage) error {
	res, err := in.insPassage.ExecContext(ctx, docID, ps.N, ps.Start, ps.End, ps.Text)
	if err != nil {
		return fmt.Errorf("passage %d: %w", ps.N, err)
	}
	rowID, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("passage %d: %w", ps.N, err)
	}
	if _, err := in.insFTS.ExecContext(ctx, rowID, ps.Text); err != nil {
		return fmt.Errorf("index passage %d: %w", ps.N, err)
	}
	if in.done++; in.done%256 == 0 {
		in.report()
	}
	return nil
}

// report tells progress how far the ingestion is.
func (in *ingestion) report() {
	if in.progress != nil {
		in.progress(in.done, in.total)
	}
}

// deleteDoc removes a document, its passages and their index entries.
func deleteDoc(ctx context.Context, tx *sql.Tx, docID int64) error {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO passages_fts (passages_fts, rowid, text) SELECT 'delete', id, text FROM passages WHERE doc_id = ?`, docID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM documents WHERE id = ?", docID)
	return err
}

// Documents returns every indexed document, oldest first, without its Text.
func (s *Store) Documents(ctx context.Context) ([]knowledge.Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT slug, title, source, hash, date, date_source, dropped FROM documents ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var docs []knowledge.Document
	for rows.Next() {
		var d knowledge.Document
		var dropped string
		if err := rows.Scan(&d.Slug, &d.Title, &d.Source, &d.Hash, &d.Date, &d.DateSource, &dropped); err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		_ = json.Unmarshal([]byte(dropped), &d.Dropped)
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return docs, nil
}

// Document returns the document with the given slug, Text included, or knowledge.ErrNotFound.
func (s *Store) Document(ctx context.Context, slug string) (knowledge.Document, error) {
	var d knowledge.Document
	var dropped string
	err := s.db.QueryRowContext(ctx, `SELECT slug, title, source, text, hash, date, date_source, dropped FROM documents WHERE slug = ?`, slug).
		Scan(&d.Slug, &d.Title, &d.Source, &d.Text, &d.Hash, &d.Date, &d.DateSource, &dropped)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %q: %w", slug, knowledge.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("document %q: %w", slug, err)
	}
	_ = json.Unmarshal([]byte(dropped), &d.Dropped)
	return d, nil
}

const passageCols = `d.slug, p.n, p.start, p."end", p.text`

func scanPassage(sc interface{ Scan(...any) error }, extra ...any) (knowledge.Passage, error) {
	var p knowledge.Passage
	dest := append([]any{&p.Doc, &p.N, &p.Start, &p.End, &p.Text}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return p, err
	}
	p.ID = knowledge.PassageID(p.Doc, p.N)
	return p, nil
}

// Passage returns the passage with the given id ("<slug>#<n>"), or knowledge.ErrNotFound.
func (s *Store) Passage(ctx context.Context, id string) (knowledge.Passage, error) {
	slug, n, ok := knowledge.ParsePassageID(id)
	if !ok {
		return knowledge.Passage{}, fmt.Errorf("passage %q: %w", id, knowledge.ErrNotFound)
	}
	row := s.db.QueryRowContext(ctx, `SELECT `+passageCols+` FROM passages p JOIN documents d ON d.id = p.doc_id WHERE d.slug = ? AND p.n = ?`, slug, n)
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
// order. It returns knowledge.ErrNotFound if the document does not exist.
func (s *Store) Passages(ctx context.Context, doc string) ([]knowledge.Passage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+passageCols+` FROM passages p JOIN documents d ON d.id = p.doc_id WHERE d.slug = ? ORDER BY p.n`, doc)
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
		if _, err := s.Document(ctx, doc); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// PassageIDs returns up to limit passage ids starting with prefix, in
// document order (for autocompletion).
func (s *Store) PassageIDs(ctx context.Context, prefix string, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT d.slug || '#' || p.n AS pid FROM passages p JOIN documents d ON d.id = p.doc_id
		 WHERE substr(pid, 1, length(?)) = ? ORDER BY d.id, p.n LIMIT ?`, prefix, prefix, limit)
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

// Stats counts the indexed documents and passages.
func (s *Store) Stats(ctx context.Context) (docs, passages int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM passages)`).Scan(&docs, &passages)
	if err != nil {
		return 0, 0, fmt.Errorf("count the index: %w", err)
	}
	return docs, passages, nil
}
