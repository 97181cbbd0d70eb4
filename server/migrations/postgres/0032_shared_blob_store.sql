-- The bytes of stored files when they are kept in the database
-- (`--blob-store database`), so that every node of a cluster reads them.
-- Rows of `blobs` and `blob_owners` say which files exist and who owns them,
-- wherever their bytes are.
CREATE TABLE blob_contents (
    name TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL
);
