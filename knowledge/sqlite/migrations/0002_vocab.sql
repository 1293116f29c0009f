-- The re-ranker reads document frequencies of query terms from the index's
-- own vocabulary, so its statistics always match what FTS5 stored.
CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, row);

-- Let FTS5 buffer 16 MB of new terms in memory (default 1 MB) before it
-- writes a segment: large ingests write and merge far fewer segments.
INSERT INTO passages_fts (passages_fts, rank) VALUES ('hashsize', 16777216);
