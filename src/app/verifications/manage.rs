//! Changing a verification after it was submitted: retry (a `FAILED` one, or any finished one
//! with `force`), review by a signed-in user, and cancellation by the client. Each is one
//! transaction under the verification's lock, kept in the review trail, announced by webhook.

use serde_json::{Value, json};

use super::submit::resolve_files;
use super::{announce, configuration, ledger_service, plan_run};
use crate::app::auth::Actor;
use crate::app::folders::reachable_in;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::credits::LedgerKind;
use crate::domain::services::by_code;
use crate::domain::verifications::{
    Configuration, OutputStatus, StageStatus, VerificationStatus, review_output_issue,
};
use crate::store::credits::Movement;
use crate::store::verifications::{NewReview, Outcome, VerificationRow};
use crate::store::{Store, Tx, decode_json, now_ms};

/// The locked verification, if the caller may change it.
/// Everything is read through the transaction: a second connection asked for while it is held
/// waits on the pool the transaction itself holds (`store::held`).
async fn locked(tx: &mut Tx, actor: &Actor, id: &str) -> AppResult<VerificationRow> {
    let row = tx
        .lock_org_verification(&actor.org_id, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Verification))?;
    reachable_in(tx, actor, &row.folder_id).await?;
    Ok(row)
}

/// The verification as the transaction leaves it, then the commit: the answer never needs a
/// connection after the work is done (a commit answered with a 500 would be paid twice).
async fn commit_and_read(mut tx: Tx, actor: &Actor, id: &str) -> AppResult<VerificationRow> {
    let row = tx
        .lock_org_verification(&actor.org_id, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Verification))?;
    tx.commit().await?;
    Ok(row)
}

fn state(row: &VerificationRow) -> AppResult<Value> {
    Ok(json!({
        "status": row.status,
        "output_status": row.output_status,
        "output": row.output.as_deref().map(|o| decode_json::<Value>("verification output", o)).transpose()?,
        "input_config": decode_json::<Value>("verification configuration", &row.input_config)?,
        "run": row.run,
        "credit_used": row.credit_used,
    }))
}

/// Runs the verification again as a new run. A `FAILED` one is retried free (its run produced
/// nothing); a forced retry of any other finished one is charged again.
pub async fn retry(
    store: &Store,
    actor: &Actor,
    id: &str,
    force: bool,
) -> AppResult<VerificationRow> {
    let now = now_ms();
    let mut tx = store.begin().await?;
    let row = locked(&mut tx, actor, id).await?;
    if !row.status.can_retry(force) {
        return Err(AppError::Conflict(format!(
            "Only a FAILED verification can be retried, or with force: true any finished one \
             that was not cancelled; this one is {}.",
            row.status
        )));
    }
    let service = by_code(row.service_code);
    let cost = if row.status == VerificationStatus::Failed {
        0
    } else {
        service.credit_cost
    };
    if cost > 0 {
        let ledger = ledger_service(row.service_code);
        let input = json!({"verification_id": row.id, "retry_of_run": row.run});
        tx.apply_movement(&Movement {
            org_id: &row.org_id,
            kind: LedgerKind::Debit,
            amount: cost,
            service: &ledger,
            reference_id: Some(&row.id),
            input: Some(&input),
            output: None,
        })
        .await??;
    }
    let config = configuration(&row)?;
    let run = row.run + 1;
    tx.restart_verification(&row.id, run, cost, now).await?;
    plan_run(&mut tx, &row, &config, run, now).await?;
    let before = state(&row)?;
    let after = json!({"status": VerificationStatus::InQueue, "run": run, "force": force,
                       "credits_charged": cost});
    tx.insert_review(&NewReview {
        verification_id: &row.id,
        org_id: &row.org_id,
        actor: &actor.label(),
        action: "retry",
        before: &before,
        after: &after,
        now,
    })
    .await?;
    tx.bump_result_group(&row.result_id, now).await?;
    commit_and_read(tx, actor, id).await
}

/// Cancels a verification that has not finished. One still `IN_QUEUE` in its first run had no
/// work done: its credits are refunded.
pub async fn cancel(
    store: &Store,
    actor: &Actor,
    id: &str,
    webhook_attempts: i64,
) -> AppResult<VerificationRow> {
    let now = now_ms();
    let mut tx = store.begin().await?;
    let row = locked(&mut tx, actor, id).await?;
    if !row.status.can_cancel() {
        return Err(AppError::Conflict(format!(
            "Only a verification IN_QUEUE or IN_PROGRESS can be cancelled; this one is {}.",
            row.status
        )));
    }
    let refund = if row.status == VerificationStatus::InQueue && row.run == 1 {
        row.credit_used
    } else {
        0
    };
    if refund > 0 {
        let ledger = ledger_service(row.service_code);
        let _ = tx
            .apply_movement(&Movement {
                org_id: &row.org_id,
                kind: LedgerKind::Refund,
                amount: refund,
                service: &ledger,
                reference_id: Some(&row.id),
                input: None,
                output: None,
            })
            .await?;
        tx.set_credit_used(&row.id, row.credit_used - refund)
            .await?;
    }
    for stage in tx.run_stages(&row.id, row.run).await? {
        if !stage.status.is_terminal() {
            tx.move_stage(
                &stage.id,
                stage.status,
                StageStatus::Cancelled,
                None,
                None,
                Some("cancelled by the client"),
                now,
            )
            .await?;
        }
    }
    tx.set_outcome(
        &row.id,
        &Outcome {
            status: VerificationStatus::Cancelled,
            output: None,
            output_status: None,
            end_date: Some(now),
            now,
        },
    )
    .await?;
    let before = state(&row)?;
    let after = json!({"status": VerificationStatus::Cancelled, "credits_refunded": refund});
    tx.insert_review(&NewReview {
        verification_id: &row.id,
        org_id: &row.org_id,
        actor: &actor.label(),
        action: "cancel",
        before: &before,
        after: &after,
        now,
    })
    .await?;
    tx.bump_result_group(&row.result_id, now).await?;
    announce(
        &mut tx,
        &row,
        row.status,
        VerificationStatus::Cancelled,
        None,
        webhook_attempts,
        now,
    )
    .await?;
    commit_and_read(tx, actor, id).await
}

/// A reviewer's decision: any of the fields may be given.
pub struct Review<'a> {
    pub status: Option<VerificationStatus>,
    pub output: Option<&'a Value>,
    pub output_status: Option<OutputStatus>,
    pub configuration: Option<&'a Value>,
}

/// Applies a signed-in user's review to a finished verification.
pub async fn review(
    store: &Store,
    actor: &Actor,
    id: &str,
    change: &Review<'_>,
    webhook_attempts: i64,
) -> AppResult<VerificationRow> {
    if actor.user_id.is_none() {
        return Err(AppError::Forbidden(
            "A review is made by a signed-in user (a JWT from /auth/login), not an API key.".into(),
        ));
    }
    if let Some(status) = change.status
        && !VerificationStatus::REVIEW_TARGETS.contains(&status)
    {
        return Err(AppError::invalid(
            "verification_status",
            "must be COMPLETED, FAILED, FRAUD_DETECTED or NEED_REVIEW (or CANCELLED to cancel)",
        ));
    }
    if let Some(issue) = change.output.and_then(review_output_issue) {
        return Err(AppError::invalid("output", issue));
    }
    let now = now_ms();
    let mut tx = store.begin().await?;
    let row = locked(&mut tx, actor, id).await?;
    if !row.status.can_review() {
        return Err(AppError::Conflict(format!(
            "Only a finished verification that was not cancelled can be reviewed; this one is {}.",
            row.status
        )));
    }
    if let Some(raw) = change.configuration {
        let today = chrono::Utc::now().date_naive();
        let config = Configuration::parse(by_code(row.service_code).verification_type, raw, today)
            .map_err(AppError::InvalidFields)?;
        let files = resolve_files(&mut tx, actor, &config).await?;
        tx.clear_verification_files(&row.id).await?;
        for (slot, position, upload) in &files {
            tx.insert_verification_file(&row.id, slot, *position, &upload.id)
                .await?;
        }
        tx.set_file_counts(
            &row.id,
            files.len() as i64,
            files.iter().map(|(_, _, u)| u.page_count).sum(),
        )
        .await?;
        tx.set_input_config(&row.id, &config.to_json().to_string(), now)
            .await?;
    }
    let status = change.status.unwrap_or(row.status);
    let current_output = row
        .output
        .as_deref()
        .map(|o| decode_json::<Value>("verification output", o))
        .transpose()?;
    let output = change.output.cloned().or(current_output);
    let output_status = change.output_status.or(row.output_status);
    tx.set_outcome(
        &row.id,
        &Outcome {
            status,
            output: output.as_ref(),
            output_status,
            end_date: row.end_date.or(Some(now)),
            now,
        },
    )
    .await?;
    let before = state(&row)?;
    let after = json!({
        "status": status,
        "output_status": output_status,
        "output": output,
        "input_config": change.configuration,
    });
    tx.insert_review(&NewReview {
        verification_id: &row.id,
        org_id: &row.org_id,
        actor: &actor.label(),
        action: "review",
        before: &before,
        after: &after,
        now,
    })
    .await?;
    tx.bump_result_group(&row.result_id, now).await?;
    announce(
        &mut tx,
        &row,
        row.status,
        status,
        output_status,
        webhook_attempts,
        now,
    )
    .await?;
    commit_and_read(tx, actor, id).await
}
