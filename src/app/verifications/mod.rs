//! AnyCheck verifications: submission (the charge, the verification, its files, its stages and
//! their first jobs in one transaction), the pipeline of stages on the job engine, reading
//! (one, or a result group with its `overall_status`), retry, review and cancellation (kept in
//! the review trail), and the group's spreadsheet export.

mod export;
mod manage;
mod pipeline;
mod submit;
mod view;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use export::{export, export_key};
pub use manage::{Review, cancel, retry, review};
pub use pipeline::{StageHandler, StageJob, StagePayload};
pub use submit::{Submission, submit};
pub use view::{Detail, GroupPage, get, list, output_file, read_output};

use crate::app::webhooks::record_verification_event;
use crate::domain::events::{VerificationChange, verification_status_changed};
use crate::domain::services::{ServiceCode, by_code};
use crate::domain::verifications::{
    Configuration, OutputStatus, StageStatus, Verdict, VerificationStatus,
};
use crate::jobs::{JobKind, NewJob};
use crate::store::verifications::{NewStage, VerificationRow};
use crate::store::{StoreResult, Tx, decode_json};

/// Attempts a stage job gets before the stage fails.
pub const STAGE_ATTEMPTS: i64 = 3;

/// The ledger's name for a service's charge.
pub fn ledger_service(code: ServiceCode) -> String {
    format!("anycheck:{code}")
}

/// A finished stage as stored: its verdict, whether it found fraud, its output fields and the
/// source that answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StageRecord {
    pub verdict: String,
    pub fraud: bool,
    pub output: Value,
    pub source: String,
}

impl StageRecord {
    pub fn verdict(&self) -> Verdict {
        match self.verdict.as_str() {
            "pass" => Verdict::Pass,
            "review" => Verdict::Review,
            _ => Verdict::Fail,
        }
    }

    pub fn verdict_word(verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Fail => "fail",
        }
    }
}

/// The verification's configuration, as validated when it was stored.
pub(crate) fn configuration(v: &VerificationRow) -> StoreResult<Configuration> {
    let value: Value = decode_json("verification configuration", &v.input_config)?;
    let far_future = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
    Configuration::parse(
        by_code(v.service_code).verification_type,
        &value,
        far_future,
    )
    .map_err(|issues| crate::store::StoreError::Corrupt {
        what: "verification configuration",
        error: serde::de::Error::custom(format!("{issues:?}")),
    })
}

/// Creates the stages of run `run`: those that need no other stage are queued with their job,
/// the others wait (`pending`).
pub(crate) async fn plan_run(
    tx: &mut Tx,
    v: &VerificationRow,
    config: &Configuration,
    run: i64,
    now: i64,
) -> StoreResult<()> {
    let verification_type = config.verification_type();
    for kind in config.stages() {
        let id = uuid::Uuid::new_v4().to_string();
        let ready = verification_type.prerequisites(kind).is_empty();
        let job = ready.then(|| stage_job(&v.org_id, &id));
        tx.insert_stage(&NewStage {
            id: &id,
            verification_id: &v.id,
            org_id: &v.org_id,
            run,
            stage: kind,
            status: if ready {
                StageStatus::Queued
            } else {
                StageStatus::Pending
            },
            job_id: job.as_ref().map(|j| j.id.as_str()),
            now,
        })
        .await?;
        if let Some(job) = job {
            tx.insert_job(&job).await?;
        }
    }
    Ok(())
}

pub(crate) fn stage_job(org_id: &str, stage_id: &str) -> NewJob {
    StageJob::job(&StagePayload {
        stage_id: stage_id.to_string(),
    })
    .for_org(org_id)
    .max_attempts(STAGE_ATTEMPTS)
}

/// Records `verification.status_changed` for a move from `from` to `to` (when announced), and
/// its delivery to the verification's webhook URL.
pub(crate) async fn announce(
    tx: &mut Tx,
    v: &VerificationRow,
    from: VerificationStatus,
    to: VerificationStatus,
    output_status: Option<OutputStatus>,
    webhook_attempts: i64,
    now: i64,
) -> StoreResult<()> {
    let metadata: Value = decode_json("webhook metadata", &v.webhook_metadata)?;
    let change = VerificationChange {
        verification_id: &v.id,
        result_id: &v.result_id,
        service_code: v.service_code.as_str(),
        previous_status: from,
        status: to,
        output_status,
        webhook_metadata: &metadata,
    };
    if let Some(event) = verification_status_changed(&change, now) {
        record_verification_event(
            tx,
            &v.org_id,
            &v.id,
            v.webhook_url.is_some(),
            &event,
            webhook_attempts,
        )
        .await?;
    }
    Ok(())
}
