-- A case's version rises with every change of its state (a check decided and rolled up, an
-- audit), so a report kept for one version is known to be current or stale.
ALTER TABLE cases ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- Reports kept per case and version: the report JSON of a completed case (evidence as paths,
-- signed afresh at every read) and its rendered PDF, so neither is rebuilt on every read.
CREATE TABLE case_reports (
    case_id         TEXT NOT NULL REFERENCES cases(id),
    kind            TEXT NOT NULL CHECK (kind IN ('json', 'pdf')),
    version         BIGINT NOT NULL,
    body            BYTEA NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind)
);

-- A page of an organisation's ledger is its newest rows: read them from the end of this index
-- instead of sorting every row the organisation ever had.
CREATE INDEX credit_ledger_org_seq ON credit_ledger(org_id, seq);
