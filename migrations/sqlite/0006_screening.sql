-- Sanctions/PEP screening: list versions, their parsed entities, and watched subjects.

-- One imported file of one list. `version` counts per list name (1, 2, …); every process builds
-- its index from the latest version of each name, so all API processes serve the same lists.
CREATE TABLE screening_list_versions (
    id              TEXT PRIMARY KEY,
    list_kind       TEXT NOT NULL CHECK (list_kind IN ('ofac', 'un', 'senzing', 'csl')),
    name            TEXT NOT NULL,
    version         BIGINT NOT NULL,
    file_sha256     TEXT NOT NULL,
    entity_count    BIGINT NOT NULL,
    alias_count     BIGINT NOT NULL,
    skipped_count   BIGINT NOT NULL,
    -- The first skipped rows with where and why (JSON array, at most 100).
    skipped_sample  TEXT NOT NULL,
    imported_at     BIGINT NOT NULL,
    UNIQUE (name, version)
);

-- The parsed entities of a version: one gzip-compressed JSON array (the screening model's
-- `Entity`), kept apart so listing versions never reads it.
CREATE TABLE screening_list_data (
    version_id      TEXT PRIMARY KEY REFERENCES screening_list_versions(id),
    entities_gz     BLOB NOT NULL
);

-- A person screened by a check (aml_check), kept to be screened again when a list changes.
CREATE TABLE screening_subjects (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    check_id        TEXT NOT NULL UNIQUE,
    case_id         TEXT NOT NULL,
    name            TEXT NOT NULL,
    dob             TEXT,
    country         TEXT,
    -- The last matches (JSON array of hits), and the list versions they were found in.
    matches         TEXT NOT NULL,
    list_versions   TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_screened_at BIGINT NOT NULL,
    -- When a re-screening last found a new or changed match.
    last_change_at  BIGINT
);
CREATE INDEX screening_subjects_org ON screening_subjects(org_id, created_at);
