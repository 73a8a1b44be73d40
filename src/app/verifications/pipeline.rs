//! The pipeline: one job per stage. A stage job reads the verification's files (and the card
//! an earlier OCR stage read), asks its source, and — in one transaction under the
//! verification's row lock — records the stage, queues the stages that were waiting for it,
//! and, when every stage has ended, concludes the verification (status, output, output file,
//! `verification.status_changed`). A stage whose source keeps failing fails after its attempts;
//! the stages that needed it are skipped. Re-runs after a crash change nothing twice.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::{StageRecord, announce, configuration, stage_job};
use crate::app::screening::monitor::{self, Screened};
use crate::crypto::Vault;
use crate::domain::kyc::{self, CardOutput};
use crate::domain::verifications::{
    Configuration, SKIPPED_BECAUSE, StageEnd, StageKind, StageStatus, Step, VerificationStatus,
    conclude, merge_outputs, plan,
};
use crate::files::FileStore;
use crate::files::kind::FileKind;
use crate::jobs::{Job, JobError, JobHandler, JobKind, job_kind};
use crate::providers::ProviderError;
use crate::providers::documents::fingerprint_from_columns;
use crate::providers::kyc::{InputFile, KycStages, NewFingerprint, StageInput};
use crate::store::fingerprints::{FINGERPRINT_PAGE, NewFingerprintRow};
use crate::store::verifications::{Outcome, StageRow, VerificationRow};
use crate::store::{Store, Tx, decode_json, now_ms};

job_kind! {
    /// The job that runs one stage of a verification.
    StageJob = "verification.stage", payload StagePayload { stage_id: String }
}

/// Runs one stage of one verification.
pub struct StageHandler {
    pub store: Store,
    pub files: FileStore,
    pub stages: KycStages,
    pub vault: Arc<Vault>,
    pub webhook_attempts: i64,
    /// Upper bound on one source call.
    pub timeout: Duration,
}

/// Where a verification's output file is kept.
pub fn output_key(org_id: &str, verification_id: &str, run: i64) -> String {
    format!("outputs/{org_id}/{verification_id}/run-{run}.json")
}

impl StageHandler {
    async fn input(
        &self,
        v: &VerificationRow,
        config: &Configuration,
        stage: StageKind,
    ) -> Result<StageInput, JobError> {
        let mut files = Vec::new();
        for file in self.store.verification_files(&v.id).await? {
            let bytes = self
                .files
                .get(&file.upload.storage_key)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?
                .ok_or_else(|| {
                    JobError::Fatal(format!("input file {} is missing", file.upload.path))
                })?;
            let password = match &file.upload.password_sealed {
                Some(sealed) => Some(
                    self.vault
                        .open(sealed)
                        .map_err(|e| JobError::Fatal(format!("file password: {e}")))?,
                ),
                None => None,
            };
            files.push(InputFile {
                slot: file.slot,
                kind: FileKind::from_extension(file.upload.path.rsplit('.').next().unwrap_or(""))
                    .unwrap_or(FileKind::Jpeg),
                bytes,
                password,
            });
        }
        let needs_card = matches!(stage, StageKind::NikCheck | StageKind::PepScreening)
            && config
                .verification_type()
                .prerequisites(stage)
                .contains(&StageKind::Ocr);
        let card = if needs_card {
            let stages = self.store.stages(&v.id, v.run).await?;
            let ocr = stages
                .iter()
                .find(|s| s.stage == StageKind::Ocr && s.status == StageStatus::Completed)
                .and_then(|s| s.output.as_deref())
                .ok_or_else(|| JobError::Fatal("the OCR stage has not completed".into()))?;
            let record: StageRecord = decode_json("stage output", ocr)?;
            Some(
                CardOutput::card_of(&record.output)
                    .map_err(|e| JobError::Fatal(format!("stored card: {e}")))?,
            )
        } else {
            None
        };
        let (name, birth_date) = match config {
            Configuration::Pep { name, birth_date } => (Some(name.to_string()), *birth_date),
            Configuration::Documents { .. } => (None, None),
        };
        let sandbox_org = match self.store.org(&v.org_id).await? {
            Some(org) => org.is_sandbox,
            None => return Err(JobError::Fatal("the organisation no longer exists".into())),
        };
        Ok(StageInput {
            files,
            card,
            name,
            birth_date,
            sandbox_org,
            org_id: v.org_id.clone(),
            subject: v.id.clone(),
        })
    }

    /// Brings this process's fraud index up to date with the fingerprints every process has
    /// kept for the organisation (a few rows since the last call, usually none).
    async fn sync_fraud_index(&self, org_id: &str) -> Result<(), JobError> {
        let Some(index) = self.stages.fraud_index() else {
            return Ok(());
        };
        loop {
            let rows = self
                .store
                .fingerprints_after(org_id, index.synced(org_id))
                .await?;
            let full = rows.len() as i64 >= FINGERPRINT_PAGE;
            index.load(
                org_id,
                rows.into_iter().map(|r| {
                    let print =
                        fingerprint_from_columns(r.card_hash, r.face_hash, r.embedding.as_deref());
                    (r.seq, r.identity, r.label, print)
                }),
            );
            if !full {
                return Ok(());
            }
        }
    }

    /// Records the stage's end and what follows from it, under the verification's lock.
    async fn finish(
        &self,
        stage: &StageRow,
        result: Result<StageRecord, String>,
        watch: Option<Screened<'_>>,
        print: Option<&NewFingerprint>,
    ) -> Result<(), JobError> {
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let Some(v) = tx.lock_verification(&stage.verification_id).await? else {
            return Ok(());
        };
        if v.run != stage.run || v.status == VerificationStatus::Cancelled {
            return Ok(());
        }
        let moved = match &result {
            Ok(record) => {
                let value =
                    serde_json::to_value(record).map_err(|e| JobError::Fatal(e.to_string()))?;
                tx.move_stage(
                    &stage.id,
                    StageStatus::Queued,
                    StageStatus::Completed,
                    None,
                    Some(&value),
                    None,
                    now,
                )
                .await?
            }
            Err(error) => {
                tx.move_stage(
                    &stage.id,
                    StageStatus::Queued,
                    StageStatus::Failed,
                    None,
                    None,
                    Some(error),
                    now,
                )
                .await?
            }
        };
        if !moved {
            return Ok(());
        }
        if let Some(subject) = &watch {
            monitor::watch(&mut tx, subject).await?;
        }
        if let Some(print) = print {
            let (card_hash, face_hash, embedding) = print.columns();
            tx.insert_fingerprint(&NewFingerprintRow {
                org_id: &v.org_id,
                verification_id: &v.id,
                run: v.run,
                identity: &print.identity,
                label: &print.label,
                card_hash,
                face_hash,
                embedding,
                now,
            })
            .await?;
        }
        self.advance(&mut tx, &v, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues the stages whose prerequisites completed, skips those whose prerequisites failed,
    /// and concludes the verification once every stage has ended: the planner
    /// ([`plan`]) decides, this writes.
    async fn advance(&self, tx: &mut Tx, v: &VerificationRow, now: i64) -> Result<(), JobError> {
        let config = configuration(v)?;
        let mut stages = tx.run_stages(&v.id, v.run).await?;
        let states: Vec<_> = stages.iter().map(|s| (s.stage, s.status)).collect();
        let next = plan(config.verification_type(), &states);
        for step in &next.steps {
            let (Step::Queue(kind) | Step::Skip(kind)) = *step;
            let Some(stage) = stages.iter().find(|s| s.stage == kind) else {
                continue;
            };
            match step {
                Step::Skip(_) => {
                    tx.move_stage(
                        &stage.id,
                        StageStatus::Pending,
                        StageStatus::Skipped,
                        None,
                        None,
                        Some(SKIPPED_BECAUSE),
                        now,
                    )
                    .await?;
                }
                Step::Queue(_) => {
                    let job = stage_job(&v.org_id, &stage.id);
                    tx.insert_job(&job).await?;
                    tx.move_stage(
                        &stage.id,
                        StageStatus::Pending,
                        StageStatus::Queued,
                        Some(&job.id),
                        None,
                        None,
                        now,
                    )
                    .await?;
                }
            }
        }
        if next.ended {
            if !next.steps.is_empty() {
                stages = tx.run_stages(&v.id, v.run).await?;
            }
            self.conclude(tx, v, &config, &stages, now).await?;
        }
        Ok(())
    }

    async fn conclude(
        &self,
        tx: &mut Tx,
        v: &VerificationRow,
        config: &Configuration,
        stages: &[StageRow],
        now: i64,
    ) -> Result<(), JobError> {
        let mut ends = Vec::new();
        let mut outputs = Vec::new();
        for kind in config.stages() {
            let record = match stages.iter().find(|s| s.stage == kind) {
                Some(stage) if stage.status == StageStatus::Completed => {
                    match stage.output.as_deref() {
                        Some(text) => Some(decode_json::<StageRecord>("stage output", text)?),
                        None => None,
                    }
                }
                _ => None,
            };
            match record {
                Some(record) => {
                    ends.push(StageEnd::Completed {
                        verdict: record.verdict(),
                        fraud: record.fraud,
                    });
                    outputs.push((kind, record.output));
                }
                None => ends.push(StageEnd::Failed),
            }
        }
        let review_all = tx.org_reviews_all(&v.org_id).await?;
        let (status, output_status) = conclude(&ends, review_all);
        let output = (!outputs.is_empty()).then(|| merge_outputs(&outputs));
        if let Some(output) = &output {
            let bytes =
                serde_json::to_vec_pretty(output).map_err(|e| JobError::Fatal(e.to_string()))?;
            self.files
                .put(&output_key(&v.org_id, &v.id, v.run), bytes)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
        }
        tx.set_outcome(
            &v.id,
            &Outcome {
                status,
                output: output.as_ref(),
                output_status,
                end_date: Some(now),
                now,
            },
        )
        .await?;
        tx.bump_result_group(&v.result_id, now).await?;
        announce(
            tx,
            v,
            v.status,
            status,
            output_status,
            self.webhook_attempts,
            now,
        )
        .await?;
        Ok(())
    }
}

#[async_trait]
impl JobHandler for StageHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let payload = StageJob::payload(job)?;
        let Some((stage, v)) = self.store.stage_for_job(&payload.stage_id).await? else {
            return Err(JobError::Fatal("stage no longer exists".into()));
        };
        if stage.status != StageStatus::Queued
            || stage.run != v.run
            || v.status == VerificationStatus::Cancelled
        {
            return Ok(());
        }
        // The first stage to start moves the verification to IN_PROGRESS.
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let Some(locked) = tx.lock_verification(&v.id).await? else {
            return Ok(());
        };
        if locked.status == VerificationStatus::Cancelled || locked.run != stage.run {
            return Ok(());
        }
        if tx.start_verification(&v.id, now).await? {
            announce(
                &mut tx,
                &locked,
                VerificationStatus::InQueue,
                VerificationStatus::InProgress,
                None,
                self.webhook_attempts,
                now,
            )
            .await?;
            tx.bump_result_group(&v.result_id, now).await?;
        }
        tx.start_stage(&stage.id, now).await?;
        tx.commit().await?;

        let config = configuration(&v)?;
        let input = self.input(&v, &config, stage.stage).await?;
        if stage.stage == StageKind::FraudDetection {
            self.sync_fraud_index(&v.org_id).await?;
        }
        let source = self.stages.get(stage.stage);
        let answer = tokio::time::timeout(self.timeout, source.answer(&input))
            .await
            .unwrap_or(Err(ProviderError::Timeout));
        match answer {
            Ok(answered) => {
                let mut decision = kyc::decide(stage.stage, &answered.answer, answered.sandbox);
                // A screening by the engine names its run (the stage's job, listed in
                // `external_job_id.screening_job_id`) and the list versions it searched, and
                // its subject is kept for ongoing monitoring unless the organisation turned
                // monitoring off.
                let mut watch = None;
                if let Some(run) = &answered.screening {
                    if let Some(pep) = decision.output.get_mut("pep")
                        && let Some(pep) = pep.as_object_mut()
                    {
                        pep.insert("screening_job_id".into(), job.id.clone().into());
                        pep.insert("lists_searched".into(), run.lists_searched.clone().into());
                    }
                    let monitoring = match self.store.org(&v.org_id).await? {
                        Some(org) => org.settings()?.screening_monitoring,
                        None => false,
                    };
                    watch = monitoring.then(|| Screened {
                        org_id: &v.org_id,
                        check_id: &job.id,
                        case_id: &v.id,
                        name: &run.name,
                        dob: run.birth_date,
                        matches: &run.hits,
                        list_versions: run.list_versions.clone(),
                    });
                }
                let record = StageRecord {
                    verdict: StageRecord::verdict_word(decision.verdict).to_string(),
                    fraud: decision.fraud,
                    output: decision.output,
                    source: answered.source,
                };
                self.finish(&stage, Ok(record), watch, answered.fingerprint.as_ref())
                    .await
            }
            Err(ProviderError::NotFound) => Err(JobError::Fatal(format!(
                "{}: the source could not read the input",
                stage.stage
            ))),
            Err(ProviderError::Unusable(why)) => {
                Err(JobError::Fatal(format!("{}: {why}", stage.stage)))
            }
            Err(error) => Err(JobError::Retry(format!("{}: {error}", stage.stage))),
        }
    }

    async fn on_dead(&self, job: &Job, error: &str) {
        let Ok(payload) = StageJob::payload(job) else {
            return;
        };
        let outcome = match self.store.stage_for_job(&payload.stage_id).await {
            Ok(Some((stage, _))) => {
                self.finish(&stage, Err(error.to_string()), None, None)
                    .await
            }
            Ok(None) => Ok(()),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, "could not record a failed stage");
        }
    }
}
