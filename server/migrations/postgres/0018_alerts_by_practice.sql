-- The console reads a practice's open alerts (its list, its count, the news
-- banner's figures) on every page. Reached through the follow-ups, that read
-- every unacknowledged alert of the region (about 500 at ten times a region's
-- year) to keep the practice's few dozen; with the practice on the alert row,
-- a partial index gives exactly those. Filled in from the follow-up the alert
-- belongs to, which never changes practice. Nullable as on SQLite (which
-- cannot add a NOT NULL column with a reference); every insert sets it.
ALTER TABLE followup_alerts ADD COLUMN organisation_id TEXT REFERENCES organisations (id);
UPDATE followup_alerts a SET organisation_id = f.organisation_id FROM followups f WHERE f.id = a.followup_id;
CREATE INDEX followup_alerts_open_practice ON followup_alerts (organisation_id, raised_at) WHERE acknowledged_at IS NULL;
