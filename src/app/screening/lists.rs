//! List versions: importing a file (parsed, stored as the next version of its list, watched
//! subjects queued for re-screening, all in one transaction) and the summary of what is loaded.

use serde::Serialize;

use super::blob::compress;
use super::monitor;
use crate::app::{AppError, AppResult};
use crate::screening::engine::Engine;
use crate::screening::loaders::{self, ListFiles, LoadReport};
use crate::screening::model::ListKind;
use crate::store::screening::{ListVersionRow, NewListVersion};
use crate::store::{Store, StoreError};

/// Skipped rows kept with a version (the count is always complete).
const SKIPPED_SAMPLE: usize = 100;
/// Longest list name accepted.
pub const MAX_LIST_NAME: usize = 64;

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub id: String,
    pub list: String,
    #[schema(value_type = String)]
    pub kind: ListKind,
    pub version: i64,
    pub entity_count: i64,
    pub alias_count: i64,
    pub skipped_count: i64,
    pub file_sha256: String,
    /// `false` when the file is the same as the list's current version: nothing was stored.
    pub created: bool,
    /// Re-screening batch jobs queued for watched subjects.
    pub rescreen_jobs: usize,
    pub imported_at: i64,
}

/// A list name: 1–64 of `a-z 0-9 _ - .`; the list kind's short name when none is given.
pub fn list_name(kind: ListKind, name: Option<&str>) -> AppResult<String> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(kind.as_str().to_string());
    };
    let ok = name.len() <= MAX_LIST_NAME
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
        });
    if ok {
        Ok(name.to_string())
    } else {
        Err(AppError::invalid(
            "name",
            format!("name must be 1 to {MAX_LIST_NAME} of a-z, 0-9, '_', '-', '.'."),
        ))
    }
}

/// The parsed list format from its short name.
pub fn list_kind(format: &str) -> AppResult<ListKind> {
    format
        .parse::<ListKind>()
        .map_err(|_| AppError::invalid("format", "format must be one of ofac, un, senzing, csl."))
}

/// Parses `files` as a list of `kind` and stores it as the next version of the list `name`,
/// queueing the re-screening of every watched subject in the same transaction. A file identical
/// to the list's current version stores nothing. The local engine is asked to rebuild at once.
pub async fn import(
    store: &Store,
    engine: Option<&Engine>,
    kind: ListKind,
    name: &str,
    files: [Vec<u8>; 4],
) -> AppResult<Imported> {
    let (report, sha, gz) = tokio::task::spawn_blocking(move || -> AppResult<_> {
        let [main, alt, add, comments] = &files;
        let files = ListFiles {
            main,
            alt,
            add,
            comments,
        };
        let sha = files.sha256();
        let report: LoadReport = loaders::parse_files(kind, files)
            .map_err(|message| AppError::invalid("file", message))?;
        if report.entities.is_empty() {
            return Err(AppError::invalid(
                "file",
                format!(
                    "no entity could be read from the file as a {kind} list ({} rows skipped).",
                    report.skipped.len()
                ),
            ));
        }
        let gz = compress(&report.entities)?;
        Ok((report, sha, gz))
    })
    .await
    .map_err(AppError::internal)??;
    let sample: Vec<_> = report.skipped.iter().take(SKIPPED_SAMPLE).collect();
    let sample = serde_json::to_string(&sample).map_err(AppError::internal)?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);

    let mut tx = store.begin().await?;
    let current = tx.latest_list_version(name).await?;
    if let Some(current) = current
        .clone()
        .filter(|c| c.file_sha256 == sha && c.list_kind == kind)
    {
        return Ok(Imported {
            id: current.id,
            list: current.name,
            kind,
            version: current.version,
            entity_count: current.entity_count,
            alias_count: current.alias_count,
            skipped_count: current.skipped_count,
            file_sha256: sha,
            created: false,
            rescreen_jobs: 0,
            imported_at: current.imported_at,
        });
    }
    let id = uuid::Uuid::new_v4().to_string();
    let version = current.map_or(1, |c| c.version + 1);
    let row = NewListVersion {
        id: &id,
        list_kind: kind,
        name,
        version,
        file_sha256: &sha,
        entity_count: count(report.entities.len()),
        alias_count: count(report.alias_count()),
        skipped_count: count(report.skipped.len()),
        skipped_sample: &sample,
        entities_gz: &gz,
    };
    let imported_at = tx.insert_list_version(&row).await.map_err(|e| match e {
        StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            AppError::Conflict(format!(
                "another version of list {name} was imported at the same time; try again."
            ))
        }
        other => other.into(),
    })?;
    let rescreen_jobs = monitor::queue_rescreening(&mut tx, &id).await?;
    tx.commit().await?;
    if let Some(engine) = engine {
        engine.refresh_soon();
    }
    tracing::info!(
        list = name,
        version,
        entities = row.entity_count,
        "screening list imported"
    );
    let (entity_count, alias_count, skipped_count) =
        (row.entity_count, row.alias_count, row.skipped_count);
    Ok(Imported {
        id,
        list: name.to_string(),
        kind,
        version,
        entity_count,
        alias_count,
        skipped_count,
        file_sha256: sha,
        created: true,
        rescreen_jobs,
        imported_at,
    })
}

/// One loaded list as the lists endpoint shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    pub name: String,
    pub kind: ListKind,
    pub version: i64,
    pub version_id: String,
    pub versions: i64,
    pub entity_count: i64,
    pub alias_count: i64,
    pub skipped_count: i64,
    pub file_sha256: String,
    pub imported_at: i64,
    /// Whether this process's index serves this version already.
    pub serving: bool,
}

/// The newest version of every list, and whether the local index serves it.
pub async fn summary(store: &Store, engine: &Engine) -> AppResult<Vec<ListSummary>> {
    let latest: Vec<ListVersionRow> = store.latest_list_versions().await?;
    let counts = store.list_version_counts().await?;
    let serving: Vec<String> = engine
        .current()
        .map(|i| i.sources().iter().map(|s| s.version_id.clone()).collect())
        .unwrap_or_default();
    Ok(latest
        .into_iter()
        .map(|v| ListSummary {
            versions: counts
                .iter()
                .find(|(n, _)| *n == v.name)
                .map_or(1, |(_, c)| *c),
            serving: serving.contains(&v.id),
            name: v.name,
            kind: v.list_kind,
            version: v.version,
            version_id: v.id,
            entity_count: v.entity_count,
            alias_count: v.alias_count,
            skipped_count: v.skipped_count,
            file_sha256: v.file_sha256,
            imported_at: v.imported_at,
        })
        .collect())
}

/// The newest version of each list.
pub async fn latest_versions(store: &Store) -> AppResult<Vec<ListVersionRow>> {
    Ok(store.latest_list_versions().await?)
}
