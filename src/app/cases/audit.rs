//! A reviewer's audit of a case waiting for one: overrides applied, the trail written, the result
//! recomputed from the checks, the case completed and `case.completed` raised — in one
//! transaction.

use serde::Serialize;
use serde_json::json;

use crate::app::webhooks::record_event;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::cases::{AuditDecision, CaseStatus, CheckResult, roll_up};
use crate::domain::{catalog, events};
use crate::store::cases::NewAudit;
use crate::store::{Store, now_ms};

/// A reviewer's correction of one check.
#[derive(Debug, Clone)]
pub struct Override {
    /// The check as the reviewer names it: its catalog key or its report type.
    pub check_type: String,
    pub result: CheckResult,
    pub remark: Option<String>,
}

pub struct Audit<'a> {
    pub decision: AuditDecision,
    pub note: &'a str,
    pub overrides: &'a [Override],
    /// Who audited (`api_key:<id>`, a console user …).
    pub actor: &'a str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Audited {
    pub case_id: String,
    pub status: CaseStatus,
    pub result: CheckResult,
    pub decision: AuditDecision,
}

pub async fn audit(
    store: &Store,
    org_id: &str,
    case_id: &str,
    audit: &Audit<'_>,
    webhook_attempts: i64,
) -> AppResult<Audited> {
    let trail = serde_json::to_string(
        &audit
            .overrides
            .iter()
            .map(|o| json!({"type": o.check_type, "result": o.result, "remark": o.remark}))
            .collect::<Vec<_>>(),
    )
    .map_err(AppError::internal)?;
    let mut tx = store.begin().await?;
    let status = tx
        .case_status(org_id, case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Case))?;
    if !status.can_be_audited() {
        return Err(AppError::Conflict(format!(
            "The case is {status}, not in_audit: only an audited case can be completed by a reviewer."
        )));
    }
    for o in audit.overrides {
        let unknown = || {
            AppError::invalid(
                "overrides",
                format!("The case has no check of type '{}'.", o.check_type),
            )
        };
        let key = catalog::resolve(&o.check_type).ok_or_else(unknown)?.key;
        if !tx
            .override_check(case_id, key, o.result, o.remark.as_deref())
            .await?
        {
            return Err(unknown());
        }
    }
    tx.insert_audit(&NewAudit {
        case_id,
        org_id,
        decision: audit.decision,
        note: audit.note,
        overrides: &trail,
        actor: audit.actor,
    })
    .await?;
    let (results, _) = tx.case_results(case_id).await?;
    // A reviewer's verdict completes the case whatever the organisation's audit setting.
    let (_, result) = roll_up(&results, false);
    let now = now_ms();
    tx.set_case_state(case_id, CaseStatus::Completed, result, Some(now))
        .await?;
    let event = events::case_audited(case_id, result, audit.decision, now);
    record_event(&mut tx, org_id, &event, webhook_attempts).await?;
    tx.commit().await?;
    Ok(Audited {
        case_id: case_id.to_string(),
        status: CaseStatus::Completed,
        result,
        decision: audit.decision,
    })
}
