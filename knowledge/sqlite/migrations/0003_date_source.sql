-- Where a document's date came from: 'configured' (ingest --date, front
-- matter) or 'metadata' (a web page's own publication date). Rows written
-- before it have '' and a configured date, if any.
ALTER TABLE documents ADD COLUMN date_source TEXT NOT NULL DEFAULT '';
