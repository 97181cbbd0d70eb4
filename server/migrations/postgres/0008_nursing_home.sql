-- Nursing homes: the SAMU centre each one calls, its residents, and its calls.
-- A call is an assist case of the SAMU centre, started from the home's tablet.

ALTER TABLE organisations ADD COLUMN samu_centre_id TEXT REFERENCES organisations (id);

CREATE TABLE residents (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    last_name        TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    room             TEXT NOT NULL,
    gp_name          TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX residents_organisation ON residents (organisation_id, last_name);

ALTER TABLE assists ADD COLUMN resident_id TEXT REFERENCES residents (id);
ALTER TABLE assists ADD COLUMN reason TEXT;
ALTER TABLE assists ADD COLUMN taken_by TEXT REFERENCES users (id);
ALTER TABLE assists ADD COLUMN taken_at BIGINT;
CREATE INDEX assists_resident ON assists (resident_id, created_at);
