package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"
)

// textChunk is the most bytes of a document's text written as one value.
const textChunk = 1 << 20

// writeText writes the text of the document docID in chunks of at most
// textChunk bytes, each cut at a character boundary, in place of any it
// had.
func writeText(ctx context.Context, tx *sql.Tx, docID int64, text string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM document_text WHERE doc_id = ?`, docID); err != nil {
		return fmt.Errorf("text: %w", err)
	}
	if text == "" {
		return nil
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO document_text (doc_id, n, text) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for n := 0; text != ""; n++ {
		cut := min(len(text), textChunk)
		for cut < len(text) && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if _, err := ins.ExecContext(ctx, docID, n, text[:cut]); err != nil {
			return fmt.Errorf("text: %w", err)
		}
		text = text[cut:]
	}
	return nil
}

// readText returns the text of the document docID: head (its text as
// documents.text holds it, for documents indexed before the text was
// chunked) followed by its chunks.
func readText(ctx context.Context, db *sql.DB, docID int64, head string) (string, error) {
	rows, err := db.QueryContext(ctx, `SELECT text FROM document_text WHERE doc_id = ? ORDER BY n`, docID)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var sb strings.Builder
	sb.WriteString(head)
	for rows.Next() {
		var chunk string
		if err := rows.Scan(&chunk); err != nil {
			return "", err
		}
		sb.WriteString(chunk)
	}
	return sb.String(), rows.Err()
}
