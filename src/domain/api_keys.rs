//! API keys: 32 random bytes, shown once, stored only as a SHA-256 hash plus a short visible
//! prefix. Sandbox organisations' keys start `sat_test_`, live ones `sat_live_`, so a key says
//! which kind of data it reaches.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::state::text_enum;

text_enum! {
    /// A key works only while `active`; `inactive` can be turned back on; `revoked` is final.
    pub enum KeyState {
        Active => "active",
        Inactive => "inactive",
        Revoked => "revoked",
    }
}

/// A freshly generated key. `plaintext` is shown to the operator once and then dropped.
pub struct GeneratedKey {
    pub id: String,
    pub plaintext: String,
    pub prefix: String,
    pub hash: String,
}

impl GeneratedKey {
    pub fn new(sandbox: bool) -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let kind = if sandbox { "sat_test_" } else { "sat_live_" };
        let plaintext = format!("{kind}{}", URL_SAFE_NO_PAD.encode(bytes));
        GeneratedKey {
            id: uuid::Uuid::new_v4().to_string(),
            prefix: plaintext.chars().take(kind.len() + 4).collect(),
            hash: hash_key(&plaintext),
            plaintext,
        }
    }
}

/// Keys carry 256 bits of entropy, so a fast hash is enough (no password stretching needed).
pub fn hash_key(plaintext: &str) -> String {
    hex::encode(Sha256::digest(plaintext.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_prefixed_and_hashed() {
        let a = GeneratedKey::new(true);
        let b = GeneratedKey::new(false);
        assert!(a.plaintext.starts_with("sat_test_") && a.plaintext.len() == 9 + 43);
        assert!(b.plaintext.starts_with("sat_live_"));
        assert_ne!(a.hash, b.hash);
        assert_eq!(a.hash, hash_key(&a.plaintext));
        assert!(!a.hash.contains(&a.plaintext));
        assert_eq!(a.prefix.len(), 13);
    }
}
