//! Instance-wide settings shared by every process on the database (generated keys).

use super::{StoreResult, in_tx};

impl super::Store {
    /// The value of `key`, set to `initial` first if the key is new. Processes starting at once
    /// agree on one value (the first insert wins).
    pub async fn setting_or_init(&self, key: &str, initial: &str) -> StoreResult<String> {
        let value = in_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(initial)
            .execute(&mut *tx)
            .await?;
            let (value,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
            value
        });
        Ok(value)
    }
}
