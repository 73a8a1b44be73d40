//! Storage. One [`Store`] value fronts either backend; the backend is chosen by the database URL.
//!
//! Most statements are portable (`$N` placeholders, `RETURNING`, `ON CONFLICT` work on both SQLite
//! and PostgreSQL), so they are written once and expanded per backend by [`with_conn!`] and
//! [`in_tx!`]: each expansion is concretely typed, so binds and row decoding are checked per dialect.
//! What really differs between dialects (connection set-up, pragmas, job claiming, wake-ups) lives
//! in `sqlite.rs` and `postgres.rs` and nowhere else.

pub mod bureau;
pub mod cases;
mod codec;
pub mod credits;
pub mod fingerprints;
pub mod folders;
pub mod gst;
mod held;
pub mod hot;
pub mod idempotency;
pub mod jobs;
pub mod keys;
pub mod orgs;
pub(crate) mod postgres;
pub mod reports;
pub mod screening;
pub mod seed;
pub mod settings;
mod sqlite;
pub mod tx;
pub mod uploads;
pub mod users;
pub mod verifications;
pub mod webhooks;

pub use tx::Tx;

use std::sync::Arc;

use sqlx::{PgPool, SqlitePool};
use tokio::sync::Notify;

/// Errors of the storage layer. The API maps them to a 500 (logged, never shown).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    /// A stored JSON document does not decode: the row is corrupt, and the caller is told so.
    #[error("stored {what} could not be read: {error}")]
    Corrupt {
        what: &'static str,
        error: serde_json::Error,
    },
}

/// Decodes a JSON document kept as text (or bytes), surfacing a corrupt one as
/// [`StoreError::Corrupt`].
pub fn decode_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: impl AsRef<[u8]>,
) -> StoreResult<T> {
    serde_json::from_slice(text.as_ref()).map_err(|error| StoreError::Corrupt { what, error })
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database handle shared by the API and the workers. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    /// Wakes this process's workers when a transaction that enqueued jobs commits.
    job_wakeup: Arc<Notify>,
    /// Active API keys held briefly for authentication (`keys`).
    keys: Arc<keys::KeyCache>,
    /// The tasks that hold a transaction (`held`): none of them may ask for a second connection.
    pub(crate) held: Arc<held::HeldTransactions>,
}

/// Which backend a store runs on (for logs, readiness and tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and runs the embedded migrations.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = if url.starts_with("sqlite:") {
            Pool::Sqlite(sqlite::connect(url, max_connections).await?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Pool::Postgres(postgres::connect(url, max_connections).await?)
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        let store = Store {
            pool,
            job_wakeup: Arc::new(Notify::new()),
            keys: Arc::default(),
            held: Arc::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// A plain PostgreSQL pool without migrations, for creating databases (tests, tooling).
    pub async fn connect_admin(url: &str) -> StoreResult<PgPool> {
        Ok(postgres::connect(url, 2).await?)
    }

    async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Readiness: the database answers a trivial query.
    pub async fn ping(&self) -> StoreResult<()> {
        with_conn!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// The notifier this process's workers wait on.
    pub fn job_wakeup(&self) -> Arc<Notify> {
        self.job_wakeup.clone()
    }

    pub(crate) fn wake_local_workers(&self) {
        self.job_wakeup.notify_waiters();
    }

    /// On PostgreSQL, listens for enqueues committed by other processes and wakes local workers.
    pub fn listen_for_jobs(&self, shutdown: tokio_util::sync::CancellationToken) {
        if let Pool::Postgres(pool) = &self.pool {
            postgres::spawn_listener(pool.clone(), self.job_wakeup.clone(), shutdown);
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Strips a password from a database URL before it is logged or shown.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Milliseconds since the Unix epoch: the one time representation in the database.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Runs `$body` with `$pool` bound to the concrete pool of the store's backend.
macro_rules! with_conn {
    ($store:expr, |$pool:ident| $body:block) => {{
        $store.held.check();
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    }};
}
pub(crate) use with_conn;

/// Runs `$body` inside one transaction on the store's backend and commits it. An early `return`
/// or `?` inside the body drops the transaction, which rolls it back. On SQLite the transaction
/// starts with `BEGIN IMMEDIATE` so a writer takes the write lock up front instead of failing
/// to upgrade a read lock under contention.
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:block) => {{
        $store.held.check();
        match &$store.pool {
            $crate::store::Pool::Sqlite(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let _held = $store.held.hold();
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::store::Pool::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                let _held = $store.held.hold();
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    }};
}
pub(crate) use in_tx;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact_url("postgres://user:secret@localhost/db"),
            "postgres://user:***@localhost/db"
        );
        assert_eq!(redact_url("sqlite://satyapan.db"), "sqlite://satyapan.db");
    }
}
