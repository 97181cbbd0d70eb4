-- Single-use links e-mailed to a member: an invitation to choose their first
-- password (48 hours), or a password reset (30 minutes). Only a SHA-256 of
-- the token is kept. An invited member has no password until they choose
-- one: an empty password_hash, which no password matches.
CREATE TABLE account_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX account_links_user ON account_links (user_id, purpose, created_at);
