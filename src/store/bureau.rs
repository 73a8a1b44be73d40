//! Bureau pulls: the consent record of every pull, written with its charge in one transaction.

use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms};
use crate::domain::bureau::BureauOutcome;

/// One pull as recorded: who asked, for what purpose, and what came of it. The mobile number is
/// kept only as its last four digits; the full request and response live on the ledger row.
#[derive(Debug, Clone)]
pub struct BureauPull<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub api_key_id: &'a str,
    pub mobile_last4: &'a str,
    pub full_name: &'a str,
    pub consent_purpose: &'a str,
    pub document_type: Option<&'a str>,
    pub outcome: BureauOutcome,
    /// Credits charged for it (0 when the bureau was not reached).
    pub credits_used: i64,
}

impl Tx {
    /// Records the pull's consent and outcome.
    pub async fn insert_bureau_pull(&mut self, pull: &BureauPull<'_>) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO bureau_pulls (id, org_id, api_key_id, mobile_last4, full_name,
                     consent_purpose, consent_at, document_type, outcome, credits_used, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $7)",
            )
            .bind(pull.id)
            .bind(pull.org_id)
            .bind(pull.api_key_id)
            .bind(pull.mobile_last4)
            .bind(pull.full_name)
            .bind(pull.consent_purpose)
            .bind(now)
            .bind(pull.document_type)
            .bind(pull.outcome)
            .bind(pull.credits_used)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }
}

impl super::Store {
    /// The consent purpose recorded for a pull (for audits and tests).
    pub async fn bureau_pull_consent(
        &self,
        org_id: &str,
        pull_id: &str,
    ) -> StoreResult<Option<(String, BureauOutcome, i64)>> {
        super::with_conn!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT consent_purpose, outcome, credits_used FROM bureau_pulls
                 WHERE org_id = $1 AND id = $2",
            )
            .bind(org_id)
            .bind(pull_id)
            .fetch_optional(pool)
            .await?)
        })
    }
}
