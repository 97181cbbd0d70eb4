-- Teleconsultations: the appointment, its invitations, its chat.

CREATE TABLE consultations (
    id                 TEXT PRIMARY KEY,
    organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    clinician_id       TEXT NOT NULL REFERENCES users (id),
    last_name          TEXT NOT NULL,
    first_name         TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    phone              TEXT,
    email              TEXT,
    scheduled_at       BIGINT NOT NULL,
    reason             TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    identity_failures  BIGINT NOT NULL DEFAULT 0,
    consent_version    TEXT,
    consented_at       BIGINT,
    waiting_since      BIGINT,
    admitted_at        BIGINT,
    ended_at           BIGINT,
    report             TEXT NOT NULL DEFAULT '',
    report_updated_at  BIGINT,
    payment_mode       TEXT NOT NULL DEFAULT 'tiers_payant',
    act_code           TEXT NOT NULL DEFAULT 'TCG',
    fee_cents          BIGINT NOT NULL DEFAULT 3000
);
CREATE INDEX consultations_day ON consultations (organisation_id, scheduled_at);

-- Each invitation sent (or not), by text message or e-mail.
CREATE TABLE consultation_invitations (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id  TEXT NOT NULL REFERENCES consultations (id),
    channel          TEXT NOT NULL,
    to_address       TEXT NOT NULL,
    at               BIGINT NOT NULL,
    error            TEXT
);
CREATE INDEX consultation_invitations_consultation ON consultation_invitations (consultation_id);

CREATE TABLE consultation_messages (
    id               TEXT PRIMARY KEY,
    consultation_id  TEXT NOT NULL REFERENCES consultations (id),
    author           TEXT NOT NULL,
    author_id        TEXT,
    body             TEXT NOT NULL,
    at               BIGINT NOT NULL
);
CREATE INDEX consultation_messages_consultation ON consultation_messages (consultation_id, at);

-- Documents exchanged during a consultation (PDF, JPEG, PNG); bytes in blobs/.
CREATE TABLE consultation_documents (
    id               TEXT PRIMARY KEY,
    consultation_id  TEXT NOT NULL REFERENCES consultations (id),
    author           TEXT NOT NULL,
    author_id        TEXT,
    name             TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    bytes            BIGINT NOT NULL,
    blob             TEXT NOT NULL,
    at               BIGINT NOT NULL
);
CREATE INDEX consultation_documents_consultation ON consultation_documents (consultation_id, at);
