-- A library of stories. Documents gain where each came from (origin, so
-- that ingesting the same source again replaces it), the Discord server it
-- belongs to (guild, '' for every server) and its word count, and the table
-- is rebuilt with the text last, so that reading a document's other columns
-- (listings, scopes, re-ingest checks) never walks through its text.
-- Foreign keys are off while a migration runs, so dropping the old table
-- removes no passages.
CREATE TABLE documents_new (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL,
	source      TEXT NOT NULL,
	origin      TEXT NOT NULL DEFAULT '',
	guild       TEXT NOT NULL DEFAULT '',
	hash        TEXT NOT NULL,
	date        TEXT NOT NULL DEFAULT '',
	date_source TEXT NOT NULL DEFAULT '',
	ingested_at TEXT NOT NULL,
	words       INTEGER NOT NULL DEFAULT 0,
	dropped     TEXT NOT NULL DEFAULT '[]',
	text        TEXT NOT NULL
);
INSERT INTO documents_new (id, slug, title, source, hash, date, date_source, ingested_at, dropped, text)
	SELECT id, slug, title, source, hash, date, date_source, ingested_at, dropped, text FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_origin ON documents (origin);
-- Covers the scope of every read: the server and the ids it may see.
CREATE INDEX documents_scope ON documents (guild, slug);

-- Settings of the index itself, such as whether the default story was
-- ever indexed into it (it is indexed once, and stays removed).
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
-- An index that already holds documents has had its default story, or
-- never needed it.
INSERT INTO settings (key, value)
	SELECT 'default_story', 'seeded' WHERE EXISTS (SELECT 1 FROM documents);

-- The story a Discord channel, or a whole server (channel ''), answers
-- from when a question names none. A thread follows its parent channel.
-- Replacing a document keeps its row, so its bindings stay; removing it
-- removes them.
CREATE TABLE bindings (
	guild   TEXT NOT NULL,
	channel TEXT NOT NULL,
	doc_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	PRIMARY KEY (guild, channel)
) WITHOUT ROWID;
CREATE INDEX bindings_doc ON bindings (doc_id);
