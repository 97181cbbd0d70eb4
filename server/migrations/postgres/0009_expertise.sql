-- Tele-expertise: the specialties an expert site answers, requests addressed to
-- it, their thread and their files (photos and DICOM with a rendered preview).

CREATE TABLE expert_specialties (
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    specialty        TEXT NOT NULL,
    PRIMARY KEY (organisation_id, specialty)
);

CREATE TABLE expertise_requests (
    id                   TEXT PRIMARY KEY,
    requesting_org_id    TEXT NOT NULL REFERENCES organisations (id),
    requester_id         TEXT NOT NULL REFERENCES users (id),
    expert_org_id        TEXT NOT NULL REFERENCES organisations (id),
    specialty            TEXT NOT NULL,
    urgency              TEXT NOT NULL,
    status               TEXT NOT NULL,
    patient_last_name    TEXT NOT NULL,
    patient_first_name   TEXT NOT NULL,
    patient_birth_date   TEXT NOT NULL,
    -- The form as sent (JSON), so old answers stay readable when a form changes.
    form                 TEXT NOT NULL,
    answers              TEXT NOT NULL,
    expert_id            TEXT REFERENCES users (id),
    consultation_id      TEXT REFERENCES consultations (id),
    submitted_at         BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    -- When the requesting side last opened it: newer questions and answers are unread.
    requester_read_at    BIGINT NOT NULL
);
CREATE INDEX expertise_requests_queue ON expertise_requests (expert_org_id, status, submitted_at);
CREATE INDEX expertise_requests_requester ON expertise_requests (requesting_org_id, updated_at);

CREATE TABLE expertise_messages (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES expertise_requests (id),
    step        TEXT NOT NULL,
    side        TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX expertise_messages_request ON expertise_messages (request_id, at);

-- A file is uploaded first (request_id NULL, owned by its uploader), then
-- attached to a request or a message when that is sent.
CREATE TABLE expertise_files (
    id              TEXT PRIMARY KEY,
    uploaded_by     TEXT NOT NULL REFERENCES users (id),
    request_id      TEXT REFERENCES expertise_requests (id),
    message_id      TEXT REFERENCES expertise_messages (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    blob            TEXT NOT NULL,
    bytes           BIGINT NOT NULL,
    -- What the browser shows: the photo itself, or the PNG rendered from DICOM.
    preview_blob    TEXT NOT NULL,
    width           BIGINT NOT NULL,
    height          BIGINT NOT NULL,
    description     TEXT,
    uploaded_at     BIGINT NOT NULL
);
CREATE INDEX expertise_files_request ON expertise_files (request_id, uploaded_at);
CREATE INDEX expertise_files_uploader ON expertise_files (uploaded_by, request_id);
