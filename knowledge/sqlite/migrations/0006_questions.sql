-- What became of each question the bot was asked (storybot stats), and
-- the feedback on its answers. What users wrote (question, comment) is
-- emptied once past QUESTION_RETENTION; the rest is kept. Times are Unix
-- milliseconds, UTC.
CREATE TABLE questions (
	id              INTEGER PRIMARY KEY,
	answer_id       TEXT NOT NULL UNIQUE, -- the interaction's or message's id, named by the feedback buttons
	asked_at        INTEGER NOT NULL,
	via             TEXT NOT NULL,
	command         TEXT NOT NULL,
	guild           TEXT NOT NULL DEFAULT '',
	outcome         TEXT NOT NULL,
	mode            TEXT NOT NULL DEFAULT '',
	model_asked     INTEGER NOT NULL DEFAULT 0,
	model_failure   TEXT NOT NULL DEFAULT '',
	fallback        INTEGER NOT NULL DEFAULT 0,
	rejected_quotes INTEGER NOT NULL DEFAULT 0,
	rejected_claims INTEGER NOT NULL DEFAULT 0,
	stories         TEXT NOT NULL DEFAULT '', -- document ids, space-separated
	passages        TEXT NOT NULL DEFAULT '', -- passage ids, space-separated
	latency_ms      INTEGER NOT NULL DEFAULT 0,
	question        TEXT -- NULL when not kept
);
CREATE INDEX questions_asked ON questions (asked_at);

-- One vote per user per answer, the latest winning; vote is 1 or -1.
CREATE TABLE feedback (
	answer_id TEXT NOT NULL,
	user      TEXT NOT NULL,
	vote      INTEGER NOT NULL,
	comment   TEXT, -- what was wrong, NULL when none or no longer kept
	voted_at  INTEGER NOT NULL,
	PRIMARY KEY (answer_id, user)
) WITHOUT ROWID;
CREATE INDEX feedback_voted ON feedback (voted_at);
