//! Screening data: list versions (metadata and their compressed entities) and watched subjects.
//! Typed access only; which version is current, what counts as a change and when to re-screen
//! are the application's business.

use serde::Serialize;
use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms, with_conn};
use crate::screening::model::ListKind;

/// One stored list version (without its entities).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ListVersionRow {
    pub id: String,
    pub list_kind: ListKind,
    pub name: String,
    pub version: i64,
    pub file_sha256: String,
    pub entity_count: i64,
    pub alias_count: i64,
    pub skipped_count: i64,
    pub skipped_sample: String,
    pub imported_at: i64,
}

/// A list version to store.
#[derive(Debug, Clone)]
pub struct NewListVersion<'a> {
    pub id: &'a str,
    pub list_kind: ListKind,
    pub name: &'a str,
    pub version: i64,
    pub file_sha256: &'a str,
    pub entity_count: i64,
    pub alias_count: i64,
    pub skipped_count: i64,
    pub skipped_sample: &'a str,
    /// The entities as gzip-compressed JSON.
    pub entities_gz: &'a [u8],
}

/// A watched subject.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SubjectRow {
    pub id: String,
    pub org_id: String,
    pub check_id: String,
    pub case_id: String,
    pub name: String,
    pub dob: Option<String>,
    pub country: Option<String>,
    /// JSON array of the last matches.
    pub matches: String,
    /// JSON array of the list version ids the last screening used.
    pub list_versions: String,
    pub created_at: i64,
    pub last_screened_at: i64,
    pub last_change_at: Option<i64>,
}

/// A subject to start watching.
#[derive(Debug, Clone)]
pub struct NewSubject<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub check_id: &'a str,
    pub case_id: &'a str,
    pub name: &'a str,
    pub dob: Option<&'a str>,
    pub country: Option<&'a str>,
    pub matches: &'a str,
    pub list_versions: &'a str,
}

const LATEST_VERSIONS: &str = "SELECT id, list_kind, name, version, file_sha256, entity_count,
            alias_count, skipped_count, skipped_sample, imported_at
     FROM screening_list_versions v
     WHERE version = (SELECT MAX(version) FROM screening_list_versions w WHERE w.name = v.name)
     ORDER BY name";

impl Tx {
    /// The newest version of the list called `name`.
    pub async fn latest_list_version(&mut self, name: &str) -> StoreResult<Option<ListVersionRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, ListVersionRow>(LATEST_LIST_VERSION)
                .bind(name)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// Stores a list version and its entities. `(name, version)` is unique: a concurrent import
    /// of the same list that took the number first makes this fail.
    pub async fn insert_list_version(&mut self, v: &NewListVersion<'_>) -> StoreResult<i64> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(INSERT_LIST_VERSION)
                .bind(v.id)
                .bind(v.list_kind)
                .bind(v.name)
                .bind(v.version)
                .bind(v.file_sha256)
                .bind(v.entity_count)
                .bind(v.alias_count)
                .bind(v.skipped_count)
                .bind(v.skipped_sample)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            sqlx::query(INSERT_LIST_DATA)
                .bind(v.id)
                .bind(v.entities_gz)
                .execute(&mut *conn)
                .await?;
            Ok(now)
        })
    }

    /// Ids of every watched subject after `after` (keyset order), at most `limit`.
    pub async fn subject_ids_after(&mut self, after: &str, limit: i64) -> StoreResult<Vec<String>> {
        on_tx!(self, |conn| {
            let rows: Vec<(String,)> = sqlx::query_as(SUBJECT_IDS_AFTER)
                .bind(after)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        })
    }

    /// Starts watching a subject; a subject already kept for the same check is left alone
    /// (`false`).
    pub async fn insert_subject(&mut self, s: &NewSubject<'_>) -> StoreResult<bool> {
        let now = now_ms();
        on_tx!(self, |conn| {
            let done = sqlx::query(INSERT_SUBJECT)
                .bind(s.id)
                .bind(s.org_id)
                .bind(s.check_id)
                .bind(s.case_id)
                .bind(s.name)
                .bind(s.dob)
                .bind(s.country)
                .bind(s.matches)
                .bind(s.list_versions)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// A subject, read for an update in this transaction (row-locked on PostgreSQL; SQLite's
    /// writer lock is already held).
    pub async fn subject_for_update(&mut self, id: &str) -> StoreResult<Option<SubjectRow>> {
        match &mut self.inner {
            super::tx::TxInner::Sqlite(t) => Ok(sqlx::query_as::<_, SubjectRow>(SUBJECT_BY_ID)
                .bind(id)
                .fetch_optional(&mut **t)
                .await?),
            super::tx::TxInner::Postgres(t) => {
                Ok(sqlx::query_as::<_, SubjectRow>(SUBJECT_FOR_UPDATE)
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?)
            }
        }
    }

    /// Records a screening of a subject: its matches and the list versions used; `changed_at`
    /// when the matches changed in a way the application reports.
    pub async fn update_subject_screening(
        &mut self,
        id: &str,
        matches: &str,
        list_versions: &str,
        changed_at: Option<i64>,
    ) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(UPDATE_SUBJECT_SCREENING)
                .bind(id)
                .bind(matches)
                .bind(list_versions)
                .bind(now)
                .bind(changed_at)
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    }
}

impl super::Store {
    /// The newest version of every list name, by name.
    pub async fn latest_list_versions(&self) -> StoreResult<Vec<ListVersionRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ListVersionRow>(LATEST_VERSIONS)
                .fetch_all(pool)
                .await?)
        })
    }

    /// Whether any list version has been imported.
    pub async fn has_list_versions(&self) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let row: Option<(String,)> = sqlx::query_as(HAS_LIST_VERSIONS)
                .fetch_optional(pool)
                .await?;
            Ok(row.is_some())
        })
    }

    /// The compressed entities of one version.
    pub async fn list_entities_gz(&self, version_id: &str) -> StoreResult<Option<Vec<u8>>> {
        with_conn!(self, |pool| {
            let row: Option<(Vec<u8>,)> = sqlx::query_as(LIST_ENTITIES_GZ)
                .bind(version_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| r.0))
        })
    }

    /// Number of versions stored per list name.
    pub async fn list_version_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, (String, i64)>(LIST_VERSION_COUNTS)
                .fetch_all(pool)
                .await?)
        })
    }

    /// One of the organisation's watched subjects.
    pub async fn subject(&self, org_id: &str, id: &str) -> StoreResult<Option<SubjectRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, SubjectRow>(SUBJECT)
                .bind(id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// The organisation's watched subjects, newest first, optionally of one case.
    pub async fn subjects(
        &self,
        org_id: &str,
        case_id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<SubjectRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, SubjectRow>(SUBJECTS)
                .bind(org_id)
                .bind(case_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?)
        })
    }

    /// A subject by id, whatever its organisation (for the re-screening job).
    pub async fn subject_for_job(&self, id: &str) -> StoreResult<Option<SubjectRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, SubjectRow>(SUBJECT_BY_ID)
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const LATEST_LIST_VERSION: &str =
    "SELECT id, list_kind, name, version, file_sha256, entity_count, alias_count,
     skipped_count, skipped_sample, imported_at
     FROM screening_list_versions WHERE name = $1
     ORDER BY version DESC LIMIT 1";

pub(super) const INSERT_LIST_VERSION: &str =
    "INSERT INTO screening_list_versions (id, list_kind, name, version, file_sha256,
     entity_count, alias_count, skipped_count, skipped_sample, imported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pub(super) const INSERT_LIST_DATA: &str =
    "INSERT INTO screening_list_data (version_id, entities_gz) VALUES ($1, $2)";

pub(super) const SUBJECT_IDS_AFTER: &str =
    "SELECT id FROM screening_subjects WHERE id > $1 ORDER BY id LIMIT $2";

pub(super) const INSERT_SUBJECT: &str =
    "INSERT INTO screening_subjects (id, org_id, check_id, case_id, name, dob, country,
     matches, list_versions, created_at, last_screened_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT (check_id) DO NOTHING";

pub(super) const SUBJECT_BY_ID: &str = "SELECT * FROM screening_subjects WHERE id = $1";

pub(super) const SUBJECT_FOR_UPDATE: &str =
    "SELECT * FROM screening_subjects WHERE id = $1 FOR UPDATE";

pub(super) const UPDATE_SUBJECT_SCREENING: &str = "UPDATE screening_subjects
     SET matches = $2, list_versions = $3, last_screened_at = $4,
     last_change_at = COALESCE($5, last_change_at)
     WHERE id = $1";

pub(super) const HAS_LIST_VERSIONS: &str = "SELECT id FROM screening_list_versions LIMIT 1";

pub(super) const LIST_ENTITIES_GZ: &str =
    "SELECT entities_gz FROM screening_list_data WHERE version_id = $1";

pub(super) const LIST_VERSION_COUNTS: &str =
    "SELECT name, COUNT(*) FROM screening_list_versions GROUP BY name ORDER BY name";

pub(super) const SUBJECT: &str = "SELECT * FROM screening_subjects WHERE id = $1 AND org_id = $2";

pub(super) const SUBJECTS: &str = "SELECT * FROM screening_subjects
     WHERE org_id = $1 AND ($2 IS NULL OR case_id = $2)
     ORDER BY created_at DESC, id LIMIT $3 OFFSET $4";
