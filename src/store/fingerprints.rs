//! The fraud stages' fingerprints (`kyc_fingerprints`): written in the stage's transaction,
//! read by every process in sequence order to keep its fraud index current.

use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, with_conn};

#[derive(Debug, Clone, FromRow)]
pub struct FingerprintRow {
    pub seq: i64,
    pub identity: String,
    pub label: String,
    pub card_hash: Option<i64>,
    pub face_hash: Option<i64>,
    /// 128 little-endian `f32`s.
    pub embedding: Option<Vec<u8>>,
}

/// One fingerprint to keep.
#[derive(Debug, Clone)]
pub struct NewFingerprintRow<'a> {
    pub org_id: &'a str,
    pub verification_id: &'a str,
    pub run: i64,
    pub identity: &'a str,
    pub label: &'a str,
    pub card_hash: Option<i64>,
    pub face_hash: Option<i64>,
    pub embedding: Option<Vec<u8>>,
    pub now: i64,
}

/// A tenant's fingerprints after a sequence number (`org_id, seq` index).
pub const FINGERPRINTS_AFTER: &str = "SELECT seq, identity, label, card_hash, face_hash, embedding
     FROM kyc_fingerprints WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

/// Rows read per call (the caller reads again while it gets full pages).
pub const FINGERPRINT_PAGE: i64 = 5_000;

impl Tx {
    /// Keeps a fingerprint; a verification's run keeps its first (a retried stage adds nothing).
    pub async fn insert_fingerprint(&mut self, row: &NewFingerprintRow<'_>) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO kyc_fingerprints (org_id, verification_id, run, identity, label,
                     card_hash, face_hash, embedding, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (verification_id, run) DO NOTHING",
            )
            .bind(row.org_id)
            .bind(row.verification_id)
            .bind(row.run)
            .bind(row.identity)
            .bind(row.label)
            .bind(row.card_hash)
            .bind(row.face_hash)
            .bind(row.embedding.as_deref())
            .bind(row.now)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }
}

impl super::Store {
    /// The tenant's fingerprints after `seq`, oldest first, up to [`FINGERPRINT_PAGE`].
    pub async fn fingerprints_after(
        &self,
        org_id: &str,
        seq: i64,
    ) -> StoreResult<Vec<FingerprintRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, FingerprintRow>(FINGERPRINTS_AFTER)
                .bind(org_id)
                .bind(seq)
                .bind(FINGERPRINT_PAGE)
                .fetch_all(pool)
                .await?)
        })
    }
}
