-- Evidence files and rendered PDF reports move out of the rows into the file store (`files/`:
-- a local directory or S3). A row keeps the file's storage key, size and SHA-256; rows written
-- before this migration keep their bytes (the column stays, nullable) and are still served from
-- them. SQLite cannot drop a NOT NULL in place, so both tables are rebuilt.
CREATE TABLE evidence_new (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    case_id         TEXT NOT NULL REFERENCES cases(id),
    check_id        TEXT NOT NULL REFERENCES checks(id),
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    -- Only rows written before the file store held evidence.
    bytes           BLOB,
    storage_key     TEXT,
    size_bytes      INTEGER,
    sha256          TEXT,
    created_at      INTEGER NOT NULL,
    CHECK (bytes IS NOT NULL OR storage_key IS NOT NULL)
);
INSERT INTO evidence_new (id, org_id, case_id, check_id, position, name, content_type, bytes,
                          size_bytes, created_at)
    SELECT id, org_id, case_id, check_id, position, name, content_type, bytes, length(bytes),
           created_at
    FROM evidence;
DROP TABLE evidence;
ALTER TABLE evidence_new RENAME TO evidence;
CREATE INDEX evidence_check ON evidence(check_id, position);
CREATE INDEX evidence_case ON evidence(case_id, check_id, position);

CREATE TABLE case_reports_new (
    case_id         TEXT NOT NULL REFERENCES cases(id),
    kind            TEXT NOT NULL CHECK (kind IN ('json', 'pdf')),
    version         INTEGER NOT NULL,
    -- The report JSON; a PDF kept before the file store held reports.
    body            BLOB,
    -- A PDF in the file store.
    storage_key     TEXT,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (case_id, kind),
    CHECK (body IS NOT NULL OR storage_key IS NOT NULL)
);
INSERT INTO case_reports_new (case_id, kind, version, body, created_at)
    SELECT case_id, kind, version, body, created_at FROM case_reports;
DROP TABLE case_reports;
ALTER TABLE case_reports_new RENAME TO case_reports;

-- Disabling a user revokes their refresh tokens by user: without this index that scanned every
-- token ever issued (found by the query-plan test, `store::hot`).
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
