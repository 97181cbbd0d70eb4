-- Video assist: cases, patient links, the SMS outbox, the timeline and photos.

CREATE TABLE assists (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    created_by       TEXT NOT NULL REFERENCES users (id),
    phone            TEXT NOT NULL,
    case_reference   TEXT,
    note             TEXT,
    outcome          TEXT,
    decision_note    TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX assists_organisation ON assists (organisation_id, created_at);

-- Links sent to patients, for every purpose (assist now; consultation and
-- monitoring later). Tokens and device credentials are stored as SHA-256 only.
CREATE TABLE patient_links (
    token_hash         TEXT PRIMARY KEY,
    purpose            TEXT NOT NULL,
    subject_id         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    revoked_at         BIGINT,
    opened_at          BIGINT,
    accepted_at        BIGINT,
    device_hash        TEXT UNIQUE,
    device_expires_at  BIGINT
);
CREATE INDEX patient_links_subject ON patient_links (purpose, subject_id);

-- Every text message, whichever provider carried it: the outbox and the log.
CREATE TABLE sms_messages (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    assist_id        TEXT REFERENCES assists (id),
    to_number        TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    status           TEXT NOT NULL,
    error            TEXT
);
CREATE INDEX sms_messages_organisation ON sms_messages (organisation_id, created_at);

-- The case timeline is the audit trail: rows are only ever added. One trigger
-- function refuses any change to such a table, with the table's own message.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TABLE assist_events (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assist_id  TEXT NOT NULL REFERENCES assists (id),
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    actor      TEXT
);
CREATE INDEX assist_events_assist ON assist_events (assist_id, at);
CREATE TRIGGER assist_events_append_only BEFORE UPDATE OR DELETE ON assist_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the timeline is append-only');
CREATE TRIGGER assist_events_no_truncate BEFORE TRUNCATE ON assist_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the timeline is append-only');

-- Stills taken during the video and photos sent by the caller. The image itself
-- is a content-addressed file in the data directory.
CREATE TABLE assist_photos (
    id            TEXT PRIMARY KEY,
    assist_id     TEXT NOT NULL REFERENCES assists (id),
    blob          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BIGINT NOT NULL,
    source        TEXT NOT NULL,
    taken_at      BIGINT NOT NULL
);
CREATE INDEX assist_photos_assist ON assist_photos (assist_id, taken_at);
