-- The prescription signing keys of a cluster (`REGARD_KEY_ENCRYPTION_KEY`
-- set), which every node reads: the current key's private half sealed with
-- the key encryption key, retired keys' public halves only.
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    -- Base64 of the 32-byte Ed25519 public key.
    public_key TEXT NOT NULL,
    -- Base64 of nonce, AES-256-GCM ciphertext and tag; NULL once retired.
    sealed_seed TEXT,
    -- 1 for the key that signs, NULL for retired ones: at most one current key.
    current BIGINT UNIQUE,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
