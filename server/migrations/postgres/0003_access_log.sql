-- Who looked at which patient data, and when. Append-only like the timeline.
CREATE TABLE access_log (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    subject      TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    action       TEXT NOT NULL
);
CREATE INDEX access_log_subject ON access_log (subject, subject_id, at);
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the access log is append-only');
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the access log is append-only');
