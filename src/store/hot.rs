//! The statements on the request and job paths, with sample binds, and a way to see their query
//! plans. `tests/api/query_plans.rs` runs each under `EXPLAIN QUERY PLAN` (SQLite) or `EXPLAIN`
//! (PostgreSQL) over a seeded database and fails on a full scan of any table, so no read on
//! those paths slows down as the tables grow. A statement added to a request path belongs here.
//!
//! On PostgreSQL the plans are taken with `enable_seqscan = off`: over a small test database the
//! planner rightly prefers a sequential scan, so what is checked is that an index *can* serve the
//! statement (a sequential scan that remains means none can).

use super::{Backend, Pool, StoreResult};
use super::{
    cases, credits, fingerprints, folders, gst, idempotency, jobs, orgs, postgres, reports,
    screening, sqlite, uploads, users, verifications, webhooks,
};

/// A sample value for one placeholder: plans do not depend on the value, only on its type.
#[derive(Debug, Clone, Copy)]
pub enum Sample {
    Text(&'static str),
    Int(i64),
    /// A null integer (the optional bounds of a filter).
    NoInt,
    Bool(bool),
}

// Left out on purpose: the screening list summary (`LATEST_VERSIONS`, `LIST_VERSION_COUNTS`)
// and `HAS_LIST_VERSIONS` read every row of `screening_list_versions`, a table that grows by one
// row per list import by an operator (tens of rows a year), never with traffic; plain
// `INSERT … VALUES` statements read nothing.

/// One statement of a request or job path.
#[derive(Debug, Clone)]
pub struct HotQuery {
    pub name: &'static str,
    pub sql: &'static str,
    pub binds: Vec<Sample>,
}

/// One step of a plan: the table it reads (when it reads one) and whether it reads all of it.
#[derive(Debug, Clone)]
pub struct PlanStep {
    pub table: Option<String>,
    pub full_scan: bool,
    pub detail: String,
}

/// Every statement of the request and job paths, for `backend` (job claiming differs).
pub fn hot_queries(backend: Backend) -> Vec<HotQuery> {
    use Sample::{Int, NoInt, Text};
    const ID: Sample = Text("00000000-0000-0000-0000-000000000000");
    const ORG: Sample = Text("00000000-0000-0000-0000-0000000000aa");
    const WORD: Sample = Text("completed");
    let q = |name, sql, binds: &[Sample]| HotQuery {
        name,
        sql,
        binds: binds.to_vec(),
    };
    let claim = match backend {
        Backend::Sqlite => sqlite::CLAIM_JOBS,
        Backend::Postgres => postgres::CLAIM_JOBS,
    };
    // SQLite has no row locks: the subject is read plainly there.
    let subject_for_update = match backend {
        Backend::Sqlite => screening::SUBJECT_BY_ID,
        Backend::Postgres => screening::SUBJECT_FOR_UPDATE,
    };
    const NOW: Sample = Int(0);
    vec![
        // Authentication, every request.
        q("key by hash", orgs::KEY_BY_HASH, &[Text("0f0f")]),
        q("key generation", super::keys::KEY_GENERATION, &[]),
        q("organisation", orgs::ORG_BY_ID, &[ORG]),
        q("balance", credits::BALANCE, &[ORG]),
        q("move balance", credits::MOVE_BALANCE, &[ORG, Int(-1)]),
        // Credits listing.
        q(
            "ledger count",
            credits::LEDGER_COUNT,
            &[ORG, NoInt, NoInt, Text("debit")],
        ),
        q(
            "ledger page",
            credits::LEDGER_PAGE,
            &[ORG, Int(0), Int(1), Text("debit"), Int(100), Int(0)],
        ),
        // Idempotency.
        q(
            "idempotency expire",
            idempotency::IDEM_EXPIRE,
            &[Text("s"), Text("k"), Int(0), Int(0)],
        ),
        q(
            "idempotency read",
            idempotency::IDEM_READ,
            &[Text("s"), Text("k")],
        ),
        q(
            "idempotency finish",
            idempotency::IDEM_FINISH,
            &[Text("s"), Text("k"), Int(200), Text("{}")],
        ),
        q(
            "idempotency forget",
            idempotency::IDEM_FORGET,
            &[Text("s"), Text("k")],
        ),
        // Reports: the kept copy first, the case's rows otherwise.
        q(
            "kept report",
            reports::KEPT_REPORT,
            &[ID, Text("json"), ORG],
        ),
        q("case of organisation", cases::CASE_OF_ORG, &[ID, ORG]),
        q("checks of case", cases::CHECKS_OF_CASE, &[ID]),
        q("evidence of case", cases::EVIDENCE_OF_CASE, &[ID]),
        q("audits of case", cases::AUDITS_OF_CASE, &[ID]),
        q("evidence files of case", cases::EVIDENCE_FILES, &[ID]),
        q("evidence file", cases::EVIDENCE_FILE, &[ID]),
        q("case organisation", cases::CASE_ORG, &[ID]),
        // Audit.
        q("case status", cases::CASE_STATUS, &[ID, ORG]),
        q(
            "override check",
            cases::OVERRIDE_CHECK,
            &[ID, Text("identity_pan"), Text("clear"), Text("r")],
        ),
        // The check job.
        q("check by id", cases::CHECK_BY_ID, &[ID]),
        q("case by id", cases::CASE_BY_ID, &[ID]),
        q(
            "complete check",
            cases::COMPLETE_CHECK,
            &[
                ID,
                WORD,
                Text("clear"),
                Text("r"),
                Text("[]"),
                Text("[]"),
                Text("SANDBOX"),
                Int(0),
                Text("in_progress"),
            ],
        ),
        q("lock case", cases::LOCK_CASE, &[ID]),
        q("case results", cases::CASE_RESULTS, &[ID]),
        q(
            "set case state",
            cases::SET_CASE_STATE,
            &[ID, WORD, Text("clear"), Int(0)],
        ),
        // GST.
        q("gst request", gst::GST_REQUEST, &[ID, ORG]),
        q("gst request for job", gst::GST_REQUEST_FOR_JOB, &[ID]),
        q(
            "finish gst",
            gst::FINISH_GST,
            &[ID, WORD, Text("{}"), Text("e"), Int(0), Text("in_progress")],
        ),
        // Webhooks.
        q("webhook url", webhooks::WEBHOOK_URL, &[ORG]),
        q("webhook", webhooks::WEBHOOK, &[ORG]),
        q(
            "event exists",
            webhooks::EVENT_EXISTS,
            &[Text("evt_x"), ORG],
        ),
        q(
            "webhook event",
            webhooks::WEBHOOK_EVENT,
            &[Text("evt_x"), ORG],
        ),
        q(
            "webhook event for job",
            webhooks::WEBHOOK_EVENT_FOR_JOB,
            &[Text("evt_x")],
        ),
        q("webhook events", webhooks::WEBHOOK_EVENTS, &[ORG, Int(50)]),
        q("deliveries", webhooks::DELIVERIES, &[Text("evt_x"), ORG]),
        // Jobs.
        q("claim jobs", claim, &[Text("w"), Int(0), Int(0), Int(8)]),
        q(
            "renew lease",
            jobs::RENEW_LEASE,
            &[ID, Text("w"), Int(0), Int(0)],
        ),
        q("complete job", jobs::COMPLETE_JOB, &[ID, Text("w"), Int(0)]),
        q(
            "retry job",
            jobs::RETRY_JOB,
            &[ID, Text("w"), Text("e"), Int(0), Int(0)],
        ),
        q(
            "bury job",
            jobs::BURY_JOB,
            &[ID, Text("w"), Text("e"), Int(0)],
        ),
        q("release job", jobs::RELEASE_JOB, &[ID, Text("w"), Int(0)]),
        q(
            "open jobs (metrics)",
            jobs::OPEN_JOBS,
            &[Text("queued"), Text("running"), Text("dead")],
        ),
        // AnyCheck sessions: login, refresh, profile.
        q("user by email", orgs::USER_BY_EMAIL, &[Text("a@b.c")]),
        q("user", users::USER, &[ID]),
        q(
            "user for an access token",
            users::USER_FOR_ACCESS_TOKEN,
            &[ID, ID],
        ),
        q("user groups", users::USER_GROUPS, &[ID]),
        q("group", users::GROUP, &[ID, ORG]),
        q("group named", users::GROUP_NAMED, &[ORG, Text("Default")]),
        q("default group", users::DEFAULT_GROUP, &[ORG]),
        q("use refresh token", users::USE_REFRESH_TOKEN, &[ID, NOW]),
        q("refresh token", users::REFRESH_TOKEN, &[ID]),
        q(
            "revoke refresh family",
            users::REVOKE_REFRESH_FAMILY,
            &[ID, NOW],
        ),
        q(
            "revoke a user's refresh tokens",
            users::REVOKE_USER_REFRESH_TOKENS,
            &[ID, NOW],
        ),
        // Owners' API keys.
        q("organisation's keys", orgs::ORG_API_KEYS, &[ORG]),
        q("organisation's key", orgs::ORG_API_KEY, &[ID, ORG]),
        q(
            "revoke organisation's key",
            orgs::REVOKE_ORG_KEY,
            &[ID, ORG],
        ),
        q(
            "disable user",
            users::SET_USER_DISABLED,
            &[Text("a@b.c"), Sample::Bool(true)],
        ),
        // AnyCheck uploads and folders.
        q(
            "upload by path",
            uploads::UPLOAD_BY_PATH,
            &[Text("/uploads/x.png"), ORG],
        ),
        q("upload", uploads::UPLOAD, &[ID]),
        q("folder", folders::FOLDER, &[ID, ORG]),
        q("touch folder", folders::TOUCH_FOLDER, &[ID, NOW, Text("u")]),
        q(
            "group folders count",
            folders::GROUP_FOLDERS_COUNT,
            &[ID, Text("%q%")],
        ),
        q(
            "group folders page",
            folders::GROUP_FOLDERS_PAGE,
            &[ID, Text("%q%"), Int(20), Int(0)],
        ),
        // AnyCheck verifications: submit, view, manage, the stage job, exports.
        q("result group", verifications::RESULT_GROUP, &[ID, ORG]),
        q(
            "result group (link)",
            verifications::RESULT_GROUP_ANY,
            &[ID],
        ),
        q(
            "bump result group",
            verifications::BUMP_RESULT_GROUP,
            &[ID, NOW],
        ),
        q("verification", verifications::VERIFICATION, &[ID, ORG]),
        q(
            "verification (link, job)",
            verifications::VERIFICATION_ANY,
            &[ID],
        ),
        q("lock verification", verifications::LOCK_VERIFICATION, &[ID]),
        q(
            "lock organisation's verification",
            verifications::LOCK_ORG_VERIFICATION,
            &[ID, ORG],
        ),
        q("run stages", verifications::RUN_STAGES, &[ID, Int(1)]),
        q(
            "start verification",
            verifications::START_VERIFICATION,
            &[ID, WORD, NOW, WORD],
        ),
        q("start stage", verifications::START_STAGE, &[ID, NOW]),
        q(
            "move stage",
            verifications::MOVE_STAGE,
            &[ID, WORD, WORD, Text("j"), Text("{}"), Text("e"), NOW],
        ),
        q(
            "set outcome",
            verifications::SET_OUTCOME,
            &[ID, WORD, Text("{}"), WORD, NOW, NOW],
        ),
        q(
            "restart verification",
            verifications::RESTART_VERIFICATION,
            &[ID, WORD, Int(2), Int(1), NOW],
        ),
        q(
            "set input config",
            verifications::SET_INPUT_CONFIG,
            &[ID, Text("{}"), NOW],
        ),
        q(
            "clear verification files",
            verifications::CLEAR_VERIFICATION_FILES,
            &[ID],
        ),
        q(
            "set file counts",
            verifications::SET_FILE_COUNTS,
            &[ID, Int(1), Int(1)],
        ),
        q(
            "set credit used",
            verifications::SET_CREDIT_USED,
            &[ID, Int(0)],
        ),
        q(
            "organisation reviews all",
            verifications::ORG_REVIEWS_ALL,
            &[ORG],
        ),
        q(
            "every verification of a group",
            verifications::ALL_GROUP_VERIFICATIONS,
            &[ID],
        ),
        q("stage for job", verifications::STAGE_FOR_JOB, &[ID]),
        // The fraud stage brings its index up to date.
        q(
            "fingerprints after",
            fingerprints::FINGERPRINTS_AFTER,
            &[ORG, Int(0), Int(100)],
        ),
        q(
            "verification files",
            verifications::VERIFICATION_FILES,
            &[ID],
        ),
        q(
            "group verifications count",
            verifications::GROUP_VERIFICATIONS_COUNT,
            &[ID],
        ),
        q(
            "group verifications page",
            verifications::GROUP_VERIFICATIONS_PAGE,
            &[ID, Int(20), Int(0)],
        ),
        q("group statuses", verifications::GROUP_STATUSES, &[ID]),
        q(
            "verification webhook",
            verifications::VERIFICATION_WEBHOOK,
            &[ID],
        ),
        q(
            "verification reviews",
            verifications::VERIFICATION_REVIEWS,
            &[ID],
        ),
        // Screening: watched subjects, re-screening jobs, list versions by name.
        q("subject", screening::SUBJECT, &[ID, ORG]),
        q("subjects", screening::SUBJECTS, &[ORG, ID, Int(50), Int(0)]),
        q(
            "subjects after",
            screening::SUBJECT_IDS_AFTER,
            &[ID, Int(500)],
        ),
        q("subject for update", subject_for_update, &[ID]),
        q(
            "update subject screening",
            screening::UPDATE_SUBJECT_SCREENING,
            &[ID, Text("[]"), Text("{}"), NOW, NOW],
        ),
        q(
            "latest list version",
            screening::LATEST_LIST_VERSION,
            &[Text("OFAC SDN")],
        ),
        q("list entities", screening::LIST_ENTITIES_GZ, &[ID]),
    ]
}

macro_rules! bind_samples {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match *bind {
                Sample::Text(text) => query.bind(text),
                Sample::Int(n) => query.bind(n),
                Sample::NoInt => query.bind(None::<i64>),
                Sample::Bool(b) => query.bind(b),
            };
        }
        query
    }};
}

impl super::Store {
    /// The plan of `query` on this database, step by step.
    pub async fn explain(&self, query: &HotQuery) -> StoreResult<Vec<PlanStep>> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let sql = format!("EXPLAIN QUERY PLAN {}", query.sql);
                let rows: Vec<(i64, i64, i64, String)> =
                    bind_samples!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &query.binds)
                        .fetch_all(pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(_, _, _, detail)| {
                        let (table, full_scan) = sqlite::plan_step(&detail);
                        PlanStep {
                            table,
                            full_scan,
                            detail,
                        }
                    })
                    .collect())
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("SET enable_seqscan = off")
                    .execute(&mut *conn)
                    .await?;
                let sql = format!("EXPLAIN (FORMAT JSON) {}", query.sql);
                let plan: Result<(sqlx::types::Json<serde_json::Value>,), sqlx::Error> =
                    bind_samples!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &query.binds)
                        .fetch_one(&mut *conn)
                        .await;
                sqlx::query("RESET enable_seqscan")
                    .execute(&mut *conn)
                    .await?;
                let mut steps = Vec::new();
                postgres::plan_steps(&plan?.0.0, &mut steps);
                Ok(steps
                    .into_iter()
                    .map(|(table, full_scan, detail)| PlanStep {
                        table: Some(table),
                        full_scan,
                        detail,
                    })
                    .collect())
            }
        }
    }
}
