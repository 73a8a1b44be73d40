-- BGV cases and their checks, evidence files, the audit trail, webhooks, instance settings.

CREATE TABLE settings (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

ALTER TABLE orgs ADD COLUMN webhook_url TEXT;
ALTER TABLE orgs ADD COLUMN webhook_secret TEXT;
ALTER TABLE orgs ADD COLUMN always_audit BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    reference_id    TEXT NOT NULL UNIQUE,
    candidate_id    TEXT NOT NULL,
    candidate_name  TEXT NOT NULL,
    candidate_email TEXT,
    candidate_photo TEXT NOT NULL DEFAULT '',
    -- The declared details; secrets in it (an Aadhaar) are sealed, never in clear.
    candidate       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('in_progress', 'in_audit', 'completed')),
    result          TEXT NOT NULL,
    total_cost      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    completed_at    INTEGER
);
CREATE INDEX cases_org ON cases(org_id, created_at);

CREATE TABLE checks (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id),
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    position        INTEGER NOT NULL,
    check_type      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    result          TEXT NOT NULL,
    price           INTEGER NOT NULL,
    fields          TEXT,
    remark          TEXT,
    entries         TEXT,
    source          TEXT,
    created_at      INTEGER NOT NULL,
    completed_at    INTEGER
);
CREATE INDEX checks_case ON checks(case_id, position);

CREATE TABLE evidence (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    case_id         TEXT NOT NULL REFERENCES cases(id),
    check_id        TEXT NOT NULL REFERENCES checks(id),
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    bytes           BLOB NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX evidence_check ON evidence(check_id, position);

CREATE TABLE case_audits (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id),
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    decision        TEXT NOT NULL,
    note            TEXT NOT NULL,
    overrides       TEXT NOT NULL,
    actor           TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX case_audits_case ON case_audits(case_id, created_at);

CREATE TABLE webhook_events (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX webhook_events_org ON webhook_events(org_id, created_at);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES webhook_events(id),
    org_id          TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    url             TEXT NOT NULL,
    status_code     INTEGER,
    error           TEXT,
    duration_ms     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id, created_at);
