//! The report of a case (seed 000's JSON) and its PDF.

use crate::app::links::Links;
use crate::app::{AppError, AppResult};
use crate::domain::cases::{CheckResult, CheckStatus};
use crate::domain::catalog;
use crate::domain::time::{format_report_time, format_timestamp};
use crate::reports::model::{Candidate as ReportCandidate, CheckReport, Field, Report, Summary};
use crate::store::cases::CaseView;
use crate::store::{Store, StoreError, decode_json, now_ms};

/// The report of a case as seed 000 shows it.
/// A check's stored fields or entries that do not decode are an error, never a silent omission.
pub fn report(view: &CaseView, links: &Links) -> Result<Report, StoreError> {
    let mut summary = Summary::default();
    let mut checks = Vec::with_capacity(view.checks.len());
    for check in &view.checks {
        let result = check.result;
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
        let done = check.status == CheckStatus::Completed;
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
            status: check.status,
            result,
            completed_at: check.completed_at.map(format_report_time),
            fields: check
                .fields
                .as_deref()
                .map(|f| decode_json::<Vec<Field>>("check fields", f))
                .transpose()?,
            documents: (!documents.is_empty()).then_some(documents),
            remark: if done {
                check.remark.clone()
            } else {
                spec.map(|s| s.pending_remark.to_string())
            },
            entries: check
                .entries
                .as_deref()
                .map(|e| decode_json("check entries", e))
                .transpose()?,
        });
    }
    Ok(Report {
        reference_id: view.case.reference_id.clone(),
        generated_at: format_timestamp(now_ms()),
        status: view.case.status,
        result: view.case.result,
        candidate: ReportCandidate {
            name: view.case.candidate_name.clone(),
            photo: view.case.candidate_photo.clone(),
        },
        summary,
        checks,
    })
}

/// Renders a case's report as PDF, evidence images included. CPU-bound: runs off the async
/// threads.
pub async fn render_pdf(store: &Store, links: &Links, view: &CaseView) -> AppResult<Vec<u8>> {
    use crate::reports::pdf::{EvidenceImage, PdfOptions, render};
    let report = report(view, links)?;
    let org = store
        .org(&view.case.org_id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the case's organisation is gone")))?;
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
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}
