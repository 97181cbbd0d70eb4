-- A short PIN locks a shift-long session between uses (a nursing home's
-- shared tablet); five wrong PINs end the session.
ALTER TABLE users ADD COLUMN pin_hash TEXT;
ALTER TABLE sessions ADD COLUMN locked_at BIGINT;
ALTER TABLE sessions ADD COLUMN pin_failures BIGINT NOT NULL DEFAULT 0;
