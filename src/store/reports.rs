//! Reports kept per case and version (`case_reports`): the JSON of a completed case and its
//! rendered PDF. A kept report is read only while its version is the case's current one; which
//! report to keep, and when, is the application's decision (`app::cases::report`).

use super::{StoreResult, now_ms, with_conn};
use crate::domain::cases::ReportFormat;

impl super::Store {
    /// The report kept in `format` for the case, only if the case belongs to `org_id` and the
    /// report was kept for the case's current version. One look-up by primary keys.
    pub async fn kept_report(
        &self,
        org_id: &str,
        case_id: &str,
        format: ReportFormat,
    ) -> StoreResult<Option<Vec<u8>>> {
        with_conn!(self, |pool| {
            let row: Option<(Vec<u8>,)> = sqlx::query_as(KEPT_REPORT)
                .bind(case_id)
                .bind(format)
                .bind(org_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| r.0))
        })
    }

    /// Keeps `body` as the case's report in `format` for `version`, replacing one kept for an
    /// older version (never a newer one: a slow writer cannot put back a stale report).
    pub async fn keep_report(
        &self,
        case_id: &str,
        format: ReportFormat,
        version: i64,
        body: &[u8],
    ) -> StoreResult<()> {
        with_conn!(self, |pool| {
            sqlx::query(
                "INSERT INTO case_reports (case_id, kind, version, body, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (case_id, kind) DO UPDATE
                 SET version = excluded.version, body = excluded.body,
                     created_at = excluded.created_at
                 WHERE case_reports.version < excluded.version",
            )
            .bind(case_id)
            .bind(format)
            .bind(version)
            .bind(body)
            .bind(now_ms())
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}

pub(crate) const KEPT_REPORT: &str = "SELECT r.body FROM case_reports r
     JOIN cases c ON c.id = r.case_id
     WHERE r.case_id = $1 AND r.kind = $2 AND c.org_id = $3 AND r.version = c.version";
