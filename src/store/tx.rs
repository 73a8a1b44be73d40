//! A transaction as a value. The application begins one, calls typed reads and writes on it, and
//! commits it; dropping it uncommitted rolls everything back. The store decides nothing here:
//! which rows to write, and whether at all, is the caller's business.

use super::{Pool, Store, StoreResult};

pub(crate) enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// An open transaction on either backend.
pub struct Tx {
    pub(crate) inner: TxInner,
    store: Store,
    /// Whether a job was enqueued: its workers are woken after the commit.
    pub(crate) enqueued: bool,
    /// Counts this transaction against its task until it ends (`held`).
    _held: super::held::Held,
}

impl Store {
    /// Begins a transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`), so
    /// a writer never fails to upgrade a read lock under contention.
    pub async fn begin(&self) -> StoreResult<Tx> {
        self.held.check();
        let inner = match &self.pool {
            Pool::Sqlite(pool) => TxInner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            store: self.clone(),
            enqueued: false,
            _held: self.held.hold(),
        })
    }
}

impl Tx {
    /// Commits, then wakes the workers if a job was enqueued.
    pub async fn commit(self) -> StoreResult<()> {
        let Tx {
            inner,
            store,
            enqueued,
            _held,
        } = self;
        match inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        drop(_held);
        if enqueued {
            store.jobs_committed().await;
        }
        Ok(())
    }
}

/// Runs `$body` with `$conn` bound to the transaction's connection on its backend; each
/// expansion is concretely typed, so binds and row decoding are checked per dialect.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:block) => {
        match &mut $tx.inner {
            $crate::store::tx::TxInner::Sqlite(t) => {
                let $conn: &mut sqlx::SqliteConnection = &mut **t;
                $body
            }
            $crate::store::tx::TxInner::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;
