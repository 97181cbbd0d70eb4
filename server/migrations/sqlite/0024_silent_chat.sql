-- The silent chat of a video assist (regard_shared::silent): the regulator's
-- ready phrases (by key, read in the caller's language) and typed text, the
-- caller's one-tap answers and typed text. Part of the case's record, like its
-- timeline: rows are only ever added.
CREATE TABLE assist_messages (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    assist_id  TEXT NOT NULL REFERENCES assists (id),
    at         BIGINT NOT NULL,
    author     TEXT NOT NULL,
    author_id  TEXT,
    kind       TEXT NOT NULL,
    content    TEXT NOT NULL
);
CREATE INDEX assist_messages_assist ON assist_messages (assist_id, seq);
CREATE TRIGGER assist_messages_no_update BEFORE UPDATE ON assist_messages
BEGIN SELECT RAISE(ABORT, 'the silent chat is append-only'); END;
CREATE TRIGGER assist_messages_no_delete BEFORE DELETE ON assist_messages
BEGIN SELECT RAISE(ABORT, 'the silent chat is append-only'); END;
