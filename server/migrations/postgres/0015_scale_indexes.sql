-- The follow-ups under way: a few thousand in a region, a few dozen per
-- practice, among every follow-up of the years. The scheduler's rounds start
-- from them rather than from every questionnaire ever due, and the monitoring
-- list works out the attention of these alone.
CREATE INDEX followups_under_way ON followups (organisation_id, created_at) WHERE ended_at IS NULL;
-- A case's text messages, read with the case (they were found by scanning
-- every message of every case).
CREATE INDEX sms_messages_assist ON sms_messages (assist_id) WHERE assist_id IS NOT NULL;
-- Alerts nobody has acknowledged: a few hundred in a region, among every alert
-- of every year.
CREATE INDEX followup_alerts_open ON followup_alerts (followup_id) WHERE acknowledged_at IS NULL;
-- Questionnaires filled lately, for the console's news banner.
CREATE INDEX followup_submissions_at ON followup_submissions (submitted_at);
