//! PostgreSQL specifics: pool options, `SKIP LOCKED` job claiming, `LISTEN/NOTIFY` wake-ups.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub(super) async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("satyapan");
    PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
}

/// A `LISTEN` connection of its own: a listener holds its connection for good, so it is not
/// taken from the work pool (where it would leave `database_max_connections - 1` for work, and
/// none at all with a pool of one).
pub(super) async fn dedicated_listener(
    pool: &PgPool,
) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let own = PgPoolOptions::new()
        .max_connections(1)
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_with((*pool.connect_options()).clone())
        .await?;
    sqlx::postgres::PgListener::connect_with(&own).await
}

/// The channel a committed enqueue notifies, so workers in other processes wake at once.
pub(super) const JOBS_CHANNEL: &str = "satyapan_jobs";

/// Claims up to `limit` runnable jobs. `FOR UPDATE SKIP LOCKED` lets many workers on many
/// machines claim concurrently without blocking on, or double-claiming, the same rows.
pub(super) const CLAIM_JOBS: &str = "
    UPDATE jobs SET status = 'running', locked_by = $1, lease_until = $2,
                    attempts = attempts + 1, updated_at = $3
    WHERE id IN (
        SELECT id FROM jobs
        WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND lease_until < $3)
        ORDER BY run_at
        LIMIT $4
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id, kind, payload, org_id, status, attempts, max_attempts, run_at, lease_until,
              locked_by, last_error, created_at, updated_at, completed_at";

/// Wakes this process's workers whenever any process commits an enqueue (`NOTIFY` on
/// [`JOBS_CHANNEL`]). Reconnects after errors; the workers' poll covers any gap.
pub(super) fn spawn_listener(
    pool: PgPool,
    wakeup: std::sync::Arc<tokio::sync::Notify>,
    shutdown: tokio_util::sync::CancellationToken,
) {
    tokio::spawn(async move {
        while !shutdown.is_cancelled() {
            let mut listener = match dedicated_listener(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "job listener could not connect; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            };
            if let Err(error) = listener.listen(JOBS_CHANNEL).await {
                tracing::warn!(%error, "job listener could not LISTEN; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    msg = listener.recv() => match msg {
                        Ok(_) => wakeup.notify_waiters(),
                        Err(error) => {
                            tracing::warn!(%error, "job listener lost its connection");
                            break;
                        }
                    }
                }
            }
        }
    });
}

/// After a bulk load: refresh the planner's statistics of the tables written.
pub(super) async fn after_bulk_load(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("ANALYZE cases, checks, evidence")
        .execute(pool)
        .await?;
    Ok(())
}

/// The steps of an `EXPLAIN (FORMAT JSON)` plan that read a table, as `(table, reads all of it,
/// what the step is)`: a sequential scan, or an index scan with no index condition (every
/// entry), reads all of it.
pub(super) fn plan_steps(plan: &serde_json::Value, steps: &mut Vec<(String, bool, String)>) {
    match plan {
        serde_json::Value::Array(items) => {
            for item in items {
                plan_steps(item, steps);
            }
        }
        serde_json::Value::Object(node) => {
            if let Some(inner) = node.get("Plan") {
                plan_steps(inner, steps);
            }
            let kind = node.get("Node Type").and_then(|v| v.as_str());
            if let (Some(kind), Some(table)) =
                (kind, node.get("Relation Name").and_then(|v| v.as_str()))
            {
                let indexed = node.contains_key("Index Cond")
                    || matches!(kind, "Bitmap Heap Scan" | "ModifyTable");
                steps.push((
                    table.to_string(),
                    !indexed,
                    format!(
                        "{kind} on {table}{}",
                        node.get("Index Name")
                            .and_then(|v| v.as_str())
                            .map(|i| format!(" using {i}"))
                            .unwrap_or_default()
                    ),
                ));
            }
            if let Some(children) = node.get("Plans") {
                plan_steps(children, steps);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::plan_steps;

    #[test]
    fn sequential_and_unconditioned_index_scans_are_full_scans() {
        let plan = serde_json::json!([{"Plan": {"Node Type": "Nested Loop", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "cases"},
            {"Node Type": "Index Scan", "Relation Name": "checks", "Index Name": "checks_case",
             "Index Cond": "(case_id = $1)"},
            {"Node Type": "Index Only Scan", "Relation Name": "jobs", "Index Name": "jobs_ready"},
            {"Node Type": "Bitmap Heap Scan", "Relation Name": "evidence", "Plans": [
                {"Node Type": "Bitmap Index Scan", "Index Name": "evidence_case",
                 "Index Cond": "(case_id = $1)"}]}
        ]}}]);
        let mut steps = Vec::new();
        plan_steps(&plan, &mut steps);
        let seen: Vec<(&str, bool)> = steps.iter().map(|s| (s.0.as_str(), s.1)).collect();
        assert_eq!(
            seen,
            vec![
                ("cases", true),
                ("checks", false),
                ("jobs", true),
                ("evidence", false)
            ]
        );
    }
}
