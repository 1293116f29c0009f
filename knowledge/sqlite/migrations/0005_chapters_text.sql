-- Each passage knows the chapter (or section) it belongs to, as a label for
-- citations ("chapter 3"); '' when its document has none. Passages indexed
-- before this migration have none until their document is ingested again.
ALTER TABLE passages ADD COLUMN chapter TEXT NOT NULL DEFAULT '';

-- A document's text is written in chunks of at most 1 MB, in order, so that
-- a large book is never one value in memory while it is written; its
-- documents.text is then ''. Documents indexed before this migration keep
-- their text there.
CREATE TABLE document_text (
	doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	n      INTEGER NOT NULL,
	text   TEXT NOT NULL,
	PRIMARY KEY (doc_id, n)
) WITHOUT ROWID;
