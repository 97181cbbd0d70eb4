-- The PACS a requesting site's series are fetched from, through DICOMweb
-- (server/src/expertise/pacs): set by the server's operator (`regard
-- connect-pacs`), never from the browser, since the server calls that address.
CREATE TABLE pacs_connections (
    organisation_id  TEXT PRIMARY KEY REFERENCES organisations (id),
    base_url         TEXT NOT NULL,
    username         TEXT,
    password         TEXT
);
