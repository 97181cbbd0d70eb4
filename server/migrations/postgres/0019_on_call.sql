-- Who answers an expert site's urgent requests now: per specialty, the
-- specialist on call and a fallback rung when the first has not taken the
-- request within the set time.
CREATE TABLE expert_on_call (
    organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    specialty          TEXT NOT NULL,
    on_call_id         TEXT NOT NULL REFERENCES users (id),
    fallback_id        TEXT REFERENCES users (id),
    escalate_after_ms  BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, specialty)
);

-- Whom an urgent request rang, fixed when it was sent: a later change of
-- rota does not move a ringing request. (When it was taken is its thread's.)
ALTER TABLE expertise_requests ADD COLUMN on_call_id TEXT REFERENCES users (id);
ALTER TABLE expertise_requests ADD COLUMN fallback_id TEXT REFERENCES users (id);
ALTER TABLE expertise_requests ADD COLUMN escalate_at BIGINT;
-- A console asks what rings for its user on every page: the untaken ones only.
CREATE INDEX expertise_requests_ringing_on_call ON expertise_requests (on_call_id) WHERE status = 'submitted' AND on_call_id IS NOT NULL;
CREATE INDEX expertise_requests_ringing_fallback ON expertise_requests (fallback_id) WHERE status = 'submitted' AND fallback_id IS NOT NULL;
