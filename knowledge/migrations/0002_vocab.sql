-- The re-ranker reads document frequencies of query terms from the index's
-- own vocabulary, so its statistics always match what FTS5 stored.
CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, row);
