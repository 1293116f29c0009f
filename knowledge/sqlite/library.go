package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// documentCols are the columns of documents aliased d that scanDocument
// reads, Text aside.
const documentCols = `d.slug, d.title, d.source, d.hash, d.date, d.date_source, d.dropped, d.origin, d.guild, d.ingested_at, d.words,
	(SELECT count(*) FROM passages p WHERE p.doc_id = d.id)`

func scanDocument(sc interface{ Scan(...any) error }, extra ...any) (knowledge.Document, error) {
	var d knowledge.Document
	var dropped, at string
	dest := append([]any{&d.Slug, &d.Title, &d.Source, &d.Hash, &d.Date, &d.DateSource, &dropped, &d.Origin, &d.Guild, &at, &d.Words, &d.Passages}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return d, err
	}
	_ = json.Unmarshal([]byte(dropped), &d.Dropped)
	d.IngestedAt, _ = time.Parse(time.RFC3339, at)
	return d, nil
}

// Documents returns the documents sc selects, oldest first, without their
// Text.
func (s *Store) Documents(ctx context.Context, sc knowledge.Scope) ([]knowledge.Document, error) {
	cond, args := visible(sc)
	rows, err := s.db.QueryContext(ctx, `SELECT `+documentCols+` FROM documents d WHERE `+cond+` ORDER BY d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var docs []knowledge.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return docs, nil
}

// Document returns the document with the given slug, Text included, of
// those sc selects, or knowledge.ErrNotFound.
func (s *Store) Document(ctx context.Context, sc knowledge.Scope, slug string) (knowledge.Document, error) {
	cond, args := visible(sc)
	var text string
	var id int64
	d, err := scanDocument(s.db.QueryRowContext(ctx, `SELECT `+documentCols+`, d.text, d.id FROM documents d WHERE d.slug = ? AND `+cond,
		append([]any{slug}, args...)...), &text, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %q: %w", slug, knowledge.ErrNotFound)
	}
	if err == nil {
		d.Text, err = readText(ctx, s.db, id, text)
	}
	if err != nil {
		return d, fmt.Errorf("document %q: %w", slug, err)
	}
	return d, nil
}

// Bind makes the document doc the one that channel of the Discord server
// guild answers from, or, with channel "", the whole server; with doc "",
// it removes that binding. The document must be one the server sees
// (knowledge.ErrNotFound otherwise).
func (s *Store) Bind(ctx context.Context, guild, channel, doc string) error {
	if guild == "" {
		return errors.New("bind: a story is bound in a server, not in a direct message")
	}
	tx, err := s.beginWrite(ctx, s.db)
	if err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	defer tx.Rollback()
	if doc == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM bindings WHERE guild = ? AND channel = ?`, guild, channel)
	} else {
		var res sql.Result
		cond, args := visible(knowledge.Scope{Guild: guild})
		res, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO bindings (guild, channel, doc_id)
			SELECT ?, ?, d.id FROM documents d WHERE d.slug = ? AND `+cond, append([]any{guild, channel, doc}, args...)...)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("bind %q: %w", doc, knowledge.ErrNotFound)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("bind %q: %w", doc, err)
	}
	if err := commit(tx); err != nil {
		return fmt.Errorf("bind: commit: %w", err)
	}
	return nil
}

// Binding returns the id of the document bound to the first of channels
// (a thread, then its parent) that has one in the Discord server guild,
// else to the whole server, else "", and what it is bound to: the channel
// it was found on, or "" for the server.
func (s *Store) Binding(ctx context.Context, guild string, channels ...string) (doc, boundOn string, err error) {
	if guild == "" {
		return "", "", nil
	}
	cond, args := visible(knowledge.Scope{Guild: guild})
	var on []string
	for _, ch := range channels {
		if ch != "" {
			on = append(on, ch)
		}
	}
	for _, ch := range append(on, "") {
		err := s.db.QueryRowContext(ctx, `SELECT d.slug FROM bindings b JOIN documents d ON d.id = b.doc_id
			WHERE b.guild = ? AND b.channel = ? AND `+cond, append([]any{guild, ch}, args...)...).Scan(&doc)
		switch {
		case err == nil:
			return doc, ch, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", "", fmt.Errorf("binding of %s: %w", ch, err)
		}
	}
	return "", "", nil
}
