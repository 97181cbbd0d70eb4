-- The expert site's queue reads each of its ranks (untaken or under way,
-- urgent or routine) in waiting order from one index range, a page at a time.
DROP INDEX expertise_requests_queue;
CREATE INDEX expertise_requests_queue ON expertise_requests (expert_org_id, status, urgency, submitted_at, id);
CREATE INDEX expertise_requests_under_way ON expertise_requests (expert_org_id, urgency, submitted_at, id)
    WHERE status IN ('taken', 'needs_information', 'answered');
