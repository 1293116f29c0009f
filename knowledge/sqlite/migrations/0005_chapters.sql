-- Each passage knows the chapter (or section) it belongs to, as a label for
-- citations ("chapter 3"); '' when its document has none. Passages indexed
-- before this migration have none until their document is ingested again.
ALTER TABLE passages ADD COLUMN chapter TEXT NOT NULL DEFAULT '';
