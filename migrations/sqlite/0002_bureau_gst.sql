-- Bureau pulls (with the consent recorded) and asynchronous GST verifications.

CREATE TABLE bureau_pulls (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    api_key_id      TEXT NOT NULL,
    mobile_last4    TEXT NOT NULL,
    full_name       TEXT NOT NULL,
    consent_purpose TEXT NOT NULL,
    consent_at      INTEGER NOT NULL,
    document_type   TEXT,
    outcome         TEXT NOT NULL,
    credits_used    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX bureau_pulls_org ON bureau_pulls(org_id, created_at);

CREATE TABLE gst_requests (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    gstin           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'not_found', 'failed')),
    result          TEXT,
    error           TEXT,
    credits_used    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    completed_at    INTEGER
);
CREATE INDEX gst_requests_org ON gst_requests(org_id, created_at);
