//! Reports kept per case and version (`case_reports`): the JSON of a completed case (in the row)
//! and its rendered PDF (in the file store, the row naming it). A kept report is read only while
//! its version is the case's current one; which report to keep, and when, is the application's
//! decision (`app::cases::report`).

use super::{StoreResult, now_ms, with_conn};
use crate::domain::cases::ReportFormat;

/// Where a kept report's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// In the row: the report JSON, or a PDF kept before the file store held reports.
    Body(Vec<u8>),
    /// In the file store, under this key.
    File(String),
}

impl super::Store {
    /// The report kept in `format` for the case, only if the case belongs to `org_id` and the
    /// report was kept for the case's current version. One look-up by primary keys.
    pub async fn kept_report(
        &self,
        org_id: &str,
        case_id: &str,
        format: ReportFormat,
    ) -> StoreResult<Option<Kept>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> = with_conn!(self, |pool| {
            sqlx::query_as(KEPT_REPORT)
                .bind(case_id)
                .bind(format)
                .bind(org_id)
                .fetch_optional(pool)
                .await?
        });
        // The table's CHECK makes one of the two present.
        Ok(row.and_then(|(body, key)| key.map(Kept::File).or(body.map(Kept::Body))))
    }

    /// Keeps `kept` as the case's report in `format` for `version`, replacing one kept for an
    /// older version (never a newer one: a slow writer cannot put back a stale report).
    pub async fn keep_report(
        &self,
        case_id: &str,
        format: ReportFormat,
        version: i64,
        kept: &Kept,
    ) -> StoreResult<()> {
        let (body, key) = match kept {
            Kept::Body(body) => (Some(body.as_slice()), None),
            Kept::File(key) => (None, Some(key.as_str())),
        };
        with_conn!(self, |pool| {
            sqlx::query(
                "INSERT INTO case_reports (case_id, kind, version, body, storage_key, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (case_id, kind) DO UPDATE
                 SET version = excluded.version, body = excluded.body,
                     storage_key = excluded.storage_key, created_at = excluded.created_at
                 WHERE case_reports.version < excluded.version",
            )
            .bind(case_id)
            .bind(format)
            .bind(version)
            .bind(body)
            .bind(key)
            .bind(now_ms())
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}

pub(crate) const KEPT_REPORT: &str = "SELECT r.body, r.storage_key FROM case_reports r
     JOIN cases c ON c.id = r.case_id
     WHERE r.case_id = $1 AND r.kind = $2 AND c.org_id = $3 AND r.version = c.version";
