//! A credit-bureau pull. Credit rule: 1 credit whenever the bureau is reached (its "no record"
//! included), none when it is not. The charge is taken after the call, in the transaction that
//! records the consent, so a pull that cannot be paid for is never answered with data.

use serde_json::json;

use crate::domain::bureau::BureauOutcome;
use crate::domain::credits::{Insufficient, LedgerKind};
use crate::providers::bureau::{BureauQuery, BureauRecord};
use crate::providers::{ProviderError, Providers};
use crate::store::bureau::BureauPull;
use crate::store::credits::Movement;
use crate::store::{Store, StoreError};

pub const SERVICE: &str = "finance.customer_data_pull";

/// The consent purpose used when the caller gives none (as documented by the vendor).
pub const DEFAULT_CONSENT_PURPOSE: &str = "Financial data verification for background verification";

pub struct Caller<'a> {
    pub org_id: &'a str,
    pub api_key_id: &'a str,
}

#[derive(Debug)]
pub enum PullOutcome {
    Found {
        report: Box<BureauRecord>,
        used: i64,
        balance: i64,
    },
    NoRecord {
        used: i64,
        balance: i64,
    },
    BureauUnavailable {
        balance: i64,
    },
    Insufficient(Insufficient),
}

pub async fn pull(
    store: &Store,
    providers: &Providers,
    cost: i64,
    caller: &Caller<'_>,
    query: &BureauQuery,
    consent_purpose: &str,
    // The record as the caller's surface shows it: the ledger keeps what the client was sent.
    shown: fn(&BureauRecord) -> serde_json::Value,
) -> Result<PullOutcome, StoreError> {
    let balance = store.balance(caller.org_id).await?;
    if balance < cost {
        return Ok(PullOutcome::Insufficient(Insufficient {
            required: cost,
            remaining: balance,
        }));
    }
    let result = providers.call(providers.bureau.pull(query)).await;
    let pull_id = uuid::Uuid::new_v4().to_string();
    let mobile = query.mobile.as_str();
    let input = json!({
        "mobile_number": mobile,
        "full_name": query.full_name,
        "consent_purpose": consent_purpose,
        "document_type": query.document.as_ref().map(|d| d.document_type.clone()),
    });
    let outcome = match &result {
        Ok(_) => BureauOutcome::Found,
        Err(ProviderError::NotFound) => BureauOutcome::NotFound,
        Err(_) => BureauOutcome::Unavailable,
    };
    let output = match &result {
        Ok(report) => shown(report),
        Err(error) => json!({ "error": error.to_string() }),
    };
    let charge = Movement {
        org_id: caller.org_id,
        kind: LedgerKind::Debit,
        amount: cost,
        service: SERVICE,
        reference_id: Some(&pull_id),
        input: Some(&input),
        output: Some(&output),
    };
    let charged = outcome.is_chargeable();
    let record = BureauPull {
        id: &pull_id,
        org_id: caller.org_id,
        api_key_id: caller.api_key_id,
        mobile_last4: &mobile[mobile.len().saturating_sub(4)..],
        full_name: &query.full_name,
        consent_purpose,
        document_type: query.document.as_ref().map(|d| d.document_type.as_str()),
        outcome,
        credits_used: if charged { cost } else { 0 },
    };
    // The pull's consent record and its charge: both or neither.
    let mut tx = store.begin().await?;
    let recorded = if charged {
        tx.apply_movement(&charge).await?.map(Some)
    } else {
        Ok(None)
    };
    if recorded.is_ok() {
        tx.insert_bureau_pull(&record).await?;
        tx.commit().await?;
    }
    Ok(match (result, recorded) {
        (_, Err(short)) => PullOutcome::Insufficient(short),
        (Ok(report), Ok(after)) => PullOutcome::Found {
            report: Box::new(report),
            used: cost,
            balance: after.unwrap_or(balance),
        },
        (Err(ProviderError::NotFound), Ok(after)) => PullOutcome::NoRecord {
            used: cost,
            balance: after.unwrap_or(balance),
        },
        (Err(error), Ok(_)) => {
            tracing::warn!(%error, "bureau unavailable; no credit charged");
            PullOutcome::BureauUnavailable {
                balance: store.balance(caller.org_id).await?,
            }
        }
    })
}
