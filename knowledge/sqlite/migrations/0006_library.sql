-- A library of stories: where each document came from (so that ingesting
-- the same source again replaces it), which Discord server it belongs to
-- ('' for every server), and its word count for listings.
ALTER TABLE documents ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN guild TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN words INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_origin ON documents (origin) WHERE origin <> '';
CREATE INDEX documents_guild ON documents (guild);

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
