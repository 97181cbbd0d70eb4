-- Signed e-prescriptions. `content` is the signed JSON (see
-- regard_shared::prescription::Prescription::canonical); verification
-- recomputes the signed bytes from it, so a changed row no longer verifies.
CREATE TABLE prescriptions (
    id                 TEXT PRIMARY KEY,
    consultation_id    TEXT NOT NULL REFERENCES consultations (id),
    organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    prescriber_id      TEXT NOT NULL REFERENCES users (id),
    issued_at          BIGINT NOT NULL,
    content            TEXT NOT NULL,
    key_id             TEXT NOT NULL,
    signature          TEXT NOT NULL,
    dispensed_at       BIGINT,
    dispensed_by_org   TEXT REFERENCES organisations (id),
    dispensed_by_user  TEXT REFERENCES users (id)
);
CREATE INDEX prescriptions_consultation ON prescriptions (consultation_id, issued_at);
