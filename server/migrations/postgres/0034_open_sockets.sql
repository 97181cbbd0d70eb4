-- The sockets open on the nodes of a cluster, so that an account's cap on
-- sockets holds across nodes (server/src/open_sockets.rs).
CREATE TABLE open_sockets (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    -- signalling or console
    kind TEXT NOT NULL,
    -- The node holding it (hex of its id, new at each start).
    node TEXT NOT NULL,
    opened_at BIGINT NOT NULL
);
CREATE INDEX open_sockets_by_account ON open_sockets (account_id, kind);
CREATE INDEX open_sockets_by_age ON open_sockets (opened_at);

-- One row per account and kind, locked by each opening so that two openings
-- at once, on two nodes, are counted one after the other.
CREATE TABLE socket_accounts (
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
);
