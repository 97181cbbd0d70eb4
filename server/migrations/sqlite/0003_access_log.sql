-- Who looked at which patient data, and when. Append-only like the timeline.
CREATE TABLE access_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           BIGINT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    subject      TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    action       TEXT NOT NULL
);
CREATE INDEX access_log_subject ON access_log (subject, subject_id, at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
