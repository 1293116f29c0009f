-- Documents hold the cleaned text that passage offsets point into.
CREATE TABLE documents (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL,
	source      TEXT NOT NULL,
	text        TEXT NOT NULL,
	hash        TEXT NOT NULL,
	date        TEXT NOT NULL DEFAULT '',
	dropped     TEXT NOT NULL DEFAULT '[]',
	ingested_at TEXT NOT NULL
);

CREATE TABLE passages (
	id     INTEGER PRIMARY KEY,
	doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	n      INTEGER NOT NULL,
	start  INTEGER NOT NULL,
	"end"  INTEGER NOT NULL,
	text   TEXT NOT NULL,
	UNIQUE (doc_id, n)
);

-- The full-text index reads passage text from the passages table (external
-- content), so the text is stored once.
CREATE VIRTUAL TABLE passages_fts USING fts5(
	text,
	content = 'passages',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);
