//! Signed, expiring links to files this server serves (evidence, reports).

use std::sync::Arc;

use crate::crypto::sign_link;

/// Makes signed, expiring links to files this server serves.
#[derive(Clone)]
pub struct Links {
    pub base_url: String,
    pub key: Arc<Vec<u8>>,
    pub ttl_secs: i64,
}

impl Links {
    pub fn url(&self, path: &str) -> String {
        let expires = chrono::Utc::now().timestamp() + self.ttl_secs;
        format!(
            "{}{path}?{}",
            self.base_url.trim_end_matches('/'),
            sign_link(&self.key, path, expires)
        )
    }
}
