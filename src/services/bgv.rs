//! BGV cases: submission (charge + cases + checks + jobs in one transaction), the check job
//! (source → decision → case roll-up → webhook events), the report, and the audit.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::crypto::{Vault, sign_link};
use crate::domain::cases::CheckResult;
use crate::domain::catalog::{self, CheckSpec};
use crate::domain::decision::{self, Decision};
use crate::domain::ids::{Aadhaar, Mobile, Pan, Uan};
use crate::domain::time::{format_report_time, format_timestamp};
use crate::jobs::{Job, JobError, JobHandler, NewJob};
use crate::providers::check::{CheckInput, EmployerClaim};
use crate::providers::{ProviderError, Providers};
use crate::reports::model::{Candidate as ReportCandidate, CheckReport, Field, Report, Summary};
use crate::store::cases::{CaseView, CheckOutcome, NewCase, NewCheck};
use crate::store::credits::{Insufficient, LedgerKind, Movement};
use crate::store::{Store, StoreError, now_ms};

pub const SERVICE: &str = "bgv";
pub const CHECK_JOB: &str = "check.run";
/// Attempts a check gets before it is decided `unable_to_verify`.
pub const CHECK_ATTEMPTS: i64 = 4;

/// A candidate as submitted, every detail already validated.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<Mobile>,
    pub dob: Option<NaiveDate>,
    pub father_name: Option<String>,
    pub permanent_address: Option<String>,
    pub address: Option<String>,
    pub pincode: Option<String>,
    pub pan: Option<Pan>,
    pub aadhaar: Option<Aadhaar>,
    pub uan: Option<Uan>,
    pub employers: Vec<EmployerClaim>,
    pub photo: Option<String>,
    pub sandbox_outcome: BTreeMap<String, String>,
}

/// The declared details as stored: the Aadhaar sealed, never in clear.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct StoredCandidate {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    dob: Option<NaiveDate>,
    father_name: Option<String>,
    permanent_address: Option<String>,
    address: Option<String>,
    pincode: Option<String>,
    pan: Option<String>,
    aadhaar_sealed: Option<String>,
    aadhaar_masked: Option<String>,
    uan: Option<String>,
    employers: Vec<EmployerClaim>,
    #[serde(default)]
    sandbox_outcome: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseCreated {
    pub candidate_id: String,
    pub case_id: String,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    pub total_cost: i64,
    pub balance: i64,
    pub cases: Vec<CaseCreated>,
}

/// The organisation's price for a check (its own, else the catalog's).
pub fn price(spec: &CheckSpec, org_settings: &serde_json::Value) -> i64 {
    org_settings["prices"][spec.key]
        .as_i64()
        .filter(|p| *p >= 0)
        .unwrap_or(spec.price)
}

/// `YYMMDD` + 10 random digits: a 16-digit reference like the vendor's.
fn reference_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    format!(
        "{}{:010}",
        chrono::Utc::now().format("%y%m%d"),
        rng.random_range(0..10_000_000_000u64)
    )
}

pub async fn submit(
    store: &Store,
    vault: &Vault,
    org_id: &str,
    org_settings: &serde_json::Value,
    checks: &[&'static CheckSpec],
    candidates: &[Candidate],
) -> Result<Result<Submitted, Insufficient>, StoreError> {
    let mut cases = Vec::with_capacity(candidates.len());
    let mut created = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let case_id = uuid::Uuid::new_v4().to_string();
        let candidate_id = uuid::Uuid::new_v4().to_string();
        let stored = StoredCandidate {
            name: candidate.name.clone(),
            email: candidate.email.clone(),
            phone: candidate.phone.as_ref().map(|m| m.as_str().to_string()),
            dob: candidate.dob,
            father_name: candidate.father_name.clone(),
            permanent_address: candidate.permanent_address.clone(),
            address: candidate.address.clone(),
            pincode: candidate.pincode.clone(),
            pan: candidate.pan.as_ref().map(|p| p.as_str().to_string()),
            aadhaar_sealed: candidate.aadhaar.as_ref().map(|a| vault.seal(a.expose())),
            aadhaar_masked: candidate.aadhaar.as_ref().map(Aadhaar::masked),
            uan: candidate.uan.as_ref().map(|u| u.as_str().to_string()),
            employers: candidate.employers.clone(),
            sandbox_outcome: candidate.sandbox_outcome.clone(),
        };
        let checks = checks
            .iter()
            .map(|spec| {
                let id = uuid::Uuid::new_v4().to_string();
                NewCheck {
                    job: NewJob::new(CHECK_JOB, serde_json::json!({ "check_id": id }))
                        .for_org(org_id)
                        .max_attempts(CHECK_ATTEMPTS),
                    id,
                    check_type: spec.key.to_string(),
                    price: price(spec, org_settings),
                }
            })
            .collect();
        created.push(CaseCreated {
            candidate_id: candidate_id.clone(),
            case_id: case_id.clone(),
            name: candidate.name.clone(),
            email: candidate.email.clone(),
        });
        cases.push(NewCase {
            id: case_id,
            reference_id: reference_id(),
            candidate_id,
            candidate_name: candidate.name.clone(),
            candidate_email: candidate.email.clone(),
            candidate_photo: candidate.photo.clone().unwrap_or_default(),
            candidate: serde_json::to_string(&stored).unwrap_or_default(),
            checks,
        });
    }
    let total: i64 = cases.iter().map(NewCase::cost).sum();
    let input = serde_json::json!({
        "checks": checks.iter().map(|s| s.key).collect::<Vec<_>>(),
        "case_ids": cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
    });
    let reference = cases.first().map(|c| c.id.clone());
    let charge = Movement {
        org_id,
        kind: LedgerKind::Debit,
        amount: total,
        service: SERVICE,
        reference_id: reference.as_deref(),
        input: Some(&input),
        output: None,
    };
    Ok(store
        .create_cases(&charge, &cases)
        .await?
        .map(|balance| Submitted {
            total_cost: total,
            balance,
            cases: created,
        }))
}

/// Runs one check: its source, then the decision, then the case roll-up.
pub struct CheckHandler {
    pub store: Store,
    pub providers: Providers,
    pub vault: Arc<Vault>,
    pub webhook_attempts: i64,
}

#[derive(Deserialize)]
struct CheckPayload {
    check_id: String,
}

impl CheckHandler {
    async fn input(&self, job: &Job) -> Result<Option<(String, CheckInput)>, JobError> {
        let payload: CheckPayload = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Fatal(format!("bad payload: {e}")))?;
        let Some((check, case)) = self.store.check_for_job(&payload.check_id).await? else {
            return Err(JobError::Fatal("check no longer exists".into()));
        };
        if check.status != "in_progress" {
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
        let address = if check.check_type == "criminal_check" {
            stored.permanent_address.clone().or(stored.address.clone())
        } else {
            stored.address.clone().or(stored.permanent_address.clone())
        };
        let input = CheckInput {
            sandbox_outcome: stored.sandbox_outcome.get(&check.check_type).cloned(),
            check_type: check.check_type,
            reference: check.id.clone(),
            name: stored.name,
            dob: stored.dob,
            father_name: stored.father_name,
            address,
            pincode: stored.pincode,
            phone: stored.phone,
            pan: stored.pan,
            aadhaar,
            uan: stored.uan,
            employers: stored.employers,
            attempt: job.attempts,
        };
        Ok(Some((check.id, input)))
    }

    async fn record(
        &self,
        check_id: &str,
        decision: &Decision,
        source: &str,
        evidence: &[crate::providers::check::Evidence],
    ) -> Result<(), JobError> {
        let fields = (!decision.fields.is_empty()).then(|| {
            serde_json::to_string(
                &decision
                    .fields
                    .iter()
                    .map(|(label, value)| Field {
                        label: label.clone(),
                        value: value.clone(),
                    })
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default()
        });
        let entries = (!decision.entries.is_empty())
            .then(|| serde_json::to_string(&decision.entries).unwrap_or_default());
        self.store
            .complete_check(
                &CheckOutcome {
                    check_id,
                    result: decision.result,
                    remark: &decision.remark,
                    fields,
                    entries,
                    source,
                    evidence,
                },
                self.webhook_attempts,
            )
            .await?;
        Ok(())
    }
}

impl CheckHandler {
    /// Records a decision the source gave no record for (none held, or never reached).
    async fn record_unsourced(
        &self,
        check_id: &str,
        input: &CheckInput,
        decision: &Decision,
    ) -> Result<(), JobError> {
        let source = self.providers.source_name(&input.check_type);
        self.record(check_id, decision, source, &[]).await
    }
}

#[async_trait]
impl JobHandler for CheckHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let Some((check_id, input)) = self.input(job).await? else {
            return Ok(());
        };
        let provider = self.providers.check_provider(&input.check_type);
        match self.providers.call(provider.fetch(&input)).await {
            Ok(record) => {
                let decision = decision::decide(&input, &record);
                self.record(&check_id, &decision, &record.source, &record.documents)
                    .await
            }
            Err(ProviderError::NotFound) => {
                let source = self.providers.source_name(&input.check_type);
                self.record_unsourced(&check_id, &input, &decision::not_available(source))
                    .await
            }
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }

    async fn on_dead(&self, job: &Job, error: &str) {
        let outcome = match self.input(job).await {
            Ok(Some((check_id, input))) => {
                let decision = decision::unable_to_verify(job.attempts, error);
                self.record_unsourced(&check_id, &input, &decision).await
            }
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, "could not record an unverifiable check");
        }
    }
}

/// Makes signed, expiring links to files this server serves.
#[derive(Clone)]
pub struct Links {
    pub base_url: String,
    pub key: Arc<Vec<u8>>,
    pub ttl_secs: i64,
}

impl Links {
    pub fn url(&self, path: &str) -> String {
        let expires = chrono::Utc::now().timestamp() + self.ttl_secs;
        format!(
            "{}{path}?{}",
            self.base_url.trim_end_matches('/'),
            sign_link(&self.key, path, expires)
        )
    }
}

/// The report of a case as seed 000 shows it.
pub fn report(view: &CaseView, links: &Links) -> Report {
    let mut summary = Summary::default();
    let mut checks = Vec::with_capacity(view.checks.len());
    for check in &view.checks {
        let result = CheckResult::parse(&check.result).unwrap_or(CheckResult::Pending);
        summary.total += 1;
        match result {
            CheckResult::Clear => summary.clear += 1,
            CheckResult::MinorDiscrepancy => summary.minor_discrepancy += 1,
            CheckResult::Discrepancy => summary.discrepancy += 1,
            CheckResult::UnableToVerify => summary.unable_to_verify += 1,
            CheckResult::NotAvailable => summary.not_available += 1,
            CheckResult::Pending => summary.pending += 1,
        }
        let spec = catalog::spec(&check.check_type);
        let done = check.status == "completed";
        let documents: Vec<String> = view
            .evidence
            .iter()
            .filter(|e| e.check_id == check.id)
            .map(|e| links.url(&format!("/files/evidence/{}", e.id)))
            .collect();
        checks.push(CheckReport {
            kind: spec
                .map(|s| s.report_type)
                .unwrap_or(&check.check_type)
                .to_string(),
            name: spec
                .map(|s| s.name)
                .unwrap_or(&check.check_type)
                .to_string(),
            category: spec.map(|s| s.category).unwrap_or("Other").to_string(),
            status: if done { "completed" } else { "in_progress" }.to_string(),
            result: result.as_str().to_string(),
            completed_at: check.completed_at.map(format_report_time),
            fields: check
                .fields
                .as_deref()
                .and_then(|f| serde_json::from_str(f).ok()),
            documents: (!documents.is_empty()).then_some(documents),
            remark: if done {
                check.remark.clone()
            } else {
                spec.map(|s| s.pending_remark.to_string())
            },
            entries: check
                .entries
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok()),
        });
    }
    Report {
        reference_id: view.case.reference_id.clone(),
        generated_at: format_timestamp(now_ms()),
        status: view.case.status.clone(),
        result: view.case.result.clone(),
        candidate: ReportCandidate {
            name: view.case.candidate_name.clone(),
            photo: view.case.candidate_photo.clone(),
        },
        summary,
        checks,
    }
}

/// Renders a case's report as PDF, evidence images included. CPU-bound: runs off the async
/// threads.
pub async fn render_pdf(store: &Store, links: &Links, view: &CaseView) -> anyhow::Result<Vec<u8>> {
    use crate::reports::pdf::{EvidenceImage, PdfOptions, render};
    let report = report(view, links);
    let org = store
        .org(&view.case.org_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the case's organisation is gone"))?;
    let evidence = store
        .evidence_files(&view.case.id)
        .await?
        .into_iter()
        .filter_map(|(check_id, _content_type, bytes)| {
            let check_index = view.checks.iter().position(|c| c.id == check_id)?;
            Some(EvidenceImage {
                check_index,
                name: format!("Evidence for {}", report.checks[check_index].name),
                bytes,
            })
        })
        .collect::<Vec<_>>();
    let options = PdfOptions {
        organisation: org.name,
        sandbox: org.is_sandbox,
    };
    tokio::task::spawn_blocking(move || render(&report, &evidence, &options))
        .await?
        .map_err(anyhow::Error::from)
}
