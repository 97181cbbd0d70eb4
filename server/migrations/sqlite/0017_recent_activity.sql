-- The console's news banner reads a practice's questionnaires filled in the
-- last day from its follow-ups under way or ended since, each by follow-up and
-- instant, rather than every questionnaire the region filled that day (14 000
-- at ten times a region's year). The monitoring list's "last filled" reads the
-- same index.
CREATE INDEX followup_submissions_recent ON followup_submissions (followup_id, submitted_at);
CREATE INDEX followups_ended ON followups (organisation_id, ended_at) WHERE ended_at IS NOT NULL;
DROP INDEX followup_submissions_at;
