package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// Status says what Ingest did with a document.
type Status string

// What Ingest did with a document.
const (
	Added     Status = "added"
	Replaced  Status = "replaced"
	Unchanged Status = "unchanged"
)

// Ingested is what Ingest did with one document.
type Ingested struct {
	// ID is the document's id in the index: its Slug, the id of the
	// version it replaced, or, when another document holds its Slug, a
	// numbered one ("article-2").
	ID     string
	Status Status
	// Was is the id of the version it replaced, when that differs from ID
	// (the same file ingested again with --id), or "".
	Was string
	// Displaced is the id of another document it replaced because it held
	// the id it was Named, or "".
	Displaced string
}

// IngestReport says what Ingest did with each document, in the order given.
type IngestReport struct {
	Docs []Ingested
}

// Ingest indexes the parsed documents in one transaction. A document
// replaces the one that came from the same Origin, or, when its id is
// Named (or it has no Origin), the one holding its id; an unchanged one is
// left alone. Otherwise it is added, under its Slug or, when another
// document holds that, a numbered one: a different document is never
// replaced. Replacing a document keeps its channel bindings. If anything
// fails, the index is exactly as it was. progress, when not nil, is called
// as passages are written, with the count done and the total. A write
// waits for other processes' writes; ctx bounds the wait.
func (s *Store) Ingest(ctx context.Context, docs []knowledge.Parsed, progress func(done, total int)) (IngestReport, error) {
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return IngestReport{}, fmt.Errorf("ingest: %w", err)
	}
	defer tx.Rollback()
	rep, err := s.ingest(ctx, tx, docs, progress)
	if err != nil {
		return IngestReport{}, err
	}
	if err := commit(tx); err != nil {
		return IngestReport{}, fmt.Errorf("ingest: commit: %w", err)
	}
	return rep, nil
}

func (s *Store) ingest(ctx context.Context, tx *sql.Tx, docs []knowledge.Parsed, progress func(done, total int)) (IngestReport, error) {
	var rep IngestReport
	in := ingestion{tx: tx, now: s.Now, progress: progress}
	for _, p := range docs {
		in.total += len(p.Passages)
	}
	var err error
	if in.insPassage, err = tx.PrepareContext(ctx, `INSERT INTO passages (doc_id, n, start, "end", text, chapter) VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
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
		got, err := in.ingestDoc(ctx, p)
		if err != nil {
			return IngestReport{}, fmt.Errorf("ingest %s: %w", p.Doc.Slug, err)
		}
		rep.Docs = append(rep.Docs, got)
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

// stored is what ingesting needs to know of an indexed document.
type stored struct {
	id                        int64
	slug, origin, hash, guild string
}

func (in *ingestion) find(ctx context.Context, col, val string) (*stored, error) {
	var d stored
	err := in.tx.QueryRowContext(ctx, `SELECT id, slug, origin, hash, guild FROM documents WHERE `+col+` = ?`, val).
		Scan(&d.id, &d.slug, &d.origin, &d.hash, &d.guild)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// target finds the document p replaces, if any, and the id p gets.
func (in *ingestion) target(ctx context.Context, d knowledge.Document) (old *stored, id string, displaced *stored, err error) {
	var byOrigin *stored
	if d.Origin != "" {
		if byOrigin, err = in.find(ctx, "origin", d.Origin); err != nil {
			return nil, "", nil, err
		}
	}
	bySlug, err := in.find(ctx, "slug", d.Slug)
	if err != nil {
		return nil, "", nil, err
	}
	switch {
	case d.Named:
		// The document is this id: it replaces its own earlier version
		// and whatever held the id.
		old = byOrigin
		if old == nil {
			old = bySlug
		}
		if bySlug != nil && bySlug.id != old.id {
			displaced = bySlug
		}
		return old, d.Slug, displaced, nil
	case byOrigin != nil:
		return byOrigin, byOrigin.slug, nil, nil
	case bySlug != nil && (d.Origin == "" || bySlug.origin == ""):
		// Without an origin on either side (documents indexed before
		// origins were kept), the id stands for the source.
		return bySlug, d.Slug, nil, nil
	}
	id, err = in.freeID(ctx, d.Slug)
	return nil, id, nil, err
}

// freeID is slug, or the first of slug-2, slug-3, … no document holds.
func (in *ingestion) freeID(ctx context.Context, slug string) (string, error) {
	for n := 1; ; n++ {
		id := slug
		if n > 1 {
			id = knowledge.NumberedID(slug, n)
		}
		var taken bool
		if err := in.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE slug = ?)`, id).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
}

// ingestDoc writes one document, in place of the version it replaces
// unless that is unchanged, and says which it was.
func (in *ingestion) ingestDoc(ctx context.Context, p knowledge.Parsed) (Ingested, error) {
	d := p.Doc
	old, id, displaced, err := in.target(ctx, d)
	if err != nil {
		return Ingested{}, err
	}
	got := Ingested{ID: id, Status: Added}
	if displaced != nil {
		if err := deleteDoc(ctx, in.tx, displaced.id); err != nil {
			return got, fmt.Errorf("replace %s: %w", displaced.slug, err)
		}
		got.Status, got.Displaced = Replaced, displaced.slug
	}
	origin := d.Origin
	if old != nil {
		if origin == "" {
			origin = old.origin
		}
		if old.slug != id {
			got.Was = old.slug
		}
	}
	if old != nil && old.hash == d.Hash && old.guild == d.Guild && old.slug == id && old.origin == origin && displaced == nil {
		got.Status = Unchanged
		in.done += len(p.Passages)
		in.report()
		return got, nil
	}
	dropped, _ := json.Marshal(d.Dropped)
	at := in.now().UTC().Format(time.RFC3339)
	var docID int64
	if old != nil {
		// Replaced in place, so the row and its bindings stay.
		got.Status = Replaced
		docID = old.id
		if err := deletePassages(ctx, in.tx, docID); err != nil {
			return got, fmt.Errorf("replace: %w", err)
		}
		_, err = in.tx.ExecContext(ctx,
			`UPDATE documents SET slug = ?, title = ?, source = ?, text = '', hash = ?, date = ?, date_source = ?, dropped = ?, ingested_at = ?,
			 origin = ?, guild = ?, words = ? WHERE id = ?`,
			id, d.Title, d.Source, d.Hash, d.Date, d.DateSource, string(dropped), at, origin, d.Guild, wordCount(p), docID)
	} else {
		var res sql.Result
		res, err = in.tx.ExecContext(ctx,
			`INSERT INTO documents (slug, title, source, text, hash, date, date_source, dropped, ingested_at, origin, guild, words)
			 VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, d.Title, d.Source, d.Hash, d.Date, d.DateSource, string(dropped), at, origin, d.Guild, wordCount(p))
		if err == nil {
			docID, err = res.LastInsertId()
		}
	}
	if err == nil {
		err = writeText(ctx, in.tx, docID, d.Text)
	}
	if err != nil {
		return got, err
	}
	for _, ps := range p.Passages {
		if err := in.writePassage(ctx, docID, ps); err != nil {
			return got, err
		}
	}
	in.report()
	return got, nil
}

func wordCount(p knowledge.Parsed) int {
	n := 0
	for _, ps := range p.Passages {
		n += knowledge.CountWords(ps.Text)
	}
	return n
}

// writePassage writes a passage and its index entry.
func (in *ingestion) writePassage(ctx context.Context, docID int64, ps knowledge.Passage) error {
	res, err := in.insPassage.ExecContext(ctx, docID, ps.N, ps.Start, ps.End, ps.Text, ps.Chapter)
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

// deletePassages removes a document's passages and their index entries.
func deletePassages(ctx context.Context, tx *sql.Tx, docID int64) error {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO passages_fts (passages_fts, rowid, text) SELECT 'delete', id, text FROM passages WHERE doc_id = ?`, docID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM passages WHERE doc_id = ?", docID)
	return err
}

// deleteDoc removes a document, its passages, their index entries and its
// bindings.
func deleteDoc(ctx context.Context, tx *sql.Tx, docID int64) error {
	if err := deletePassages(ctx, tx, docID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM documents WHERE id = ?", docID)
	return err
}

// Remove removes the documents ids, of those sc selects, with their
// passages and bindings, in one transaction. If any id is not in sc, it
// removes nothing and returns an error wrapping knowledge.ErrNotFound that
// names the ids.
func (s *Store) Remove(ctx context.Context, sc knowledge.Scope, ids ...string) error {
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	defer tx.Rollback()
	cond, args := visible(sc)
	var missing []string
	for _, id := range ids {
		var docID int64
		err := tx.QueryRowContext(ctx, `SELECT d.id FROM documents d WHERE d.slug = ? AND `+cond, append([]any{id}, args...)...).Scan(&docID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			missing = append(missing, id)
			continue
		case err != nil:
			return fmt.Errorf("remove %s: %w", id, err)
		}
		if err := deleteDoc(ctx, tx, docID); err != nil {
			return fmt.Errorf("remove %s: %w", id, err)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("remove %s: %w", strings.Join(missing, ", "), knowledge.ErrNotFound)
	}
	if err := commit(tx); err != nil {
		return fmt.Errorf("remove: commit: %w", err)
	}
	return nil
}

// The default_story setting says whether the default story was ever
// indexed ("seeded"), or was not needed ("skipped").
const defaultStoryKey = "default_story"

// EnsureDefault indexes the embedded knowledge.DefaultStory into an index
// that has never had it and holds no documents, so every command works on
// a fresh machine. It does so once: removed, the story stays removed. On an
// index that has been through it, it only reads; on a read-only one it does
// nothing.
func (s *Store) EnsureDefault(ctx context.Context) error {
	if s.readOnly {
		return nil
	}
	if v, err := setting(ctx, s.db, defaultStoryKey); err != nil || v != "" {
		return err
	}
	p, err := knowledge.ParseDefaultStory()
	if err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return fmt.Errorf("index the default story: %w", err)
	}
	defer tx.Rollback()
	// Another process may have been first.
	if v, err := setting(ctx, tx, defaultStoryKey); err != nil || v != "" {
		return err
	}
	var empty bool
	if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM documents)`).Scan(&empty); err != nil {
		return fmt.Errorf("index the default story: %w", err)
	}
	v := "skipped"
	if empty {
		if _, err := s.ingest(ctx, tx, []knowledge.Parsed{p}, nil); err != nil {
			return fmt.Errorf("index the default story: %w", err)
		}
		v = "seeded"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, defaultStoryKey, v); err != nil {
		return fmt.Errorf("index the default story: %w", err)
	}
	return commit(tx)
}

func setting(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}
