// Package sqlite is the index of knowledge's documents and passages: SQLite
// with FTS5, through modernc.org/sqlite (pure Go, no cgo). Open applies the
// embedded migrations/ in one transaction; a Store ingests parsed documents
// in one transaction, and searches by asking FTS5 for candidates and the
// index for its statistics, leaving the ranking to knowledge.Ranking. The
// FTS5 tokenizer, "porter unicode61 remove_diacritics 2", is the one
// knowledge.Words and knowledge.Terms mirror.
//
// Every read takes a knowledge.Scope and its SQL keeps only the documents
// the scope selects, so no caller can reach a document of another Discord
// server. Many processes may use one index at once: reads never wait for
// a write (WAL), opening takes no write lock unless a migration is
// pending, and writers wait for each other.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/storybot/storybot/knowledge"
	driver "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrReadOnly is returned by every write to an index opened read-only.
var ErrReadOnly = errors.New("the index is read-only (its file or volume cannot be written); it can be searched but not changed")

// Store is the SQLite index of documents and passages. It is safe for
// concurrent use, and other processes may use the same file at once.
type Store struct {
	db       *sql.DB
	readOnly bool
	// Now is the clock used to stamp ingests.
	Now func() time.Time
	// Ranking tunes Search; Open sets knowledge.DefaultRanking. Change it only
	// before the Store is shared.
	Ranking knowledge.Ranking
	// Waiting, when set, is called each time a write has waited its turn
	// (the busy timeout) behind another process's write and waits again.
	// Set it only before the Store is shared.
	Waiting func()
}

// busyTimeout is how long one statement waits for a lock before SQLite
// reports the index busy. Readers need none in WAL mode but for brief
// moments (a checkpoint, recovery); writers wait for each other in turns of
// this length, for as long as their context allows. Tests shorten it.
var busyTimeout = 10 * time.Second

// Open opens (creating if needed) the index at path and migrates it to the
// current schema. path is a file name, whatever characters it holds; the
// path ":memory:" opens a private in-memory index. An existing index whose
// file or folder cannot be written (a read-only file or volume) is opened
// read-only: it answers, and writes return ErrReadOnly.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open index: no database path")
	}
	if path != ":memory:" && !writable(path) {
		return OpenReadOnly(ctx, path)
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open index: %w", err)
		}
	}
	s, err := open(ctx, path, modeWrite)
	if err != nil && path != ":memory:" && cannotWrite(err) {
		if ro, roErr := OpenReadOnly(ctx, path); roErr == nil {
			return ro, nil
		}
	}
	return s, err
}

// OpenReadOnly opens the existing index at path for reading only. It fails
// if the index needs a migration.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open index %s read-only: %w", path, err)
	}
	s, err := open(ctx, path, modeRead)
	if code := sqliteCode(err); code == sqlite3.SQLITE_CANTOPEN || code == sqlite3.SQLITE_READONLY {
		// A WAL index in a folder that cannot be written: SQLite cannot
		// create the shared-memory file readers coordinate through, so
		// read the file as it is, without locks. Nothing can write it.
		s, err = open(ctx, path, modeImmutable)
	}
	return s, err
}

type openMode int

const (
	modeWrite openMode = iota
	modeRead
	modeImmutable
)

func open(ctx context.Context, path string, mode openMode) (*Store, error) {
	dsn, err := dataSourceName(path, mode)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	if path == ":memory:" {
		// Every connection to ":memory:" is a new, empty database.
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, readOnly: mode != modeWrite, Now: time.Now, Ranking: knowledge.DefaultRanking()}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return s, nil
}

// writable reports whether the index at path, if it exists, may be
// written: its file opens for writing and its folder takes the WAL files.
func writable(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return true // Open creates it, or says why it cannot
	}
	if err != nil {
		return !errors.Is(err, os.ErrPermission) && !errors.Is(err, syscall.EROFS)
	}
	f.Close()
	return true
}

// cannotWrite reports whether err says the index cannot be written.
func cannotWrite(err error) bool {
	code := sqliteCode(err)
	return code == sqlite3.SQLITE_READONLY || code == sqlite3.SQLITE_CANTOPEN ||
		errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// sqliteCode is the primary SQLite result code in err, or 0.
func sqliteCode(err error) int {
	var se *driver.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// dataSourceName returns the modernc.org/sqlite name of the index at path:
// a file: URI, its path made absolute and percent-encoded so that SQLite
// reads it back exactly ('?', '#' and '%' in a file name included),
// followed by the driver's parameters.
func dataSourceName(path string, mode openMode) (string, error) {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	if path == ":memory:" {
		return "file::memory:?" + q.Encode(), nil
	}
	switch mode {
	case modeWrite:
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
	case modeRead:
		q.Set("mode", "ro")
	case modeImmutable:
		q.Set("mode", "ro")
		q.Set("immutable", "1")
	}
	return fileURI(path, q)
}

// fileURI is the file: URI of path, made absolute and percent-encoded,
// with the parameters q.
func fileURI(path string, q url.Values) (string, error) {
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

// ReadOnly reports whether the index was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// beginner starts transactions: the Store's pool, or one connection of it.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// beginWrite starts a write transaction (BEGIN IMMEDIATE) on db, waiting
// for other writers, in turns of the busy timeout, for as long as ctx
// allows.
func (s *Store) beginWrite(ctx context.Context, db beginner) (*sql.Tx, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	for {
		tx, err := db.BeginTx(ctx, nil)
		if err == nil || sqliteCode(err) != sqlite3.SQLITE_BUSY || ctx.Err() != nil {
			if cannotWrite(err) {
				err = fmt.Errorf("%w: %w", ErrReadOnly, err)
			}
			return tx, err
		}
		if s.Waiting != nil {
			s.Waiting()
		}
	}
}

// commit commits tx, naming a read-only index as such.
func commit(tx *sql.Tx) error {
	err := tx.Commit()
	if err != nil && cannotWrite(err) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

// migrate applies the embedded migrations newer than the schema's
// user_version, all in one transaction. The version is read first without
// a lock, so an index that is up to date opens while another process
// writes to it.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	version, err := userVersion(ctx, s.db)
	if err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if version > len(names) {
		return fmt.Errorf("the index was written by a newer storybot (schema %d, this one knows %d)", version, len(names))
	}
	if version == len(names) {
		return nil
	}
	if s.readOnly {
		return fmt.Errorf("the index has schema %d and this storybot needs %d, but it is read-only: open it once with a storybot that can write it: %w", version, len(names), ErrReadOnly)
	}
	return s.apply(ctx, names)
}

// apply runs the migrations the index lacks, in one transaction, on a
// connection of its own with foreign keys off: a migration may rebuild a
// table others refer to (SQLite's way to change a table's layout), which
// must not delete what refers to it. The references are checked before
// the transaction commits.
func (s *Store) apply(ctx context.Context, names []string) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
			err = fmt.Errorf("migrate: %w", ferr)
		}
	}()
	tx, err := s.beginWrite(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	version, err := userVersion(ctx, tx) // another process may have migrated it meanwhile
	if err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	for i := version; i < len(names); i++ {
		b, err := migrationFS.ReadFile(names[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(b)); err != nil {
			return fmt.Errorf("migrate %s: %w", names[i], err)
		}
		if step := afterMigration[filepath.Base(names[i])]; step != nil {
			if err := step(ctx, tx); err != nil {
				return fmt.Errorf("migrate %s: %w", names[i], err)
			}
		}
	}
	if err := foreignKeysHold(ctx, tx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(names))); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return commit(tx)
}

// foreignKeysHold reports a row that refers to one that does not exist.
func foreignKeysHold(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("row %d of %s refers to a missing row of %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}

func userVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// afterMigration holds the steps of a migration that SQL cannot take,
// run in its transaction after its SQL.
var afterMigration = map[string]func(context.Context, *sql.Tx) error{
	"0004_library.sql": countWords,
}

// countWords fills in the word count of documents indexed before it was kept.
func countWords(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT doc_id, text FROM passages ORDER BY doc_id`)
	if err != nil {
		return err
	}
	words := map[int64]int{}
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			rows.Close()
			return err
		}
		words[id] += knowledge.CountWords(text)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, n := range words {
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET words = ? WHERE id = ?`, n, id); err != nil {
			return err
		}
	}
	return nil
}

// countSQL counts an index's documents and passages.
const countSQL = `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM passages)`

// Stats counts the indexed documents and passages, of every server.
func (s *Store) Stats(ctx context.Context) (docs, passages int, err error) {
	err = s.db.QueryRowContext(ctx, countSQL).Scan(&docs, &passages)
	if err != nil {
		return 0, 0, fmt.Errorf("count the index: %w", err)
	}
	return docs, passages, nil
}
