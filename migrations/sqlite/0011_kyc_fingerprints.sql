-- What each AnyCheck fraud stage saw (card and face perceptual hashes, the face embedding),
-- under a keyed digest of the identity claimed, so that every process finds a card or a face
-- reused under another identity in the same tenant, across restarts. Loaded in `seq` order.
CREATE TABLE kyc_fingerprints (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    verification_id TEXT NOT NULL,
    run             BIGINT NOT NULL,
    identity        TEXT NOT NULL,
    label           TEXT NOT NULL,
    card_hash       BIGINT,
    face_hash       BIGINT,
    embedding       BLOB,
    created_at      BIGINT NOT NULL,
    UNIQUE (verification_id, run)
);
CREATE INDEX kyc_fingerprints_org_seq ON kyc_fingerprints(org_id, seq);
