-- Tele-monitoring: protocols imported by organisations (built-in ones are in
-- the binary), follow-ups, their schedule, answers, photos and alerts, and the
-- receipts left once a follow-up's data is deleted.

CREATE TABLE monitoring_protocols (
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    id               TEXT NOT NULL,
    version          BIGINT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    -- NULL when imported with the command line.
    imported_by      TEXT REFERENCES users (id),
    imported_at      BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, id, version)
);

CREATE TABLE followups (
    id                 TEXT PRIMARY KEY,
    organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    clinician_id       TEXT NOT NULL REFERENCES users (id),
    last_name          TEXT NOT NULL,
    first_name         TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    phone              TEXT,
    email              TEXT,
    -- The protocol as it was at enrolment (JSON): a later version never
    -- changes a follow-up under way.
    protocol           TEXT NOT NULL,
    protocol_title     TEXT NOT NULL,
    time_zone          TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    identity_failures  BIGINT NOT NULL DEFAULT 0,
    consent_version    TEXT,
    consented_at       BIGINT,
    remind_sms         BIGINT NOT NULL DEFAULT 0,
    remind_email       BIGINT NOT NULL DEFAULT 0,
    ended_at           BIGINT,
    end_reason         TEXT,
    purge_at           BIGINT
);
CREATE INDEX followups_organisation ON followups (organisation_id, created_at);
CREATE INDEX followups_purge ON followups (purge_at);

CREATE TABLE followup_invitations (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    followup_id  TEXT NOT NULL REFERENCES followups (id),
    channel      TEXT NOT NULL,
    to_address   TEXT NOT NULL,
    at           BIGINT NOT NULL,
    error        TEXT
);
CREATE INDEX followup_invitations_followup ON followup_invitations (followup_id);

-- One row per questionnaire of the schedule. The scheduler works from these
-- rows alone, so reminders survive restarts and are claimed exactly once.
CREATE TABLE followup_dues (
    followup_id        TEXT NOT NULL REFERENCES followups (id),
    idx                BIGINT NOT NULL,
    day                BIGINT NOT NULL,
    opens_at           BIGINT NOT NULL,
    due_at             BIGINT NOT NULL,
    closes_at          BIGINT NOT NULL,
    reminded_at        BIGINT,
    missed_alerted_at  BIGINT,
    PRIMARY KEY (followup_id, idx)
);
CREATE INDEX followup_dues_due ON followup_dues (due_at);

-- The id is made by the patient's phone: sending the same form twice (a
-- retry after a lost answer, a queue flushed when the network returns) stores it once.
CREATE TABLE followup_submissions (
    id            TEXT PRIMARY KEY,
    followup_id   TEXT NOT NULL REFERENCES followups (id),
    idx           BIGINT NOT NULL,
    submitted_at  BIGINT NOT NULL,
    answers       TEXT NOT NULL,
    UNIQUE (followup_id, idx)
);

CREATE TABLE followup_photos (
    id            TEXT PRIMARY KEY,
    followup_id   TEXT NOT NULL REFERENCES followups (id),
    blob          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BIGINT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX followup_photos_followup ON followup_photos (followup_id);

CREATE TABLE followup_alerts (
    id               TEXT PRIMARY KEY,
    followup_id      TEXT NOT NULL REFERENCES followups (id),
    idx              BIGINT NOT NULL,
    level            TEXT NOT NULL,
    message          TEXT NOT NULL,
    raised_at        BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    acknowledged_by  TEXT REFERENCES users (id),
    note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX followup_alerts_followup ON followup_alerts (followup_id, raised_at);

-- What was deleted, and when; no answer, no contact detail.
CREATE TABLE followup_receipts (
    followup_id      TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    patient_name     TEXT NOT NULL,
    protocol_title   TEXT NOT NULL,
    start_date       TEXT NOT NULL,
    ended_at         BIGINT NOT NULL,
    end_reason       TEXT NOT NULL,
    deleted_at       BIGINT NOT NULL,
    questionnaires   BIGINT NOT NULL,
    photos           BIGINT NOT NULL,
    alerts           BIGINT NOT NULL,
    reminders        BIGINT NOT NULL
);
CREATE INDEX followup_receipts_organisation ON followup_receipts (organisation_id, deleted_at);

-- Reminders and invitations name the follow-up, so they go with its data.
ALTER TABLE sms_messages ADD COLUMN followup_id TEXT;
CREATE INDEX sms_messages_followup ON sms_messages (followup_id);
