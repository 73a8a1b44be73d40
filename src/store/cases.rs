//! BGV cases, their checks, evidence and audits: typed reads and writes. What to write, and
//! when, is decided by the application (`app::cases`) inside the transaction it holds.

use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms, with_conn};
use crate::domain::cases::{AuditDecision, CaseStatus, CheckResult, CheckStatus};

pub struct NewCheck {
    pub id: String,
    pub check_type: String,
    pub price: i64,
}

pub struct NewCase {
    pub id: String,
    pub reference_id: String,
    pub candidate_id: String,
    pub candidate_name: String,
    pub candidate_email: Option<String>,
    pub candidate_photo: String,
    /// The declared details as JSON, secrets sealed.
    pub candidate: String,
    pub total_cost: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct CaseRow {
    pub id: String,
    pub org_id: String,
    pub reference_id: String,
    pub candidate_id: String,
    pub candidate_name: String,
    pub candidate_email: Option<String>,
    pub candidate_photo: String,
    pub candidate: String,
    pub status: CaseStatus,
    pub result: CheckResult,
    pub total_cost: i64,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    /// Raised by every change of the case's state: a kept report is current only for its version.
    pub version: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct CheckRow {
    pub id: String,
    pub case_id: String,
    pub org_id: String,
    pub position: i64,
    pub check_type: String,
    pub status: CheckStatus,
    pub result: CheckResult,
    pub price: i64,
    pub fields: Option<String>,
    pub remark: Option<String>,
    pub entries: Option<String>,
    pub source: Option<String>,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct EvidenceMeta {
    pub id: String,
    pub check_id: String,
    pub position: i64,
    pub name: String,
    pub content_type: String,
}

/// An evidence file: where its bytes are. Files live in the file store under `storage_key`;
/// rows written before that kept the bytes themselves (`bytes`).
#[derive(Debug, Clone, FromRow)]
pub struct EvidenceFile {
    pub check_id: String,
    pub position: i64,
    pub name: String,
    pub content_type: String,
    pub storage_key: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    /// Only in rows written before the file store held evidence.
    pub bytes: Option<Vec<u8>>,
}

/// Where one evidence file's bytes are, for serving it by id.
#[derive(Debug, Clone, FromRow)]
pub struct EvidenceLocation {
    pub org_id: String,
    pub content_type: String,
    pub storage_key: Option<String>,
    pub bytes: Option<Vec<u8>>,
}

/// An evidence file already written to the file store, as its row records it.
pub struct StoredEvidence<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub storage_key: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: String,
    pub decision: AuditDecision,
    pub note: String,
    pub overrides: String,
    pub actor: String,
    pub created_at: i64,
}

/// A case with everything its report shows.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: CaseRow,
    pub checks: Vec<CheckRow>,
    pub evidence: Vec<EvidenceMeta>,
    pub audits: Vec<AuditRow>,
}

/// A decided check, as written.
pub struct CheckCompletion<'a> {
    pub result: CheckResult,
    pub remark: &'a str,
    pub fields: Option<String>,
    pub entries: Option<String>,
    pub source: &'a str,
}

/// The check a completion was written to.
#[derive(Debug, Clone, FromRow)]
pub struct CompletedCheck {
    pub case_id: String,
    pub org_id: String,
    pub check_type: String,
}

/// One row of the audit trail.
pub struct NewAudit<'a> {
    pub case_id: &'a str,
    pub org_id: &'a str,
    pub decision: AuditDecision,
    pub note: &'a str,
    /// The overrides applied, as JSON.
    pub overrides: &'a str,
    pub actor: &'a str,
}

impl Tx {
    pub async fn insert_case(&mut self, org_id: &str, case: &NewCase) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO cases (id, org_id, reference_id, candidate_id, candidate_name,
                     candidate_email, candidate_photo, candidate, status, result, total_cost,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&case.id)
            .bind(org_id)
            .bind(&case.reference_id)
            .bind(&case.candidate_id)
            .bind(&case.candidate_name)
            .bind(case.candidate_email.as_deref())
            .bind(&case.candidate_photo)
            .bind(&case.candidate)
            .bind(CaseStatus::InProgress)
            .bind(CheckResult::Pending)
            .bind(case.total_cost)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }

    pub async fn insert_check(
        &mut self,
        org_id: &str,
        case_id: &str,
        position: usize,
        check: &NewCheck,
    ) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO checks (id, case_id, org_id, position, check_type, status,
                                     result, price, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&check.id)
            .bind(case_id)
            .bind(org_id)
            .bind(position as i64)
            .bind(&check.check_type)
            .bind(CheckStatus::InProgress)
            .bind(CheckResult::Pending)
            .bind(check.price)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }

    /// Writes a decision to a check that is still running; `None` when it was already decided
    /// (so a re-run after a crash writes nothing twice).
    pub async fn complete_check(
        &mut self,
        check_id: &str,
        done: &CheckCompletion<'_>,
    ) -> StoreResult<Option<CompletedCheck>> {
        let now = now_ms();
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, CompletedCheck>(COMPLETE_CHECK)
                .bind(check_id)
                .bind(CheckStatus::Completed)
                .bind(done.result)
                .bind(done.remark)
                .bind(done.fields.as_deref())
                .bind(done.entries.as_deref())
                .bind(done.source)
                .bind(now)
                .bind(CheckStatus::InProgress)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// Takes the case's row lock. Two checks of one case completing at once must roll up one
    /// after the other, or (under PostgreSQL's READ COMMITTED) each would miss the other's
    /// result. A no-op UPDATE takes the lock on PostgreSQL and is harmless on SQLite, whose
    /// IMMEDIATE transactions are serial anyway.
    pub async fn lock_case(&mut self, case_id: &str) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(LOCK_CASE)
                .bind(case_id)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_evidence(
        &mut self,
        completed: &CompletedCheck,
        check_id: &str,
        position: usize,
        file: &StoredEvidence<'_>,
    ) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO evidence (id, org_id, case_id, check_id, position, name,
                                       content_type, storage_key, size_bytes, sha256, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(&completed.org_id)
            .bind(&completed.case_id)
            .bind(check_id)
            .bind(position as i64)
            .bind(file.name)
            .bind(file.content_type)
            .bind(file.storage_key)
            .bind(file.size_bytes)
            .bind(file.sha256)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }

    /// The results of the case's checks and whether its organisation audits every case.
    pub async fn case_results(&mut self, case_id: &str) -> StoreResult<(Vec<CheckResult>, bool)> {
        let rows: Vec<(CheckResult, bool)> = on_tx!(self, |conn| {
            sqlx::query_as(CASE_RESULTS)
                .bind(case_id)
                .fetch_all(&mut *conn)
                .await?
        });
        let always_audit = rows.first().map(|r| r.1).unwrap_or(false);
        Ok((rows.into_iter().map(|r| r.0).collect(), always_audit))
    }

    pub async fn set_case_state(
        &mut self,
        case_id: &str,
        status: CaseStatus,
        result: CheckResult,
        completed_at: Option<i64>,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(SET_CASE_STATE)
                .bind(case_id)
                .bind(status)
                .bind(result)
                .bind(completed_at)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// The case's status, only if it belongs to `org_id`.
    pub async fn case_status(
        &mut self,
        org_id: &str,
        case_id: &str,
    ) -> StoreResult<Option<CaseStatus>> {
        let row: Option<(CaseStatus,)> = on_tx!(self, |conn| {
            sqlx::query_as(CASE_STATUS)
                .bind(case_id)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?
        });
        Ok(row.map(|r| r.0))
    }

    /// Sets a check's result (and remark, when given); `false` if the case has no such check.
    pub async fn override_check(
        &mut self,
        case_id: &str,
        check_type: &str,
        result: CheckResult,
        remark: Option<&str>,
    ) -> StoreResult<bool> {
        on_tx!(self, |conn| {
            let done = sqlx::query(OVERRIDE_CHECK)
                .bind(case_id)
                .bind(check_type)
                .bind(result)
                .bind(remark)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    pub async fn insert_audit(&mut self, audit: &NewAudit<'_>) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO case_audits (id, case_id, org_id, decision, note, overrides, actor,
                                          created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(audit.case_id)
            .bind(audit.org_id)
            .bind(audit.decision)
            .bind(audit.note)
            .bind(audit.overrides)
            .bind(audit.actor)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }
}

impl super::Store {
    /// The case and everything its report shows, only if it belongs to `org_id`.
    pub async fn case_view(&self, org_id: &str, case_id: &str) -> StoreResult<Option<CaseView>> {
        with_conn!(self, |pool| {
            let case = sqlx::query_as::<_, CaseRow>(CASE_OF_ORG)
                .bind(case_id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?;
            let Some(case) = case else {
                return Ok(None);
            };
            let checks = sqlx::query_as::<_, CheckRow>(CHECKS_OF_CASE)
                .bind(case_id)
                .fetch_all(pool)
                .await?;
            let evidence = sqlx::query_as::<_, EvidenceMeta>(EVIDENCE_OF_CASE)
                .bind(case_id)
                .fetch_all(pool)
                .await?;
            let audits = sqlx::query_as::<_, AuditRow>(AUDITS_OF_CASE)
                .bind(case_id)
                .fetch_all(pool)
                .await?;
            Ok(Some(CaseView {
                case,
                checks,
                evidence,
                audits,
            }))
        })
    }

    /// The check and its case, for the job that runs it.
    pub async fn check_for_job(&self, check_id: &str) -> StoreResult<Option<(CheckRow, CaseRow)>> {
        with_conn!(self, |pool| {
            let check = sqlx::query_as::<_, CheckRow>(CHECK_BY_ID)
                .bind(check_id)
                .fetch_optional(pool)
                .await?;
            let Some(check) = check else {
                return Ok(None);
            };
            let case = sqlx::query_as::<_, CaseRow>(CASE_BY_ID)
                .bind(&check.case_id)
                .fetch_one(pool)
                .await?;
            Ok(Some((check, case)))
        })
    }

    /// The organisation a case belongs to (for signed links, which carry no API key).
    pub async fn case_org(&self, case_id: &str) -> StoreResult<Option<String>> {
        with_conn!(self, |pool| {
            let row: Option<(String,)> = sqlx::query_as(CASE_ORG)
                .bind(case_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| r.0))
        })
    }

    /// Where an evidence file's bytes are, by id (its signed link is the authorisation).
    pub async fn evidence_file(&self, evidence_id: &str) -> StoreResult<Option<EvidenceLocation>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as(EVIDENCE_FILE)
                .bind(evidence_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Evidence files of a case (for the PDF, and for copies of the case).
    pub async fn evidence_files(&self, case_id: &str) -> StoreResult<Vec<EvidenceFile>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, EvidenceFile>(EVIDENCE_FILES)
                .bind(case_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// Counts of checks by status, for benchmarks and progress.
    pub async fn open_checks(&self, org_id: &str) -> StoreResult<i64> {
        with_conn!(self, |pool| {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM checks WHERE org_id = $1 AND status = $2")
                    .bind(org_id)
                    .bind(CheckStatus::InProgress)
                    .fetch_one(pool)
                    .await?;
            Ok(n)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const COMPLETE_CHECK: &str =
    "UPDATE checks SET status = $2, result = $3, remark = $4, fields = $5,
    entries = $6, source = $7, completed_at = $8
    WHERE id = $1 AND status = $9
    RETURNING case_id, org_id, check_type";

pub(super) const LOCK_CASE: &str = "UPDATE cases SET status = status WHERE id = $1";

pub(super) const CASE_RESULTS: &str =
    "SELECT c.result, o.always_audit FROM checks c JOIN orgs o ON o.id = c.org_id
    WHERE c.case_id = $1";

pub(super) const SET_CASE_STATE: &str =
    "UPDATE cases SET status = $2, result = $3, completed_at = $4,
    version = version + 1
    WHERE id = $1";

pub(super) const CASE_STATUS: &str = "SELECT status FROM cases WHERE id = $1 AND org_id = $2";

pub(super) const OVERRIDE_CHECK: &str =
    "UPDATE checks SET result = $3, remark = COALESCE($4, remark)
    WHERE case_id = $1 AND check_type = $2";

pub(super) const CASE_OF_ORG: &str = "SELECT * FROM cases WHERE id = $1 AND org_id = $2";

pub(super) const CHECKS_OF_CASE: &str = "SELECT * FROM checks WHERE case_id = $1 ORDER BY position";

pub(super) const EVIDENCE_OF_CASE: &str =
    "SELECT id, check_id, position, name, content_type FROM evidence
    WHERE case_id = $1 ORDER BY check_id, position";

pub(super) const AUDITS_OF_CASE: &str =
    "SELECT id, decision, note, overrides, actor, created_at FROM case_audits
    WHERE case_id = $1 ORDER BY created_at";

pub(super) const CHECK_BY_ID: &str = "SELECT * FROM checks WHERE id = $1";

pub(super) const CASE_BY_ID: &str = "SELECT * FROM cases WHERE id = $1";

pub(super) const CASE_ORG: &str = "SELECT org_id FROM cases WHERE id = $1";

pub(super) const EVIDENCE_FILE: &str =
    "SELECT org_id, content_type, storage_key, bytes FROM evidence WHERE id = $1";

pub(super) const EVIDENCE_FILES: &str =
    "SELECT check_id, position, name, content_type, storage_key, size_bytes, sha256, bytes
    FROM evidence WHERE case_id = $1 ORDER BY check_id, position";
