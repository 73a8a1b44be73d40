//! SQLite specifics: file creation, WAL, busy timeout, foreign keys.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub(super) async fn connect(url: &str, max_connections: u32) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
}

/// Claims up to `limit` runnable jobs: queued ones that are due and running ones whose lease has
/// expired (their worker died). SQLite has one writer at a time, so a single conditional
/// `UPDATE … RETURNING` is atomic without row locks.
pub(super) const CLAIM_JOBS: &str = "
    UPDATE jobs SET status = 'running', locked_by = $1, lease_until = $2,
                    attempts = attempts + 1, updated_at = $3
    WHERE id IN (
        SELECT id FROM jobs
        WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND lease_until < $3)
        ORDER BY run_at
        LIMIT $4
    )
    RETURNING id, kind, payload, org_id, status, attempts, max_attempts, run_at, lease_until,
              locked_by, last_error, created_at, updated_at, completed_at";

/// After a bulk load: copy the write-ahead log into the database and truncate it.
pub(super) async fn after_bulk_load(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    Ok(())
}

/// One line of `EXPLAIN QUERY PLAN`: `SCAN t` (every row), `SCAN t USING [COVERING] INDEX i`
/// (every index entry) and `SEARCH t USING …` (a range of an index). Only `SEARCH` is a look-up.
/// Gives the table read (if any) and whether all of it is read.
pub(super) fn plan_step(detail: &str) -> (Option<String>, bool) {
    let mut words = detail.split_whitespace();
    let (verb, table) = (words.next(), words.next());
    let reads =
        matches!(verb, Some("SCAN" | "SEARCH")) && !matches!(table, Some("CONSTANT" | "SUBQUERY"));
    (
        reads.then(|| table.unwrap_or_default().to_string()),
        reads && verb == Some("SCAN"),
    )
}

#[cfg(test)]
mod tests {
    use super::plan_step;

    #[test]
    fn scans_are_told_from_searches() {
        for (detail, table, full) in [
            ("SCAN jobs", Some("jobs"), true),
            (
                "SCAN jobs USING COVERING INDEX jobs_ready",
                Some("jobs"),
                true,
            ),
            (
                "SEARCH jobs USING INDEX jobs_ready (status=?)",
                Some("jobs"),
                false,
            ),
            (
                "SEARCH c USING INDEX checks_case (case_id=?)",
                Some("c"),
                false,
            ),
            ("USE TEMP B-TREE FOR ORDER BY", None, false),
            ("SCAN CONSTANT ROW", None, false),
        ] {
            let (read, all) = plan_step(detail);
            assert_eq!((read.as_deref(), all), (table, full), "{detail}");
        }
    }
}
