//! Ongoing monitoring. Every subject screened by `aml_check` is kept (unless its organisation
//! turned `screening_monitoring` off); importing a list version queues the re-screening of every
//! kept subject as batch jobs, in the import's transaction. A batch job screens each subject
//! against an index that serves the new version (or a newer one), and when a match is new or
//! changed it updates the subject and records a `screening.match` event in one transaction.
//! Re-running a batch finds nothing new the second time: it is idempotent.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Value, json};
use tracing::Instrument;

use super::refresh;
use crate::app::webhooks::record_event;
use crate::domain::events;
use crate::jobs::{Job, JobError, JobHandler, JobKind, job_kind};
use crate::providers::screening::{MAX_HITS, hit_json};
use crate::screening::engine::Engine;
use crate::screening::index::{Index, Query};
use crate::screening::model::{EntityType, PartialDate};
use crate::store::screening::{NewSubject, SubjectRow};
use crate::store::{Store, StoreResult, Tx, decode_json, now_ms};

/// Subjects per re-screening job.
pub const BATCH: i64 = 200;
/// Attempts a batch gets (it waits for the worker's index to reach the new version).
const ATTEMPTS: i64 = 20;

job_kind! {
    /// The job that re-screens one batch of kept subjects against a new list version.
    RescreenJob = "screening.rescreen",
    payload RescreenPayload { version_id: String, subject_ids: Vec<String> }
}

/// Queues the re-screening of every kept subject for list version `version_id`, in `tx`.
/// Returns the number of batch jobs.
pub async fn queue_rescreening(tx: &mut Tx, version_id: &str) -> StoreResult<usize> {
    let mut after = String::new();
    let mut jobs = 0;
    loop {
        let ids = tx.subject_ids_after(&after, BATCH).await?;
        let Some(last) = ids.last().cloned() else {
            break;
        };
        let payload = RescreenPayload {
            version_id: version_id.to_string(),
            subject_ids: ids,
        };
        tx.enqueue::<RescreenJob>(&payload, None, ATTEMPTS).await?;
        jobs += 1;
        after = last;
    }
    Ok(jobs)
}

/// A subject the check job screened, to keep.
#[derive(Debug, Clone)]
pub struct Screened<'a> {
    pub org_id: &'a str,
    pub check_id: &'a str,
    pub case_id: &'a str,
    pub name: &'a str,
    pub dob: Option<chrono::NaiveDate>,
    /// The hits the check found (record items of the screening source).
    pub matches: &'a [Value],
    /// The list versions the check was screened against (empty when the sandbox answered).
    pub list_versions: Vec<String>,
}

/// Keeps a screened subject, in the check's transaction. A subject already kept for the check
/// (a re-run) is left as it is.
pub async fn watch(tx: &mut Tx, s: &Screened<'_>) -> StoreResult<()> {
    let id = format!("scr_{}", uuid::Uuid::new_v4().simple());
    let matches = Value::Array(s.matches.to_vec()).to_string();
    let versions = json!(s.list_versions).to_string();
    let dob = s.dob.map(|d| d.format("%Y-%m-%d").to_string());
    tx.insert_subject(&NewSubject {
        id: &id,
        org_id: s.org_id,
        check_id: s.check_id,
        case_id: s.case_id,
        name: s.name,
        dob: dob.as_deref(),
        country: None,
        matches: &matches,
        list_versions: &versions,
    })
    .await?;
    Ok(())
}

/// A match is identified by its list and the list's entity id.
fn match_key(hit: &Value) -> (String, String) {
    let text = |k: &str| match &hit[k] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    (text("list"), text("entity_id"))
}

/// The matches of `new` that `old` lacks, or whose listed details (names, programs, dates)
/// changed. A score that moves alone is not a change.
pub fn new_or_changed(old: &[Value], new: &[Value]) -> Vec<Value> {
    let fields = [
        "primary_name",
        "name",
        "programs",
        "birth_dates",
        "entity_type",
    ];
    new.iter()
        .filter(|hit| {
            let key = match_key(hit);
            match old.iter().find(|o| match_key(o) == key) {
                None => true,
                Some(before) => fields.iter().any(|f| before[*f] != hit[*f]),
            }
        })
        .cloned()
        .collect()
}

/// Screens a kept subject against `index`.
pub fn screen(index: &Index, subject: &SubjectRow) -> Vec<Value> {
    let dob = subject.dob.as_deref().and_then(PartialDate::parse);
    let mut query = Query::new(subject.name.clone())
        .with_limit(MAX_HITS)
        .with_entity_type(EntityType::Person);
    if let Some(d) = dob {
        query = query.with_dob(d);
    }
    if let Some(c) = &subject.country {
        query = query.with_country(c.clone());
    }
    index
        .search(&query)
        .iter()
        .map(|m| hit_json(index, m, dob))
        .collect()
}

pub struct RescreenHandler {
    pub store: Store,
    pub engine: Arc<Engine>,
    pub webhook_attempts: i64,
}

impl RescreenHandler {
    /// The engine's index, once it serves `version_id` or a newer version of that list.
    async fn index_serving(&self, version_id: &str) -> Result<Option<Arc<Index>>, JobError> {
        let latest: Vec<String> = self
            .store
            .latest_list_versions()
            .await?
            .into_iter()
            .map(|v| v.id)
            .collect();
        // The version itself, or — once a newer version replaced it — the newest of every list.
        let serves = |index: &Index| {
            let ids: Vec<&str> = index
                .sources()
                .iter()
                .map(|s| s.version_id.as_str())
                .collect();
            ids.contains(&version_id)
                || (!latest.iter().any(|id| id == version_id)
                    && ids == latest.iter().map(String::as_str).collect::<Vec<_>>())
        };
        if let Some(index) = self.engine.current()
            && serves(&index)
        {
            return Ok(Some(index));
        }
        refresh::refresh(&self.store, &self.engine)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        Ok(self.engine.current().filter(|index| serves(index)))
    }

    async fn rescreen(&self, index: &Index, subject_id: &str, now: i64) -> Result<(), JobError> {
        let Some(subject) = self.store.subject_for_job(subject_id).await? else {
            return Ok(());
        };
        let monitoring = match self.store.org(&subject.org_id).await? {
            Some(org) => org.settings()?.screening_monitoring,
            None => false,
        };
        if !monitoring {
            return Ok(());
        }
        let hits = screen(index, &subject);
        let versions: Vec<&str> = index
            .sources()
            .iter()
            .map(|s| s.version_id.as_str())
            .collect();
        let mut tx = self.store.begin().await?;
        let Some(locked) = tx.subject_for_update(subject_id).await? else {
            return Ok(());
        };
        let old: Vec<Value> = decode_json("screening subject matches", &locked.matches)?;
        let changed = new_or_changed(&old, &hits);
        tx.update_subject_screening(
            subject_id,
            &Value::Array(hits.clone()).to_string(),
            &json!(versions).to_string(),
            (!changed.is_empty()).then_some(now),
        )
        .await?;
        if !changed.is_empty() {
            let lists: Vec<Value> = index
                .sources()
                .iter()
                .map(|s| json!({"list": s.name, "version": s.version, "version_id": s.version_id}))
                .collect();
            let event = events::screening_match(
                json!({
                    "subject_id": locked.id,
                    "check_id": locked.check_id,
                    "case_id": locked.case_id,
                    "name": locked.name,
                    "dob": locked.dob,
                    "lists": lists,
                    "matches": changed,
                    "total_matches": hits.len(),
                }),
                now,
            );
            record_event(&mut tx, &locked.org_id, &event, self.webhook_attempts).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl JobHandler for RescreenHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let payload = RescreenJob::payload(job)?;
        let span = tracing::info_span!(
            "screening.rescreen",
            version_id = %payload.version_id,
            subjects = payload.subject_ids.len()
        );
        async {
            let Some(index) = self.index_serving(&payload.version_id).await? else {
                return Err(JobError::Retry(format!(
                    "the index does not serve list version {} yet",
                    payload.version_id
                )));
            };
            let now = now_ms();
            for id in &payload.subject_ids {
                self.rescreen(&index, id, now).await?;
            }
            Ok(())
        }
        .instrument(span)
        .await
    }
}
