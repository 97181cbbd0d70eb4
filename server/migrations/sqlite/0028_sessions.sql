-- Sessions a member can list and end, that end after a while unused, and
-- members an administrator can disable (their sessions end with it). The
-- sessions opened before this migration end: everyone signs in again once.
DROP TABLE sessions;
CREATE TABLE sessions (
    -- SHA-256 of the cookie's token: a leaked database opens no session.
    token_hash    TEXT PRIMARY KEY,
    -- What the member's list of sessions names, to end one: not the key.
    id            TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL,
    -- The absolute lifetime's end.
    expires_at    BIGINT NOT NULL,
    -- Unused this long, the session ends; NULL: never (a nursing home's shift
    -- session, which its PIN locks between uses).
    idle_ms       BIGINT,
    -- The browser and address it was opened from, for the member to recognise.
    device        TEXT NOT NULL,
    address       TEXT NOT NULL,
    locked_at     BIGINT,
    pin_failures  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- A disabled member signs in no more; set by their organisation's administrator.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
