-- A CT or MR series sent with a tele-expertise request (server/src/expertise/series.rs):
-- one file of kind 'series', its slices in order, each a blob of 16-bit values
-- the viewer windows. The blobs are owned by the file, like its original.
ALTER TABLE expertise_files ADD COLUMN slices INTEGER NOT NULL DEFAULT 0;
CREATE TABLE expertise_series_slices (
    file_id  TEXT NOT NULL REFERENCES expertise_files (id),
    number   INTEGER NOT NULL,
    blob     TEXT NOT NULL,
    PRIMARY KEY (file_id, number)
);
