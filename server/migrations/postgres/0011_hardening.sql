-- Hardening after an outside review.

-- Sign-in throttling: a counter per account and address, per address and per
-- account, counted before the password is checked (auth/throttle.rs).
DROP TABLE login_failures;
CREATE TABLE sign_in_attempts (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    attempts      BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_window ON sign_in_attempts (window_start);

-- Stored files know their owners: one row per record naming a file, written in
-- the record's transaction; a file goes when its last owner goes (blobs.rs).
-- An owner is '<table>:<id>' of the record.
CREATE TABLE blobs (
    name        TEXT PRIMARY KEY,
    created_at  BIGINT NOT NULL
);
CREATE TABLE blob_owners (
    owner  TEXT NOT NULL,
    blob   TEXT NOT NULL REFERENCES blobs (name),
    PRIMARY KEY (owner, blob)
);
CREATE INDEX blob_owners_blob ON blob_owners (blob);
INSERT INTO blobs (name, created_at)
    SELECT blob, 0 FROM assist_photos
    UNION SELECT blob, 0 FROM consultation_documents
    UNION SELECT blob, 0 FROM followup_photos
    UNION SELECT blob, 0 FROM expertise_files
    UNION SELECT preview_blob, 0 FROM expertise_files;
INSERT INTO blob_owners (owner, blob)
    SELECT 'assist_photos:' || id, blob FROM assist_photos
    UNION SELECT 'consultation_documents:' || id, blob FROM consultation_documents
    UNION SELECT 'followup_photos:' || id, blob FROM followup_photos
    UNION SELECT 'expertise_files:' || id, blob FROM expertise_files
    UNION SELECT 'expertise_files:' || id, preview_blob FROM expertise_files;

-- A reminder is claimed for a while, and marked reminded once sent: a claim
-- left by a crash expires and the reminder is sent by a later round.
ALTER TABLE followup_dues ADD COLUMN reminder_claimed_at BIGINT;

-- Which case a text message is about, so the outbox shows it only to those who
-- may act on that kind of case.
ALTER TABLE sms_messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'assist';
UPDATE sms_messages SET kind = CASE
    WHEN assist_id IS NOT NULL THEN 'assist'
    WHEN followup_id IS NOT NULL OR body NOT LIKE '%/c/%' THEN 'monitoring'
    ELSE 'consultation' END;
