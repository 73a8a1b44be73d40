//! Bulk copies of a case, for load tests (`satyapan admin seed-cases`): many rows per statement,
//! so a hundred thousand cases are written in seconds on either backend. Which case to copy and
//! how many times is the caller's decision.

use super::cases::{CaseView, EvidenceFile};
use super::{StoreResult, in_tx};

/// Rows per `INSERT` (well under both backends' limits on bound parameters).
const ROWS_PER_STATEMENT: usize = 400;

impl super::Store {
    /// Writes `copies` copies of `template` — the case, its checks and its evidence rows (naming
    /// the same stored files, or carrying the bytes of rows from before the file store), each
    /// under new ids, in the template's state — in transactions of [`ROWS_PER_STATEMENT`]
    /// cases. Returns the ids of the copies.
    pub async fn copy_case(
        &self,
        template: &CaseView,
        evidence: &[EvidenceFile],
        copies: usize,
    ) -> StoreResult<Vec<String>> {
        let case = &template.case;
        let mut done = 0;
        let mut copied = Vec::with_capacity(copies);
        while done < copies {
            let batch = ROWS_PER_STATEMENT.min(copies - done);
            let case_ids: Vec<String> = (0..batch)
                .map(|_| uuid::Uuid::new_v4().to_string())
                .collect();
            // The template's check ids → each copy's, so evidence follows its check.
            let check_ids: Vec<Vec<String>> = (0..batch)
                .map(|_| {
                    template
                        .checks
                        .iter()
                        .map(|_| uuid::Uuid::new_v4().to_string())
                        .collect()
                })
                .collect();
            in_tx!(self, |tx| {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO cases (id, org_id, reference_id, candidate_id, candidate_name,
                         candidate_email, candidate_photo, candidate, status, result, total_cost,
                         created_at, completed_at, version) ",
                );
                insert.push_values(&case_ids, |mut row, id| {
                    row.push_bind(id.clone())
                        .push_bind(case.org_id.clone())
                        .push_bind(uuid::Uuid::new_v4().simple().to_string())
                        .push_bind(uuid::Uuid::new_v4().to_string())
                        .push_bind(case.candidate_name.clone())
                        .push_bind(case.candidate_email.clone())
                        .push_bind(case.candidate_photo.clone())
                        .push_bind(case.candidate.clone())
                        .push_bind(case.status)
                        .push_bind(case.result)
                        .push_bind(case.total_cost)
                        .push_bind(case.created_at)
                        .push_bind(case.completed_at)
                        .push_bind(case.version);
                });
                insert.build().execute(&mut *tx).await?;

                let checks: Vec<(usize, usize)> = (0..batch)
                    .flat_map(|c| (0..template.checks.len()).map(move |k| (c, k)))
                    .collect();
                for chunk in checks.chunks(ROWS_PER_STATEMENT) {
                    let mut insert = sqlx::QueryBuilder::new(
                        "INSERT INTO checks (id, case_id, org_id, position, check_type, status,
                             result, price, fields, remark, entries, source, created_at,
                             completed_at) ",
                    );
                    insert.push_values(chunk, |mut row, &(c, k)| {
                        let check = &template.checks[k];
                        row.push_bind(check_ids[c][k].clone())
                            .push_bind(case_ids[c].clone())
                            .push_bind(check.org_id.clone())
                            .push_bind(check.position)
                            .push_bind(check.check_type.clone())
                            .push_bind(check.status)
                            .push_bind(check.result)
                            .push_bind(check.price)
                            .push_bind(check.fields.clone())
                            .push_bind(check.remark.clone())
                            .push_bind(check.entries.clone())
                            .push_bind(check.source.clone())
                            .push_bind(check.created_at)
                            .push_bind(check.completed_at);
                    });
                    insert.build().execute(&mut *tx).await?;
                }

                let files: Vec<(usize, usize)> = (0..batch)
                    .flat_map(|c| (0..evidence.len()).map(move |e| (c, e)))
                    .collect();
                for chunk in files.chunks(ROWS_PER_STATEMENT) {
                    let mut insert = sqlx::QueryBuilder::new(
                        "INSERT INTO evidence (id, org_id, case_id, check_id, position, name,
                             content_type, storage_key, size_bytes, sha256, bytes, created_at) ",
                    );
                    insert.push_values(chunk, |mut row, &(c, e)| {
                        let file = &evidence[e];
                        let k = template
                            .checks
                            .iter()
                            .position(|check| check.id == file.check_id)
                            .unwrap_or(0);
                        row.push_bind(uuid::Uuid::new_v4().to_string())
                            .push_bind(case.org_id.clone())
                            .push_bind(case_ids[c].clone())
                            .push_bind(check_ids[c][k].clone())
                            .push_bind(file.position)
                            .push_bind(file.name.clone())
                            .push_bind(file.content_type.clone())
                            // Content-addressed in the same organisation: copies share the file.
                            .push_bind(file.storage_key.clone())
                            .push_bind(file.size_bytes)
                            .push_bind(file.sha256.clone())
                            .push_bind(file.bytes.clone())
                            .push_bind(case.created_at);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
            });
            done += batch;
            copied.extend(case_ids);
        }
        self.after_bulk_load().await?;
        Ok(copied)
    }

    /// What a database needs after a bulk load to read as it would after normal growth: SQLite
    /// folds its write-ahead log back into the database (a log left hundreds of megabytes long
    /// makes every page look-up search it), PostgreSQL refreshes the planner's statistics.
    async fn after_bulk_load(&self) -> StoreResult<()> {
        match &self.pool {
            super::Pool::Sqlite(pool) => super::sqlite::after_bulk_load(pool).await?,
            super::Pool::Postgres(pool) => super::postgres::after_bulk_load(pool).await?,
        }
        Ok(())
    }
}
