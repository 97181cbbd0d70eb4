-- A teleconsultation started from a follow-up (typically from its alert) names
-- it; the follow-up lists its consultations through it. When the follow-up's
-- data is deleted the link goes, the consultation stays in the patient's record.
ALTER TABLE consultations ADD COLUMN followup_id TEXT REFERENCES followups (id);
CREATE INDEX consultations_followup ON consultations (followup_id) WHERE followup_id IS NOT NULL;
