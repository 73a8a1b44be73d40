//! Keys and signatures: sealing secrets at rest, signed expiring links, webhook signatures.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("sealed value is malformed or was sealed with another key")]
    Unseal,
}

/// 32 random bytes, base64: a new key for the settings table.
pub fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    STANDARD.encode(bytes)
}

fn decode_key(key_b64: &str) -> Result<[u8; 32], CryptoError> {
    STANDARD
        .decode(key_b64.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or(CryptoError::BadKey)
}

/// Seals values (an Aadhaar number) with AES-256-GCM, a fresh nonce per value.
#[derive(Clone)]
pub struct Vault {
    cipher: Aes256Gcm,
    /// Keys the digests that find equal values without storing them (`blind_index`).
    blind_key: Vec<u8>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault([key redacted])")
    }
}

const SEALED_PREFIX: &str = "v1:";

impl Vault {
    pub fn new(key_b64: &str) -> Result<Self, CryptoError> {
        let key = decode_key(key_b64)?;
        Ok(Vault {
            cipher: Aes256Gcm::new_from_slice(&key).map_err(|_| CryptoError::BadKey)?,
            blind_key: hmac_hex(&key, b"satyapan blind index v1").into_bytes(),
        })
    }

    /// A keyed digest of `value`: equal values give equal digests, and without the key a
    /// digest does not tell the value (a NIK's few billion values cannot be tried).
    pub fn blind_index(&self, value: &str) -> String {
        hmac_hex(&self.blind_key, value.as_bytes())
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let nonce_array = aes_gcm::Nonce::from(nonce);
        // Encryption with a valid key cannot fail for inputs under the GCM length limit.
        let ciphertext = self
            .cipher
            .encrypt(&nonce_array, plaintext.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, CryptoError> {
        let raw = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|raw| raw.len() > 12)
            .ok_or(CryptoError::Unseal)?;
        let (nonce, ciphertext) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| CryptoError::Unseal)?;
        let plaintext = self
            .cipher
            .decrypt(&aes_gcm::Nonce::from(nonce), ciphertext)
            .map_err(|_| CryptoError::Unseal)?;
        String::from_utf8(plaintext).map_err(|_| CryptoError::Unseal)
    }
}

/// HMAC-SHA256 of `message` under `key`, hex.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(key)
        .expect("HMAC accepts keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Signs `path` until `expires` (unix seconds): the query a signed link carries.
pub fn sign_link(key: &[u8], path: &str, expires: i64) -> String {
    let sig = hmac_hex(key, format!("{path}\n{expires}").as_bytes());
    format!("expires={expires}&signature={sig}")
}

/// Checks a signed link: right signature and not expired at `now` (unix seconds).
pub fn verify_link(key: &[u8], path: &str, expires: i64, signature: &str, now: i64) -> bool {
    let expected = hmac_hex(key, format!("{path}\n{expires}").as_bytes());
    expires >= now && constant_time_eq(expected.as_bytes(), signature.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The webhook signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut message = format!("{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    format!("t={timestamp},v1={}", hmac_hex(secret.as_bytes(), &message))
}

/// A webhook signing secret: `whsec_` + 32 random bytes.
pub fn generate_webhook_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trips_and_hides_the_value() {
        let vault = Vault::new(&generate_key()).unwrap();
        let sealed = vault.seal("234123412346");
        assert!(!sealed.contains("234123412346"));
        assert_ne!(sealed, vault.seal("234123412346"), "fresh nonce per value");
        assert_eq!(vault.open(&sealed).unwrap(), "234123412346");
        let other = Vault::new(&generate_key()).unwrap();
        assert_eq!(other.open(&sealed), Err(CryptoError::Unseal));
        assert_eq!(vault.open("v1:AAAA"), Err(CryptoError::Unseal));
        assert!(Vault::new("short").is_err());
    }

    #[test]
    fn links_expire_and_cannot_be_altered() {
        let key = b"k";
        let query = sign_link(key, "/files/abc", 1000);
        let sig = query.split("signature=").nth(1).unwrap();
        assert!(verify_link(key, "/files/abc", 1000, sig, 999));
        assert!(!verify_link(key, "/files/abc", 1000, sig, 1001));
        assert!(!verify_link(key, "/files/abd", 1000, sig, 999));
        assert!(!verify_link(key, "/files/abc", 2000, sig, 999));
    }

    #[test]
    fn webhook_signature_is_hmac_of_timestamp_dot_body() {
        let header = webhook_signature("whsec_test", 1_700_000_000, b"{\"a\":1}");
        assert_eq!(
            header,
            format!(
                "t=1700000000,v1={}",
                hmac_hex(b"whsec_test", b"1700000000.{\"a\":1}")
            )
        );
    }
}
