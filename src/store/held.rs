//! Which tasks hold an open transaction. A task that holds one and asks the pool for a second
//! connection waits on itself once the pool is busy: with every connection held by such a
//! transaction, all of them time out together (and whatever they committed before is answered
//! as a 500). So the rule is checked, not hoped for: every statement outside a transaction
//! ([`with_conn!`](super::with_conn), [`in_tx!`](super::in_tx), [`Store::begin`](super::Store))
//! asks [`HeldTransactions::check`] first, which panics in debug builds (every test) and logs in
//! release builds when the current task already holds a transaction.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::task::Id;

#[derive(Default)]
pub(crate) struct HeldTransactions {
    /// Open transactions in all tasks: the check is one atomic load while there are none.
    open: AtomicUsize,
    by_task: Mutex<HashMap<Id, usize>>,
}

impl HeldTransactions {
    /// Counts a transaction begun by the current task; the returned guard uncounts it.
    pub(crate) fn hold(self: &std::sync::Arc<Self>) -> Held {
        let task = tokio::task::try_id();
        if let Some(task) = task {
            self.open.fetch_add(1, Ordering::AcqRel);
            if let Ok(mut map) = self.by_task.lock() {
                *map.entry(task).or_default() += 1;
            }
        }
        Held {
            registry: self.clone(),
            task,
        }
    }

    /// Fails loudly when the current task holds a transaction (see the module's comment).
    #[track_caller]
    pub(crate) fn check(&self) {
        if self.open.load(Ordering::Acquire) == 0 {
            return;
        }
        let Some(task) = tokio::task::try_id() else {
            return;
        };
        let held = self
            .by_task
            .lock()
            .map(|map| map.get(&task).copied().unwrap_or(0))
            .unwrap_or(0);
        if held > 0 {
            let at = std::panic::Location::caller();
            if cfg!(debug_assertions) {
                panic!(
                    "a second database connection was asked for at {at} by a task that holds \
                     a transaction: read through the transaction, or after it ends"
                );
            }
            tracing::error!(%at, "a task holding a transaction asked for a second connection");
        }
    }
}

/// One open transaction of one task.
pub(crate) struct Held {
    registry: std::sync::Arc<HeldTransactions>,
    task: Option<Id>,
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(task) = self.task else {
            return;
        };
        if let Ok(mut map) = self.registry.by_task.lock()
            && let Some(count) = map.get_mut(&task)
        {
            *count -= 1;
            if *count == 0 {
                map.remove(&task);
            }
        }
        self.registry.open.fetch_sub(1, Ordering::AcqRel);
    }
}
