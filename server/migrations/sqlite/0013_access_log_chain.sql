-- Each access-log row carries the SHA-256 of the previous row's hash and its
-- own fields, so an altered or deleted row breaks the chain from there on
-- (`regard verify-access-log`). Rows written before this migration have none.
ALTER TABLE access_log ADD COLUMN hash TEXT;
-- The chain's head: the last row's hash. Writers lock it first, so rows are
-- chained one at a time in the order of their seq.
CREATE TABLE access_log_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    hash  TEXT NOT NULL
);
INSERT INTO access_log_head (id, hash) VALUES (1, '');
CREATE INDEX access_log_user ON access_log (user_id, subject, subject_id, at);
