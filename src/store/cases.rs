//! BGV cases and their checks. Creation writes the charge, the cases, the checks and their jobs
//! in one transaction; completing a check rolls the case up and writes its webhook events in
//! another.

use serde_json::json;
use sqlx::FromRow;

use super::credits::{Insufficient, Movement, apply_movement};
use super::jobs::{NewJob, insert_job};
use super::webhooks::insert_event;
use super::{StoreResult, in_tx, now_ms, with_conn};
use crate::domain::cases::{CaseStatus, CheckResult, roll_up};
use crate::providers::check::Evidence;

pub struct NewCheck {
    pub id: String,
    pub check_type: String,
    pub price: i64,
    pub job: NewJob,
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
    pub checks: Vec<NewCheck>,
}

impl NewCase {
    pub fn cost(&self) -> i64 {
        self.checks.iter().map(|c| c.price).sum()
    }
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
    pub status: String,
    pub result: String,
    pub total_cost: i64,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct CheckRow {
    pub id: String,
    pub case_id: String,
    pub org_id: String,
    pub position: i64,
    pub check_type: String,
    pub status: String,
    pub result: String,
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

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: String,
    pub decision: String,
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

/// A decided check, as the check job writes it.
pub struct CheckOutcome<'a> {
    pub check_id: &'a str,
    pub result: CheckResult,
    pub remark: &'a str,
    pub fields: Option<String>,
    pub entries: Option<String>,
    pub source: &'a str,
    pub evidence: &'a [Evidence],
}

/// A reviewer's audit of a case.
pub struct Audit<'a> {
    /// `approve` or `reject`.
    pub decision: &'a str,
    pub note: &'a str,
    pub overrides: &'a [Override],
    /// Who audited (`api_key:<id>`, a console user …).
    pub actor: &'a str,
}

/// A reviewer's correction of one check, applied by the audit.
pub struct Override {
    pub check_type: String,
    pub result: CheckResult,
    pub remark: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum AuditOutcome {
    Done { result: CheckResult },
    NotFound,
    NotInAudit { status: String },
    UnknownCheck(String),
}

impl super::Store {
    /// Charges `charge` and creates every case with its checks and jobs — all or nothing.
    pub async fn create_cases(
        &self,
        charge: &Movement<'_>,
        cases: &[NewCase],
    ) -> StoreResult<Result<i64, Insufficient>> {
        let now = now_ms();
        let balance = in_tx!(self, |tx| {
            let balance = match apply_movement!(tx, charge) {
                Ok(after) => after,
                Err(short) => return Ok(Err(short)),
            };
            for case in cases {
                sqlx::query(
                    "INSERT INTO cases (id, org_id, reference_id, candidate_id, candidate_name,
                         candidate_email, candidate_photo, candidate, status, result, total_cost,
                         created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in_progress', 'pending', $9, $10)",
                )
                .bind(&case.id)
                .bind(charge.org_id)
                .bind(&case.reference_id)
                .bind(&case.candidate_id)
                .bind(&case.candidate_name)
                .bind(case.candidate_email.as_deref())
                .bind(&case.candidate_photo)
                .bind(&case.candidate)
                .bind(case.cost())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                for (position, check) in case.checks.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO checks (id, case_id, org_id, position, check_type, status,
                                             result, price, created_at)
                         VALUES ($1, $2, $3, $4, $5, 'in_progress', 'pending', $6, $7)",
                    )
                    .bind(&check.id)
                    .bind(&case.id)
                    .bind(charge.org_id)
                    .bind(position as i64)
                    .bind(&check.check_type)
                    .bind(check.price)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    insert_job!(tx, &check.job);
                }
            }
            balance
        });
        self.jobs_committed().await;
        Ok(Ok(balance))
    }

    /// The case and everything its report shows, only if it belongs to `org_id`.
    pub async fn case_view(&self, org_id: &str, case_id: &str) -> StoreResult<Option<CaseView>> {
        with_conn!(self, |pool| {
            let case =
                sqlx::query_as::<_, CaseRow>("SELECT * FROM cases WHERE id = $1 AND org_id = $2")
                    .bind(case_id)
                    .bind(org_id)
                    .fetch_optional(pool)
                    .await?;
            let Some(case) = case else {
                return Ok(None);
            };
            let checks = sqlx::query_as::<_, CheckRow>(
                "SELECT * FROM checks WHERE case_id = $1 ORDER BY position",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await?;
            let evidence = sqlx::query_as::<_, EvidenceMeta>(
                "SELECT id, check_id, position, name, content_type FROM evidence
                 WHERE case_id = $1 ORDER BY check_id, position",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await?;
            let audits = sqlx::query_as::<_, AuditRow>(
                "SELECT id, decision, note, overrides, actor, created_at FROM case_audits
                 WHERE case_id = $1 ORDER BY created_at",
            )
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
            let check = sqlx::query_as::<_, CheckRow>("SELECT * FROM checks WHERE id = $1")
                .bind(check_id)
                .fetch_optional(pool)
                .await?;
            let Some(check) = check else {
                return Ok(None);
            };
            let case = sqlx::query_as::<_, CaseRow>("SELECT * FROM cases WHERE id = $1")
                .bind(&check.case_id)
                .fetch_one(pool)
                .await?;
            Ok(Some((check, case)))
        })
    }

    /// Records a decided check, rolls its case up, and writes the webhook events — in one
    /// transaction. Returns the case's new status, or `None` when the check was already decided
    /// (a re-run after a crash changes nothing).
    pub async fn complete_check(
        &self,
        outcome: &CheckOutcome<'_>,
        webhook_attempts: i64,
    ) -> StoreResult<Option<CaseStatus>> {
        let now = now_ms();
        let (status, queued) = in_tx!(self, |tx| {
            let row: Option<(String, String, String)> = sqlx::query_as(
                "UPDATE checks SET status = 'completed', result = $2, remark = $3, fields = $4,
                                   entries = $5, source = $6, completed_at = $7
                 WHERE id = $1 AND status = 'in_progress'
                 RETURNING case_id, org_id, check_type",
            )
            .bind(outcome.check_id)
            .bind(outcome.result.as_str())
            .bind(outcome.remark)
            .bind(outcome.fields.as_deref())
            .bind(outcome.entries.as_deref())
            .bind(outcome.source)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((case_id, org_id, check_type)) = row else {
                return Ok(None);
            };
            // Lock the case row before reading its checks: two checks of one case completing at
            // once must roll up one after the other, or (under PostgreSQL's READ COMMITTED) each
            // would miss the other's result. A no-op UPDATE takes the row lock on PostgreSQL and
            // is harmless on SQLite, whose IMMEDIATE transactions are serial anyway.
            sqlx::query("UPDATE cases SET status = status WHERE id = $1")
                .bind(&case_id)
                .execute(&mut *tx)
                .await?;
            for (position, file) in outcome.evidence.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO evidence (id, org_id, case_id, check_id, position, name,
                                           content_type, bytes, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&org_id)
                .bind(&case_id)
                .bind(outcome.check_id)
                .bind(position as i64)
                .bind(&file.name)
                .bind(&file.content_type)
                .bind(&file.bytes)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let (status, result) = roll_up_case!(tx, &case_id);
            let completed_at = (status == CaseStatus::Completed).then_some(now);
            sqlx::query(
                "UPDATE cases SET status = $2, result = $3, completed_at = $4 WHERE id = $1",
            )
            .bind(&case_id)
            .bind(status.as_str())
            .bind(result.as_str())
            .bind(completed_at)
            .execute(&mut *tx)
            .await?;
            let mut queued = insert_event!(
                tx,
                &org_id,
                "check.completed",
                json!({
                    "case_id": case_id,
                    "check_id": outcome.check_id,
                    "type": check_type,
                    "result": outcome.result.as_str(),
                    "case_status": status.as_str(),
                }),
                webhook_attempts
            );
            if status == CaseStatus::Completed {
                queued |= insert_event!(
                    tx,
                    &org_id,
                    "case.completed",
                    json!({"case_id": case_id, "status": status.as_str(), "result": result.as_str()}),
                    webhook_attempts
                );
            }
            (status, queued)
        });
        if queued {
            self.jobs_committed().await;
        }
        Ok(Some(status))
    }

    /// A reviewer completes an audited case: overrides applied, the audit trail written, the
    /// result recomputed from the checks, the case completed and `case.completed` sent.
    pub async fn audit_case(
        &self,
        org_id: &str,
        case_id: &str,
        audit: &Audit<'_>,
        webhook_attempts: i64,
    ) -> StoreResult<AuditOutcome> {
        let Audit {
            decision,
            note,
            overrides,
            actor,
        } = *audit;
        let now = now_ms();
        let trail = serde_json::to_string(
            &overrides
                .iter()
                .map(|o| json!({"type": o.check_type, "result": o.result.as_str(), "remark": o.remark}))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into());
        let (outcome, queued) = in_tx!(self, |tx| {
            let status: Option<(String,)> =
                sqlx::query_as("SELECT status FROM cases WHERE id = $1 AND org_id = $2")
                    .bind(case_id)
                    .bind(org_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match status {
                None => return Ok(AuditOutcome::NotFound),
                Some((s,)) if s != "in_audit" => return Ok(AuditOutcome::NotInAudit { status: s }),
                Some(_) => {}
            }
            for o in overrides {
                let updated = sqlx::query(
                    "UPDATE checks SET result = $3,
                         remark = COALESCE($4, remark)
                     WHERE case_id = $1 AND (check_type = $2 OR check_type = $5)",
                )
                .bind(case_id)
                .bind(&o.check_type)
                .bind(o.result.as_str())
                .bind(o.remark.as_deref())
                .bind(
                    crate::domain::catalog::CATALOG
                        .iter()
                        .find(|s| s.report_type == o.check_type)
                        .map(|s| s.key)
                        .unwrap_or(""),
                )
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Ok(AuditOutcome::UnknownCheck(o.check_type.clone()));
                }
            }
            sqlx::query(
                "INSERT INTO case_audits (id, case_id, org_id, decision, note, overrides, actor, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(case_id)
            .bind(org_id)
            .bind(decision)
            .bind(note)
            .bind(&trail)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let (_, result) = roll_up_case!(tx, case_id);
            sqlx::query("UPDATE cases SET status = 'completed', result = $2, completed_at = $3 WHERE id = $1")
                .bind(case_id)
                .bind(result.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let queued = insert_event!(
                tx,
                org_id,
                "case.completed",
                json!({"case_id": case_id, "status": "completed", "result": result.as_str(), "audit": {"decision": decision}}),
                webhook_attempts
            );
            (AuditOutcome::Done { result }, queued)
        });
        if queued {
            self.jobs_committed().await;
        }
        Ok(outcome)
    }

    /// The organisation a case belongs to (for signed links, which carry no API key).
    pub async fn case_org(&self, case_id: &str) -> StoreResult<Option<String>> {
        with_conn!(self, |pool| {
            let row: Option<(String,)> = sqlx::query_as("SELECT org_id FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| r.0))
        })
    }

    /// An evidence file by id (its signed link is the authorisation).
    pub async fn evidence_file(&self, evidence_id: &str) -> StoreResult<Option<(String, Vec<u8>)>> {
        with_conn!(self, |pool| {
            Ok(
                sqlx::query_as("SELECT content_type, bytes FROM evidence WHERE id = $1")
                    .bind(evidence_id)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// Evidence files of a case with their bytes (for the PDF).
    pub async fn evidence_files(
        &self,
        case_id: &str,
    ) -> StoreResult<Vec<(String, String, Vec<u8>)>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT check_id, content_type, bytes FROM evidence WHERE case_id = $1
                 ORDER BY check_id, position",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Counts of checks by status, for benchmarks and progress.
    pub async fn open_checks(&self, org_id: &str) -> StoreResult<i64> {
        with_conn!(self, |pool| {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM checks WHERE org_id = $1 AND status = 'in_progress'",
            )
            .bind(org_id)
            .fetch_one(pool)
            .await?;
            Ok(n)
        })
    }
}

/// Reads the case's check results and the organisation's audit setting inside `$tx` and rolls
/// them up: `(CaseStatus, CheckResult)`.
macro_rules! roll_up_case {
    ($tx:ident, $case_id:expr) => {{
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "SELECT c.result, o.always_audit FROM checks c JOIN orgs o ON o.id = c.org_id
             WHERE c.case_id = $1",
        )
        .bind($case_id)
        .fetch_all(&mut *$tx)
        .await?;
        let always_audit = rows.first().map(|r| r.1).unwrap_or(false);
        let results: Vec<CheckResult> = rows
            .iter()
            .map(|r| CheckResult::parse(&r.0).unwrap_or(CheckResult::Pending))
            .collect();
        roll_up(&results, always_audit)
    }};
}
use roll_up_case;
