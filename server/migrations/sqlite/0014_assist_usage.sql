-- The usage page's monthly figures, kept up to date as cases change instead of
-- counting every case of the year on each visit: one counter per
-- organisation, month (of the case's creation, UTC) and measure (`assists`,
-- `reached_video`, `outcome:<decision>`).
ALTER TABLE assists ADD COLUMN reached_video_at BIGINT;
UPDATE assists SET reached_video_at =
    (SELECT MIN(e.at) FROM assist_events e WHERE e.assist_id = assists.id AND e.kind = 'call_started');
CREATE TABLE assist_usage (
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    month            TEXT NOT NULL,
    measure          TEXT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, month, measure)
);
INSERT INTO assist_usage (organisation_id, month, measure, n)
SELECT organisation_id, month, measure, COUNT(*) FROM (
    SELECT organisation_id, strftime('%Y-%m', created_at / 1000, 'unixepoch') AS month, 'assists' AS measure FROM assists
    UNION ALL
    SELECT organisation_id, strftime('%Y-%m', created_at / 1000, 'unixepoch'), 'reached_video' FROM assists WHERE reached_video_at IS NOT NULL
    UNION ALL
    SELECT organisation_id, strftime('%Y-%m', created_at / 1000, 'unixepoch'), 'outcome:' || outcome FROM assists WHERE outcome IS NOT NULL
) AS counted GROUP BY organisation_id, month, measure;
