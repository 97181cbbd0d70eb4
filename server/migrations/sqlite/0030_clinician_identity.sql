-- A clinician's national identity and second factor.
--
-- The RPPS or ADELI number an administrator records, as its IDNPS (8 + RPPS,
-- 0 + ADELI): what Pro Santé Connect names a clinician by, so one number
-- opens one account.
ALTER TABLE users ADD COLUMN national_id TEXT;
CREATE UNIQUE INDEX users_national_id ON users (national_id);

-- TOTP (RFC 6238): the secret once confirmed by a first code, the one being
-- enrolled until then, and the last time step accepted, so a code opens one
-- sign-in only.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Single-use codes for a lost phone: only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- An organisation may require a second factor of every member signing in
-- with a password, and an ID token of Pro Santé Connect at eIDAS substantial
-- level (acr eidas1) — required unless it says otherwise. 1: yes, 0: no.
ALTER TABLE organisations ADD COLUMN second_factor_required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN psc_eidas1_required BIGINT NOT NULL DEFAULT 1;

-- A sign-in halfway: the password was right, the second factor is awaited
-- (or, where the organisation requires one, its enrolment). Keyed by the
-- SHA-256 of a short-lived cookie's token; a few wrong codes end it.
CREATE TABLE sign_in_challenges (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    device      TEXT NOT NULL,
    address     TEXT NOT NULL
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);

-- A Pro Santé Connect sign-in under way: the state sent to the provider (its
-- SHA-256), with the nonce and PKCE verifier it must come back to, and the
-- SHA-256 of a cookie binding it to the browser that started it. Used once.
CREATE TABLE psc_logins (
    state_hash     TEXT PRIMARY KEY,
    browser_hash   TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    expires_at     BIGINT NOT NULL
);
