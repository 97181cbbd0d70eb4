-- Télé-AVC's timeline: the times recorded on a stroke request (onset or last
-- seen well, arrival, imaging, decision with its treatment and reasons,
-- needle). Rows are only added: a corrected time is a newer row, so who
-- entered what and when stays readable.
CREATE TABLE stroke_milestones (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES expertise_requests (id),
    milestone    TEXT NOT NULL,
    at           BIGINT NOT NULL,
    treatment    TEXT,
    reasons      TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX stroke_milestones_request ON stroke_milestones (request_id, recorded_at);
-- The usage page reads a year of stroke requests.
CREATE INDEX expertise_requests_by_specialty ON expertise_requests (specialty, submitted_at);

-- When live video between the two sites first connected (any specialty).
ALTER TABLE expertise_requests ADD COLUMN video_started_at BIGINT;

-- The NIHSS scored live: each change of an item, kept (the first scores are
-- the request's answers).
CREATE TABLE nihss_scores (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES expertise_requests (id),
    item         TEXT NOT NULL,
    score        INTEGER NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX nihss_scores_request ON nihss_scores (request_id, recorded_at);
