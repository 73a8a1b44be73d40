//! AnyCheck verifications: result groups, verifications, their input files, the stages of each
//! run and the review trail. Typed reads and writes only; what to write is the application's.

use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::uploads::UploadRow;
use super::{StoreResult, with_conn};
use crate::domain::services::ServiceCode;
use crate::domain::verifications::{OutputStatus, StageKind, StageStatus, VerificationStatus};

#[derive(Debug, Clone, FromRow)]
pub struct ResultGroupRow {
    pub id: String,
    pub org_id: String,
    pub folder_id: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct VerificationRow {
    pub id: String,
    pub org_id: String,
    pub service_code: ServiceCode,
    pub folder_id: String,
    pub result_id: String,
    pub user_id: Option<String>,
    pub api_key_id: Option<String>,
    pub status: VerificationStatus,
    pub input_config: String,
    pub output: Option<String>,
    pub output_status: Option<OutputStatus>,
    pub webhook_url: Option<String>,
    pub webhook_metadata: String,
    pub webhook_secret: Option<String>,
    pub credit_used: i64,
    pub total_files: i64,
    pub total_pages: i64,
    pub run: i64,
    pub start_date: Option<i64>,
    pub end_date: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct StageRow {
    pub id: String,
    pub verification_id: String,
    pub org_id: String,
    pub run: i64,
    pub stage: StageKind,
    pub status: StageStatus,
    pub job_id: Option<String>,
    pub output: Option<String>,
    pub error: Option<String>,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub created_at: i64,
}

/// A stage to create.
pub struct NewStage<'a> {
    pub id: &'a str,
    pub verification_id: &'a str,
    pub org_id: &'a str,
    pub run: i64,
    pub stage: StageKind,
    pub status: StageStatus,
    pub job_id: Option<&'a str>,
    pub now: i64,
}

/// One input file of a verification, with its upload.
#[derive(Debug, Clone)]
pub struct VerificationFile {
    pub slot: String,
    pub position: i64,
    pub upload: UploadRow,
}

#[derive(FromRow)]
struct FileJoin {
    slot: String,
    position: i64,
    #[sqlx(flatten)]
    upload: UploadRow,
}

/// A reviewed (or cancelled, or retried) verification, for the audit trail.
pub struct NewReview<'a> {
    pub verification_id: &'a str,
    pub org_id: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub before: &'a serde_json::Value,
    pub after: &'a serde_json::Value,
    pub now: i64,
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct ReviewRow {
    pub id: String,
    pub actor: String,
    pub action: String,
    pub before_state: String,
    pub after_state: String,
    pub created_at: i64,
}

/// What a verification's final (or reviewed) state is written as.
pub struct Outcome<'a> {
    pub status: VerificationStatus,
    pub output: Option<&'a serde_json::Value>,
    pub output_status: Option<OutputStatus>,
    pub end_date: Option<i64>,
    pub now: i64,
}

impl Tx {
    /// A new result group; an id already taken (by any tenant) is left as it is.
    pub async fn insert_result_group(
        &mut self,
        id: &str,
        org_id: &str,
        folder_id: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_RESULT_GROUP)
                .bind(id)
                .bind(org_id)
                .bind(folder_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    pub async fn result_group(
        &mut self,
        org_id: &str,
        id: &str,
    ) -> StoreResult<Option<ResultGroupRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, ResultGroupRow>(RESULT_GROUP)
                .bind(id)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// The group changed: a new version (its export is made again).
    pub async fn bump_result_group(&mut self, id: &str, now: i64) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(BUMP_RESULT_GROUP)
                .bind(id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_verification(&mut self, v: &VerificationRow) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_VERIFICATION)
                .bind(&v.id)
                .bind(&v.org_id)
                .bind(v.service_code)
                .bind(&v.folder_id)
                .bind(&v.result_id)
                .bind(&v.user_id)
                .bind(&v.api_key_id)
                .bind(v.status)
                .bind(&v.input_config)
                .bind(&v.output)
                .bind(v.output_status)
                .bind(&v.webhook_url)
                .bind(&v.webhook_metadata)
                .bind(&v.webhook_secret)
                .bind(v.credit_used)
                .bind(v.total_files)
                .bind(v.total_pages)
                .bind(v.run)
                .bind(v.start_date)
                .bind(v.end_date)
                .bind(v.created_at)
                .bind(v.updated_at)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_verification_file(
        &mut self,
        verification_id: &str,
        slot: &str,
        position: usize,
        upload_id: &str,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_VERIFICATION_FILE)
                .bind(verification_id)
                .bind(slot)
                .bind(position as i64)
                .bind(upload_id)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_stage(&mut self, stage: &NewStage<'_>) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_STAGE)
                .bind(stage.id)
                .bind(stage.verification_id)
                .bind(stage.org_id)
                .bind(stage.run)
                .bind(stage.stage)
                .bind(stage.status)
                .bind(stage.job_id)
                .bind(stage.now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Reads the verification and holds its row until the transaction ends (concurrent stage
    /// completions of one verification take turns).
    pub async fn lock_verification(&mut self, id: &str) -> StoreResult<Option<VerificationRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, VerificationRow>(LOCK_VERIFICATION)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// The organisation's verification (another tenant's is `None`), locked.
    pub async fn lock_org_verification(
        &mut self,
        org_id: &str,
        id: &str,
    ) -> StoreResult<Option<VerificationRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, VerificationRow>(LOCK_ORG_VERIFICATION)
                .bind(id)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// The stages of one run.
    pub async fn run_stages(
        &mut self,
        verification_id: &str,
        run: i64,
    ) -> StoreResult<Vec<StageRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, StageRow>(RUN_STAGES)
                .bind(verification_id)
                .bind(run)
                .fetch_all(&mut *conn)
                .await?)
        })
    }

    /// The first stage job to start moves the verification from `IN_QUEUE` to `IN_PROGRESS`;
    /// `true` if this call did.
    pub async fn start_verification(&mut self, id: &str, now: i64) -> StoreResult<bool> {
        on_tx!(self, |conn| {
            let done = sqlx::query(START_VERIFICATION)
                .bind(id)
                .bind(VerificationStatus::InProgress)
                .bind(now)
                .bind(VerificationStatus::InQueue)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn start_stage(&mut self, stage_id: &str, now: i64) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(START_STAGE)
                .bind(stage_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Moves a stage from `from` to `to`; `false` when it was no longer in `from`.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_stage(
        &mut self,
        stage_id: &str,
        from: StageStatus,
        to: StageStatus,
        job_id: Option<&str>,
        output: Option<&serde_json::Value>,
        error: Option<&str>,
        now: i64,
    ) -> StoreResult<bool> {
        let ended = to.is_terminal().then_some(now);
        on_tx!(self, |conn| {
            let done = sqlx::query(MOVE_STAGE)
                .bind(stage_id)
                .bind(from)
                .bind(to)
                .bind(job_id)
                .bind(output.map(|v| v.to_string()))
                .bind(error)
                .bind(ended)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Writes a verification's status and, where given, its output.
    pub async fn set_outcome(&mut self, id: &str, outcome: &Outcome<'_>) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(SET_OUTCOME)
                .bind(id)
                .bind(outcome.status)
                .bind(outcome.output.map(|v| v.to_string()))
                .bind(outcome.output_status)
                .bind(outcome.end_date)
                .bind(outcome.now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Starts run `run` afresh: queued, no output, dates cleared, `extra_credits` added.
    pub async fn restart_verification(
        &mut self,
        id: &str,
        run: i64,
        extra_credits: i64,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(RESTART_VERIFICATION)
                .bind(id)
                .bind(VerificationStatus::InQueue)
                .bind(run)
                .bind(extra_credits)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// A reviewer's correction of the configuration.
    pub async fn set_input_config(&mut self, id: &str, config: &str, now: i64) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(SET_INPUT_CONFIG)
                .bind(id)
                .bind(config)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Replaces a verification's input files (a reviewer corrected the configuration).
    pub async fn clear_verification_files(&mut self, verification_id: &str) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(CLEAR_VERIFICATION_FILES)
                .bind(verification_id)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// A reviewer's correction of the file counts.
    pub async fn set_file_counts(
        &mut self,
        id: &str,
        total_files: i64,
        total_pages: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(SET_FILE_COUNTS)
                .bind(id)
                .bind(total_files)
                .bind(total_pages)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Gives back credits (a cancellation before any work).
    pub async fn set_credit_used(&mut self, id: &str, credits: i64) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(SET_CREDIT_USED)
                .bind(id)
                .bind(credits)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_review(&mut self, review: &NewReview<'_>) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_REVIEW)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(review.verification_id)
                .bind(review.org_id)
                .bind(review.actor)
                .bind(review.action)
                .bind(review.before.to_string())
                .bind(review.after.to_string())
                .bind(review.now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Whether the organisation reviews every verification (`always_audit`).
    pub async fn org_reviews_all(&mut self, org_id: &str) -> StoreResult<bool> {
        let row: Option<(bool,)> = on_tx!(self, |conn| {
            sqlx::query_as(ORG_REVIEWS_ALL)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?
        });
        Ok(row.is_some_and(|r| r.0))
    }
}

impl super::Store {
    pub async fn result_group(
        &self,
        org_id: &str,
        id: &str,
    ) -> StoreResult<Option<ResultGroupRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ResultGroupRow>(RESULT_GROUP)
                .bind(id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// The organisation's verification (another tenant's is `None`).
    pub async fn verification(
        &self,
        org_id: &str,
        id: &str,
    ) -> StoreResult<Option<VerificationRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, VerificationRow>(VERIFICATION)
                .bind(id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Any tenant's verification (a signed link names it).
    pub async fn verification_any(&self, id: &str) -> StoreResult<Option<VerificationRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, VerificationRow>(VERIFICATION_ANY)
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Any tenant's result group (a signed link names it).
    pub async fn result_group_any(&self, id: &str) -> StoreResult<Option<ResultGroupRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ResultGroupRow>(RESULT_GROUP_ANY)
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Every verification of a result group, oldest first (for the export).
    pub async fn all_group_verifications(
        &self,
        result_id: &str,
    ) -> StoreResult<Vec<VerificationRow>> {
        with_conn!(self, |pool| {
            Ok(
                sqlx::query_as::<_, VerificationRow>(ALL_GROUP_VERIFICATIONS)
                    .bind(result_id)
                    .fetch_all(pool)
                    .await?,
            )
        })
    }

    /// A stage and its verification, for the job that runs it.
    pub async fn stage_for_job(
        &self,
        stage_id: &str,
    ) -> StoreResult<Option<(StageRow, VerificationRow)>> {
        let stage = with_conn!(self, |pool| {
            sqlx::query_as::<_, StageRow>(STAGE_FOR_JOB)
                .bind(stage_id)
                .fetch_optional(pool)
                .await?
        });
        let Some(stage) = stage else {
            return Ok(None);
        };
        let verification = with_conn!(self, |pool| {
            sqlx::query_as::<_, VerificationRow>(VERIFICATION_ANY)
                .bind(&stage.verification_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(verification.map(|v| (stage, v)))
    }

    /// The stages of a verification's run.
    pub async fn stages(&self, verification_id: &str, run: i64) -> StoreResult<Vec<StageRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, StageRow>(RUN_STAGES)
                .bind(verification_id)
                .bind(run)
                .fetch_all(pool)
                .await?)
        })
    }

    /// A verification's input files in slot and position order.
    pub async fn verification_files(
        &self,
        verification_id: &str,
    ) -> StoreResult<Vec<VerificationFile>> {
        let rows: Vec<FileJoin> = with_conn!(self, |pool| {
            sqlx::query_as::<_, FileJoin>(VERIFICATION_FILES)
                .bind(verification_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| VerificationFile {
                slot: r.slot,
                position: r.position,
                upload: r.upload,
            })
            .collect())
    }

    /// A page of a result group's verifications, oldest first, and how many it holds.
    pub async fn group_verifications(
        &self,
        result_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<VerificationRow>, i64)> {
        with_conn!(self, |pool| {
            let (total,): (i64,) = sqlx::query_as(GROUP_VERIFICATIONS_COUNT)
                .bind(result_id)
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query_as::<_, VerificationRow>(GROUP_VERIFICATIONS_PAGE)
                .bind(result_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            Ok((rows, total))
        })
    }

    /// The statuses of every verification of a result group.
    pub async fn group_statuses(&self, result_id: &str) -> StoreResult<Vec<VerificationStatus>> {
        let rows: Vec<(VerificationStatus,)> = with_conn!(self, |pool| {
            sqlx::query_as(GROUP_STATUSES)
                .bind(result_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Where a verification's events go: its URL and secret.
    pub async fn verification_webhook(
        &self,
        verification_id: &str,
    ) -> StoreResult<Option<(Option<String>, Option<String>)>> {
        with_conn!(self, |pool| {
            Ok(
                sqlx::query_as::<_, (Option<String>, Option<String>)>(VERIFICATION_WEBHOOK)
                    .bind(verification_id)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// The review trail of a verification, oldest first.
    pub async fn verification_reviews(&self, verification_id: &str) -> StoreResult<Vec<ReviewRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ReviewRow>(VERIFICATION_REVIEWS)
                .bind(verification_id)
                .fetch_all(pool)
                .await?)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const INSERT_RESULT_GROUP: &str =
    "INSERT INTO result_groups (id, org_id, folder_id, version, created_at, updated_at)
     VALUES ($1, $2, $3, 0, $4, $4) ON CONFLICT (id) DO NOTHING";

pub(super) const RESULT_GROUP: &str = "SELECT * FROM result_groups WHERE id = $1 AND org_id = $2";

pub(super) const BUMP_RESULT_GROUP: &str =
    "UPDATE result_groups SET version = version + 1, updated_at = $2 WHERE id = $1";

pub(super) const INSERT_VERIFICATION: &str =
    "INSERT INTO verifications (id, org_id, service_code, folder_id, result_id, user_id,
     api_key_id, status, input_config, output, output_status, webhook_url,
     webhook_metadata, webhook_secret, credit_used, total_files, total_pages, run,
     start_date, end_date, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
     $17, $18, $19, $20, $21, $22)";

pub(super) const INSERT_VERIFICATION_FILE: &str =
    "INSERT INTO verification_files (verification_id, slot, position, upload_id)
     VALUES ($1, $2, $3, $4)";

pub(super) const INSERT_STAGE: &str =
    "INSERT INTO verification_stages (id, verification_id, org_id, run, stage, status,
     job_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(super) const LOCK_VERIFICATION: &str =
    "UPDATE verifications SET updated_at = updated_at WHERE id = $1 RETURNING *";

pub(super) const LOCK_ORG_VERIFICATION: &str = "UPDATE verifications SET updated_at = updated_at
     WHERE id = $1 AND org_id = $2 RETURNING *";

pub(super) const RUN_STAGES: &str =
    "SELECT * FROM verification_stages WHERE verification_id = $1 AND run = $2
     ORDER BY created_at, id";

pub(super) const START_VERIFICATION: &str =
    "UPDATE verifications SET status = $2, start_date = COALESCE(start_date, $3),
     updated_at = $3
     WHERE id = $1 AND status = $4";

pub(super) const START_STAGE: &str =
    "UPDATE verification_stages SET started_at = COALESCE(started_at, $2)
     WHERE id = $1";

pub(super) const MOVE_STAGE: &str = "UPDATE verification_stages
     SET status = $3, job_id = COALESCE($4, job_id), output = COALESCE($5, output),
     error = COALESCE($6, error), ended_at = COALESCE($7, ended_at)
     WHERE id = $1 AND status = $2";

pub(super) const SET_OUTCOME: &str =
    "UPDATE verifications SET status = $2, output = $3, output_status = $4,
     end_date = $5, updated_at = $6
     WHERE id = $1";

pub(super) const RESTART_VERIFICATION: &str =
    "UPDATE verifications SET status = $2, run = $3, output = NULL,
     output_status = NULL, start_date = NULL, end_date = NULL,
     credit_used = credit_used + $4, updated_at = $5
     WHERE id = $1";

pub(super) const SET_INPUT_CONFIG: &str =
    "UPDATE verifications SET input_config = $2, updated_at = $3 WHERE id = $1";

pub(super) const CLEAR_VERIFICATION_FILES: &str =
    "DELETE FROM verification_files WHERE verification_id = $1";

pub(super) const SET_FILE_COUNTS: &str =
    "UPDATE verifications SET total_files = $2, total_pages = $3 WHERE id = $1";

pub(super) const SET_CREDIT_USED: &str = "UPDATE verifications SET credit_used = $2 WHERE id = $1";

pub(super) const INSERT_REVIEW: &str =
    "INSERT INTO verification_reviews (id, verification_id, org_id, actor, action,
     before_state, after_state, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(super) const ORG_REVIEWS_ALL: &str = "SELECT always_audit FROM orgs WHERE id = $1";

pub(super) const VERIFICATION: &str = "SELECT * FROM verifications WHERE id = $1 AND org_id = $2";

pub(super) const VERIFICATION_ANY: &str = "SELECT * FROM verifications WHERE id = $1";

pub(super) const RESULT_GROUP_ANY: &str = "SELECT * FROM result_groups WHERE id = $1";

pub(super) const ALL_GROUP_VERIFICATIONS: &str =
    "SELECT * FROM verifications WHERE result_id = $1 ORDER BY created_at, id";

pub(super) const STAGE_FOR_JOB: &str = "SELECT * FROM verification_stages WHERE id = $1";

pub(super) const VERIFICATION_FILES: &str = "SELECT f.slot, f.position, u.*
     FROM verification_files f JOIN uploads u ON u.id = f.upload_id
     WHERE f.verification_id = $1 ORDER BY f.slot, f.position";

pub(super) const GROUP_VERIFICATIONS_COUNT: &str =
    "SELECT COUNT(*) FROM verifications WHERE result_id = $1";

pub(super) const GROUP_VERIFICATIONS_PAGE: &str = "SELECT * FROM verifications WHERE result_id = $1
     ORDER BY created_at, id LIMIT $2 OFFSET $3";

pub(super) const GROUP_STATUSES: &str = "SELECT status FROM verifications WHERE result_id = $1";

pub(super) const VERIFICATION_WEBHOOK: &str =
    "SELECT webhook_url, webhook_secret FROM verifications WHERE id = $1";

pub(super) const VERIFICATION_REVIEWS: &str =
    "SELECT id, actor, action, before_state, after_state, created_at
     FROM verification_reviews WHERE verification_id = $1 ORDER BY created_at, id";
