-- The AnyCheck surface: users with roles and groups, refresh tokens, folders, uploaded files,
-- verifications grouped by result id (with their stages, input files and review trail), and
-- webhook events addressed to one verification's own URL.

ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'group_user'));
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX users_org ON users(org_id);

CREATE TABLE user_groups (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    is_default      BOOLEAN NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    UNIQUE (org_id, name)
);
CREATE UNIQUE INDEX user_groups_default ON user_groups(org_id) WHERE is_default;

CREATE TABLE group_members (
    group_id        TEXT NOT NULL REFERENCES user_groups(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);

-- One row per refresh token issued (by its jti); a family is one login's chain of rotations.
CREATE TABLE refresh_tokens (
    id              TEXT PRIMARY KEY,
    family_id       TEXT NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users(id),
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    revoked_at      INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

CREATE TABLE folders (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    group_id        TEXT NOT NULL REFERENCES user_groups(id),
    name            TEXT NOT NULL,
    is_starred      BOOLEAN NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    UNIQUE (group_id, name)
);
CREATE INDEX folders_group ON folders(group_id, created_at);

-- An uploaded file: the bytes live in the object store under storage_key.
CREATE TABLE uploads (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    object_id       TEXT NOT NULL,
    file_category   TEXT NOT NULL CHECK (file_category IN ('VERIFICATION_INPUT_FILE', 'PROFILE_PICTURE')),
    path            TEXT NOT NULL UNIQUE,
    storage_key     TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    page_count      INTEGER NOT NULL,
    original_name   TEXT NOT NULL,
    password_sealed TEXT,
    uploaded_by     TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX uploads_org ON uploads(org_id, created_at);

-- A result group: verifications submitted together, in one folder. `version` grows with every
-- change to the group and names its export.
CREATE TABLE result_groups (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    folder_id       TEXT NOT NULL REFERENCES folders(id),
    version         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX result_groups_folder ON result_groups(folder_id);

CREATE TABLE verifications (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    service_code    TEXT NOT NULL,
    folder_id       TEXT NOT NULL REFERENCES folders(id),
    result_id       TEXT NOT NULL REFERENCES result_groups(id),
    user_id         TEXT,
    api_key_id      TEXT,
    status          TEXT NOT NULL,
    input_config    TEXT NOT NULL,
    output          TEXT,
    output_status   TEXT,
    webhook_url     TEXT,
    webhook_metadata TEXT NOT NULL DEFAULT '{}',
    webhook_secret  TEXT,
    credit_used     INTEGER NOT NULL,
    total_files     INTEGER NOT NULL,
    total_pages     INTEGER NOT NULL,
    run             INTEGER NOT NULL DEFAULT 1,
    start_date      INTEGER,
    end_date        INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX verifications_result ON verifications(result_id, created_at);
CREATE INDEX verifications_folder ON verifications(folder_id, service_code);

CREATE TABLE verification_files (
    verification_id TEXT NOT NULL REFERENCES verifications(id),
    slot            TEXT NOT NULL,
    position        INTEGER NOT NULL,
    upload_id       TEXT NOT NULL REFERENCES uploads(id),
    PRIMARY KEY (verification_id, slot, position)
);

-- One stage of one run of a verification's pipeline, and the job that runs it.
CREATE TABLE verification_stages (
    id              TEXT PRIMARY KEY,
    verification_id TEXT NOT NULL REFERENCES verifications(id),
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    run             INTEGER NOT NULL,
    stage           TEXT NOT NULL,
    status          TEXT NOT NULL,
    job_id          TEXT,
    output          TEXT,
    error           TEXT,
    started_at      INTEGER,
    ended_at        INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (verification_id, run, stage)
);

-- Every change a person or client made to a verification: reviews, cancellations, retries.
CREATE TABLE verification_reviews (
    id              TEXT PRIMARY KEY,
    verification_id TEXT NOT NULL REFERENCES verifications(id),
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    before_state    TEXT NOT NULL,
    after_state     TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX verification_reviews_verification ON verification_reviews(verification_id, created_at);

-- An event about one verification is delivered to that verification's webhook URL.
ALTER TABLE webhook_events ADD COLUMN verification_id TEXT;
