//! The check job: the check's source, then the decision, then — in one transaction — the
//! decided check, its evidence, the case's roll-up and the webhook events. Evidence files are
//! written to the file store before that transaction (content-addressed, so a retried job
//! writes the same keys again): a file no row names is harmless, a row naming no file is not.

use std::sync::Arc;

use async_trait::async_trait;

use super::StoredCandidate;
use crate::app::screening::monitor::{self, Screened};
use crate::app::webhooks::record_event;
use crate::crypto::Vault;
use crate::domain::cases::{CaseStatus, CheckStatus, roll_up};
use crate::domain::checks::{self, CheckType, SourceKind};
use crate::domain::decision::{self, Decision};
use crate::domain::events;
use crate::domain::ids::Aadhaar;
use crate::domain::source::{CheckInput, Evidence};
use crate::files::{FileStore, sha256_hex};
use crate::jobs::{Job, JobError, JobHandler, JobKind, job_kind};
use crate::providers::{ProviderError, Providers};
use crate::reports::model::Field;
use crate::store::cases::{CheckCompletion, StoredEvidence};
use crate::store::{Store, now_ms};

/// Runs one check: its source, then the decision, then the case roll-up.
pub struct CheckHandler {
    pub store: Store,
    pub providers: Providers,
    pub vault: Arc<Vault>,
    pub webhook_attempts: i64,
    /// Where evidence files are kept.
    pub files: FileStore,
}

job_kind! {
    /// The job that runs one check of a case.
    CheckJob = "check.run", payload CheckPayload { check_id: String }
}

/// Where a check belongs, besides its input.
struct CheckContext {
    check_id: String,
    case_id: String,
    org_id: String,
    /// The organisation keeps screened subjects (ongoing monitoring).
    monitoring: bool,
}

impl CheckHandler {
    async fn input(&self, job: &Job) -> Result<Option<(CheckContext, CheckInput)>, JobError> {
        let payload = CheckJob::payload(job)?;
        let Some((check, case)) = self.store.check_for_job(&payload.check_id).await? else {
            return Err(JobError::Fatal("check no longer exists".into()));
        };
        if check.status == CheckStatus::Completed {
            return Ok(None);
        }
        let stored: StoredCandidate = serde_json::from_str(&case.candidate)
            .map_err(|e| JobError::Fatal(format!("stored candidate unreadable: {e}")))?;
        let aadhaar = match &stored.aadhaar_sealed {
            Some(sealed) => {
                let number = self
                    .vault
                    .open(sealed)
                    .map_err(|e| JobError::Fatal(format!("Aadhaar could not be unsealed: {e}")))?;
                Some(Aadhaar::parse(&number).map_err(|e| JobError::Fatal(e.to_string()))?)
            }
            None => None,
        };
        let org = self.store.org(&case.org_id).await?;
        let sandbox_org = org.as_ref().is_some_and(|o| o.is_sandbox);
        let monitoring = match &org {
            Some(org) => org.settings()?.screening_monitoring,
            None => false,
        };
        let kind = CheckType::parse(&check.check_type).ok_or_else(|| {
            JobError::Fatal(format!("'{}' is not a check type", check.check_type))
        })?;
        let address = kind
            .address(
                stored.address.as_deref(),
                stored.permanent_address.as_deref(),
            )
            .map(str::to_string);
        let input = CheckInput {
            sandbox_outcome: stored.sandbox_outcome.get(&check.check_type).cloned(),
            kind,
            reference: check.id.clone(),
            name: stored.name.as_str().to_string(),
            dob: stored.dob,
            father_name: stored.father_name.map(|f| f.as_str().to_string()),
            address,
            pincode: stored.pincode,
            phone: stored.phone,
            pan: stored.pan,
            aadhaar,
            uan: stored.uan,
            employers: stored.employers,
            attempt: job.attempts,
            sandbox_org,
        };
        let context = CheckContext {
            check_id: check.id,
            case_id: case.id,
            org_id: case.org_id,
            monitoring,
        };
        Ok(Some((context, input)))
    }

    /// Writes the decision and everything that follows from it in one transaction: the decided
    /// check and its evidence, the case's new status and result (the domain's roll-up), and the
    /// webhook events the domain builds for the change. A check already decided (a re-run after
    /// a crash) changes nothing.
    async fn record(
        &self,
        org_id: &str,
        check_id: &str,
        decision: &Decision,
        source: &str,
        evidence: &[Evidence],
        watch: Option<Screened<'_>>,
    ) -> Result<(), JobError> {
        let fields = if decision.fields.is_empty() {
            None
        } else {
            let fields: Vec<Field> = decision
                .fields
                .iter()
                .map(|(label, value)| Field {
                    label: label.clone(),
                    value: value.clone(),
                })
                .collect();
            Some(serde_json::to_string(&fields).map_err(|e| JobError::Fatal(e.to_string()))?)
        };
        let entries = if decision.entries.is_empty() {
            None
        } else {
            Some(
                serde_json::to_string(&decision.entries)
                    .map_err(|e| JobError::Fatal(e.to_string()))?,
            )
        };
        let stored = self.store_evidence(org_id, evidence).await?;
        let mut tx = self.store.begin().await?;
        let completion = CheckCompletion {
            result: decision.result,
            remark: &decision.remark,
            fields,
            entries,
            source,
        };
        let Some(check) = tx.complete_check(check_id, &completion).await? else {
            return Ok(());
        };
        tx.lock_case(&check.case_id).await?;
        for (position, (file, (key, sha256))) in evidence.iter().zip(&stored).enumerate() {
            let row = StoredEvidence {
                name: &file.name,
                content_type: &file.content_type,
                storage_key: key,
                size_bytes: file.bytes.len() as i64,
                sha256,
            };
            tx.insert_evidence(&check, check_id, position, &row).await?;
        }
        let (results, always_audit) = tx.case_results(&check.case_id).await?;
        let (status, result) = roll_up(&results, always_audit);
        let now = now_ms();
        let completed_at = (status == CaseStatus::Completed).then_some(now);
        tx.set_case_state(&check.case_id, status, result, completed_at)
            .await?;
        for event in events::check_decided(
            &check.case_id,
            check_id,
            &check.check_type,
            decision.result,
            (status, result),
            now,
        ) {
            record_event(&mut tx, &check.org_id, &event, self.webhook_attempts).await?;
        }
        if let Some(subject) = &watch {
            monitor::watch(&mut tx, subject).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl CheckHandler {
    /// Records a decision the source gave no record for (none held, or never reached).
    async fn record_unsourced(
        &self,
        context: &CheckContext,
        input: &CheckInput,
        decision: &Decision,
    ) -> Result<(), JobError> {
        let source = self.providers.source_name(input.kind);
        self.record(
            &context.org_id,
            &context.check_id,
            decision,
            source,
            &[],
            None,
        )
        .await
    }

    /// Writes the evidence files to the file store under keys named by their content (within
    /// the organisation), returning each one's key and SHA-256. Writing the same file twice
    /// writes the same key, so a retry duplicates nothing.
    async fn store_evidence(
        &self,
        org_id: &str,
        evidence: &[Evidence],
    ) -> Result<Vec<(String, String)>, JobError> {
        let mut stored = Vec::with_capacity(evidence.len());
        for file in evidence {
            let sha256 = sha256_hex(&file.bytes);
            let key = evidence_key(org_id, &sha256);
            self.files
                .put(&key, file.bytes.clone())
                .await
                .map_err(|e| JobError::Retry(format!("storing evidence: {e}")))?;
            stored.push((key, sha256));
        }
        Ok(stored)
    }
}

/// Where an evidence file is kept: by organisation, then by content.
pub fn evidence_key(org_id: &str, sha256: &str) -> String {
    format!("evidence/{org_id}/{sha256}")
}

#[async_trait]
impl JobHandler for CheckHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let Some((context, input)) = self.input(job).await? else {
            return Ok(());
        };
        let check_id = context.check_id.clone();
        let provider = self.providers.check_provider(input.kind);
        match self.providers.call(provider.fetch(&input)).await {
            Ok(record) => {
                let decision = checks::decide(&input, &record);
                // A subject screened for real (not a sandbox outcome) is kept for monitoring.
                let watch = (input.kind.source() == SourceKind::Screening
                    && input.sandbox_outcome.is_none()
                    && context.monitoring)
                    .then(|| Screened {
                        org_id: &context.org_id,
                        check_id: &context.check_id,
                        case_id: &context.case_id,
                        name: &input.name,
                        dob: input.dob,
                        matches: &record.records,
                        list_versions: self.providers.screening_versions(),
                    });
                self.record(
                    &context.org_id,
                    &check_id,
                    &decision,
                    &record.source,
                    &record.documents,
                    watch,
                )
                .await
            }
            Err(ProviderError::NotFound) => {
                let source = self.providers.source_name(input.kind);
                self.record_unsourced(&context, &input, &decision::not_available(source))
                    .await
            }
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }

    async fn on_dead(&self, job: &Job, error: &str) {
        let outcome = match self.input(job).await {
            Ok(Some((context, input))) => {
                let decision = decision::unable_to_verify(job.attempts, error);
                self.record_unsourced(&context, &input, &decision).await
            }
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, "could not record an unverifiable check");
        }
    }
}
