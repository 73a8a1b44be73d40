//! An organisation's credits: its balance and its ledger.

use crate::app::AppResult;
use crate::store::Store;
use crate::store::credits::{LedgerFilter, LedgerRow};

/// The organisation's balance.
pub async fn balance(store: &Store, org_id: &str) -> AppResult<i64> {
    Ok(store.balance(org_id).await?)
}

/// One page of the organisation's ledger and the number of rows the filter matches.
pub async fn ledger(
    store: &Store,
    org_id: &str,
    filter: &LedgerFilter,
) -> AppResult<(Vec<LedgerRow>, i64)> {
    Ok(store.ledger(org_id, filter).await?)
}
