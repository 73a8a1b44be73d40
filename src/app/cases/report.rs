//! The report of a case (seed 000's JSON) and its PDF.
//!
//! A completed case no longer changes, so its report is built once and kept (`case_reports`,
//! keyed by the case and its version): a read of a completed case's report is one look-up plus
//! fresh signing of its evidence links, however many cases the database holds — and, once this
//! process has read it, not even that ([`ReportCache`]). The PDF is
//! likewise rendered once per version and kept; renders run at most `max_concurrent_pdf_renders`
//! at a time ([`RenderGate`]), each off the async threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::app::links::Links;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::cases::{CheckResult, ReportFormat};
use crate::domain::catalog;
use crate::domain::time::{format_report_time, format_timestamp};
use crate::files::{Content, FileStore};
use crate::reports::model::{Candidate as ReportCandidate, CheckReport, Field, Report, Summary};
use crate::store::cases::{CaseView, EvidenceFile};
use crate::store::reports::Kept;
use crate::store::{Store, StoreError, decode_json, now_ms};

/// The path an evidence file is served at; the JSON report carries it signed.
fn evidence_path(evidence_id: &str) -> String {
    format!("/files/evidence/{evidence_id}")
}

/// The report of a case as seed 000 shows it, its `documents` as unsigned paths (the form a
/// report is kept in; [`sign`] turns them into links).
/// A check's stored fields or entries that do not decode are an error, never a silent omission.
pub fn build(view: &CaseView) -> Result<Report, StoreError> {
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
        let done = check.status.is_terminal();
        let documents: Vec<String> = view
            .evidence
            .iter()
            .filter(|e| e.check_id == check.id)
            .map(|e| evidence_path(&e.id))
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

/// The report as it is served: evidence paths as fresh signed links, generated now.
pub fn sign(mut report: Report, links: &Links) -> Report {
    report.generated_at = format_timestamp(now_ms());
    for check in &mut report.checks {
        for document in check.documents.iter_mut().flatten() {
            *document = links.url(document);
        }
    }
    report
}

/// The report of a case the organisation owns, as served. A completed case's report is read from
/// its kept copy (kept on its first read); an open case's is built from its rows.
pub async fn report(
    store: &Store,
    links: &Links,
    cache: &ReportCache,
    org_id: &str,
    case_id: &str,
) -> AppResult<Report> {
    if let Some(report) = cache.get(org_id, case_id) {
        return Ok(sign(Report::clone(&report), links));
    }
    // The JSON is kept in its row (a file-store copy would be a second round trip per read).
    if let Some(Kept::Body(kept)) = store
        .kept_report(org_id, case_id, ReportFormat::Json)
        .await?
    {
        let report: Report = decode_json("kept report", &kept)?;
        cache.put(org_id, case_id, Arc::new(report.clone()));
        return Ok(sign(report, links));
    }
    let view = store
        .case_view(org_id, case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Case))?;
    let report = build(&view)?;
    if view.case.status.is_terminal() {
        let body = serde_json::to_vec(&report).map_err(AppError::internal)?;
        store
            .keep_report(
                case_id,
                ReportFormat::Json,
                view.case.version,
                &Kept::Body(body),
            )
            .await?;
        cache.put(org_id, case_id, Arc::new(report.clone()));
    }
    Ok(sign(report, links))
}

/// Completed reports this process has read, held in memory so another read of one costs no
/// database work beyond authentication. Sound because a completed case never changes: its kept
/// report is final. A hit is served only to the case's own organisation (anyone else goes to
/// the database, and its 404). Bounded to `capacity` reports: a full cache makes room by
/// dropping an arbitrary one. Capacity 0 turns it off.
#[derive(Clone, Default)]
pub struct ReportCache {
    reports: Arc<Mutex<HashMap<String, Owned>>>,
    capacity: usize,
}

/// A cached report and the organisation that owns its case.
type Owned = (String, Arc<Report>);

impl ReportCache {
    pub fn new(capacity: usize) -> Self {
        ReportCache {
            reports: Arc::default(),
            capacity,
        }
    }

    fn get(&self, org_id: &str, case_id: &str) -> Option<Arc<Report>> {
        let reports = self.reports.lock().ok()?;
        reports
            .get(case_id)
            .filter(|(owner, _)| owner == org_id)
            .map(|(_, report)| report.clone())
    }

    fn put(&self, org_id: &str, case_id: &str, report: Arc<Report>) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut reports) = self.reports.lock() else {
            return;
        };
        if reports.len() >= self.capacity
            && !reports.contains_key(case_id)
            && let Some(evicted) = reports.keys().next().cloned()
        {
            reports.remove(&evicted);
        }
        reports.insert(case_id.to_string(), (org_id.to_string(), report));
    }
}

/// Bounds how many PDFs render at once: a render takes a core and tens of megabytes for a while,
/// so a burst of downloads queues here instead of exhausting the machine.
#[derive(Clone)]
pub struct RenderGate(Arc<Semaphore>);

impl RenderGate {
    pub fn new(max_concurrent: usize) -> Self {
        RenderGate(Arc::new(Semaphore::new(max_concurrent.max(1))))
    }

    /// Waits for a render slot; the render runs while the slot is held.
    pub async fn slot(&self) -> AppResult<tokio::sync::SemaphorePermit<'_>> {
        self.0.acquire().await.map_err(AppError::internal)
    }
}

/// Where a case's PDF for `version` is kept in the file store: one key per case version, so a
/// second render of the same version (two downloads racing) writes the same key.
pub fn pdf_key(org_id: &str, case_id: &str, version: i64) -> String {
    format!("reports/{org_id}/{case_id}/{version}.pdf")
}

/// The PDF kept for the case's current version, if any: from the file store, or from the row
/// for one kept before the file store held reports. A row whose file is missing counts as none
/// (the PDF is rendered again).
pub async fn kept_pdf(
    store: &Store,
    files: &FileStore,
    org_id: &str,
    case_id: &str,
) -> AppResult<Option<Content>> {
    match store
        .kept_report(org_id, case_id, ReportFormat::Pdf)
        .await?
    {
        None => Ok(None),
        Some(Kept::Body(bytes)) => Ok(Some(Content::Bytes(bytes))),
        Some(Kept::File(key)) => {
            let found = files.open(&key).await.map_err(AppError::internal)?;
            if found.is_none() {
                tracing::warn!(%key, "a kept PDF's file is missing; rendering it again");
            }
            Ok(found.map(|(size, stream)| Content::Stream { size, stream }))
        }
    }
}

/// Keeps `pdf` as the case's PDF for `version`: the file first, then the row naming it.
pub async fn keep_pdf(
    store: &Store,
    files: &FileStore,
    org_id: &str,
    case_id: &str,
    version: i64,
    pdf: Vec<u8>,
) -> AppResult<()> {
    let key = pdf_key(org_id, case_id, version);
    files.put(&key, pdf).await.map_err(AppError::internal)?;
    store
        .keep_report(case_id, ReportFormat::Pdf, version, &Kept::File(key))
        .await?;
    Ok(())
}

/// An evidence file's bytes: from the file store, or from its row when it predates the store.
async fn evidence_bytes(files: &FileStore, file: EvidenceFile) -> AppResult<Option<Vec<u8>>> {
    match (file.storage_key, file.bytes) {
        (Some(key), _) => files.get(&key).await.map_err(AppError::internal),
        (None, bytes) => Ok(bytes),
    }
}

/// An evidence file served by its signed link (the link is the authorisation): its content
/// type and content, streamed from the file store.
pub async fn evidence(
    store: &Store,
    files: &FileStore,
    evidence_id: &str,
) -> AppResult<(String, Content)> {
    let not_found = || AppError::NotFound(Resource::File);
    let file = store
        .evidence_file(evidence_id)
        .await?
        .ok_or_else(not_found)?;
    let content = match (file.storage_key, file.bytes) {
        (Some(key), _) => {
            let (size, stream) = files
                .open(&key)
                .await
                .map_err(AppError::internal)?
                .ok_or_else(|| {
                    tracing::error!(%key, "an evidence row names a file the store does not hold");
                    not_found()
                })?;
            Content::Stream { size, stream }
        }
        (None, Some(bytes)) => Content::Bytes(bytes),
        (None, None) => return Err(not_found()),
    };
    Ok((file.content_type, content))
}

/// The PDF of a case the organisation owns, at its current version: the kept one, or rendered
/// (once per version: a download waiting for a render slot takes the copy another one kept
/// meanwhile) and kept. The caller decides whether the case may be downloaded at all.
pub async fn pdf(
    store: &Store,
    files: &FileStore,
    gate: &RenderGate,
    view: &CaseView,
) -> AppResult<Content> {
    let (org_id, case_id) = (&view.case.org_id, &view.case.id);
    if let Some(kept) = kept_pdf(store, files, org_id, case_id).await? {
        return Ok(kept);
    }
    let report = build(view)?;
    let org = store
        .org(org_id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the case's organisation is gone")))?;
    let mut evidence = Vec::new();
    for file in store.evidence_files(case_id).await? {
        let Some(check_index) = view.checks.iter().position(|c| c.id == file.check_id) else {
            continue;
        };
        let name = format!("{} — {}", report.checks[check_index].name, file.name);
        let content_type = file.content_type.clone();
        let Some(bytes) = evidence_bytes(files, file).await? else {
            tracing::error!(case_id, "an evidence file is missing from the store");
            continue;
        };
        evidence.push(crate::reports::pdf::EvidenceItem {
            check_index,
            name,
            content_type,
            bytes,
        });
    }
    let options = crate::reports::pdf::PdfOptions {
        organisation: org.name,
        sandbox: org.is_sandbox,
    };
    let _slot = gate.slot().await?;
    // Another download may have rendered this version while this one waited for its slot.
    if let Some(kept) = kept_pdf(store, files, org_id, case_id).await? {
        return Ok(kept);
    }
    let pdf = tokio::task::spawn_blocking(move || {
        crate::reports::pdf::render(&report, &evidence, &options)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    keep_pdf(
        store,
        files,
        org_id,
        case_id,
        view.case.version,
        pdf.clone(),
    )
    .await?;
    Ok(Content::Bytes(pdf))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn a_report(reference_id: &str) -> Arc<Report> {
        Arc::new(Report {
            reference_id: reference_id.into(),
            generated_at: String::new(),
            status: crate::domain::cases::CaseStatus::Completed,
            result: CheckResult::Clear,
            candidate: ReportCandidate {
                name: "A".into(),
                photo: String::new(),
            },
            summary: Summary::default(),
            checks: Vec::new(),
        })
    }

    #[test]
    fn the_cache_serves_a_report_only_to_its_organisation_and_stays_bounded() {
        let cache = ReportCache::new(2);
        cache.put("org-a", "case-1", a_report("1"));
        assert_eq!(cache.get("org-a", "case-1").unwrap().reference_id, "1");
        assert!(cache.get("org-b", "case-1").is_none());
        cache.put("org-a", "case-2", a_report("2"));
        cache.put("org-a", "case-3", a_report("3"));
        assert_eq!(cache.reports.lock().unwrap().len(), 2);
        assert_eq!(cache.get("org-a", "case-3").unwrap().reference_id, "3");
        let off = ReportCache::new(0);
        off.put("org-a", "case-1", a_report("1"));
        assert!(off.get("org-a", "case-1").is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_gate_runs_at_most_its_number_of_renders_at_once() {
        let gate = RenderGate::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
                tokio::spawn(async move {
                    let _slot = gate.slot().await.unwrap();
                    tokio::task::spawn_blocking(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .unwrap();
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= 2, "{peak:?}");
        assert_eq!(running.load(Ordering::SeqCst), 0);
        // A gate of 0 still lets one render through.
        assert!(RenderGate::new(0).slot().await.is_ok());
    }
}
