-- The spine: tenants, API keys, users, the credit ledger, idempotency records and durable jobs.
-- Times are epoch milliseconds (BIGINT) on both dialects so comparisons and ordering are exact.

CREATE TABLE orgs (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    credits         BIGINT NOT NULL DEFAULT 0 CHECK (credits >= 0),
    is_sandbox      BOOLEAN NOT NULL DEFAULT TRUE,
    settings        TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    prefix          TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL CHECK (state IN ('active', 'inactive', 'revoked')),
    created_at      BIGINT NOT NULL
);
CREATE INDEX api_keys_org ON api_keys(org_id);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE credit_ledger (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    kind            TEXT NOT NULL CHECK (kind IN ('credit', 'debit', 'refund', 'purchase', 'deduction')),
    amount          BIGINT NOT NULL,
    balance_after   BIGINT NOT NULL CHECK (balance_after >= 0),
    service         TEXT NOT NULL,
    reference_id    TEXT,
    input           TEXT,
    output          TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX credit_ledger_org_time ON credit_ledger(org_id, created_at);

CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status_code     BIGINT,
    response_body   TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    org_id          TEXT,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'dead')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    max_attempts    BIGINT NOT NULL,
    run_at          BIGINT NOT NULL,
    lease_until     BIGINT,
    locked_by       TEXT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    completed_at    BIGINT
);
CREATE INDEX jobs_ready ON jobs(status, run_at);
