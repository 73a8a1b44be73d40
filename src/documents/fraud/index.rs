//! Per-tenant index of what was submitted under which identity: card and face perceptual hashes
//! and face embeddings. The same card image or the same face under another identity is fraud.
//! In memory (brute force; thousands of entries per tenant cost well under a millisecond), loaded
//! from the table every process writes its submissions to (`kyc_fingerprints`).

use std::collections::HashMap;
use std::sync::Mutex;

use super::super::face::Embedding;
use super::phash::{Phash, SAME_IMAGE_MAX_BITS};
use super::{Signal, Strength};

/// Two faces closer than this (embedding distance) are one person for the reuse check: stricter
/// than the match threshold, so that look-alikes are not called fraud.
pub const SAME_FACE_MAX_DISTANCE: f64 = 0.40;
/// Entries kept per tenant (oldest dropped first).
pub const MAX_ENTRIES_PER_TENANT: usize = 200_000;

/// What one submission contributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fingerprint {
    /// The (rectified) card image's hash.
    pub card: Option<Phash>,
    /// The face crop's hash.
    pub face: Option<Phash>,
    pub embedding: Option<Embedding>,
}

#[derive(Debug, Clone)]
struct Entry {
    identity: String,
    /// How the identity is named in explanations (its last four characters).
    label: String,
    print: Fingerprint,
}

#[derive(Default)]
struct Tenant {
    entries: Vec<Entry>,
    /// The highest stored sequence number loaded (entries kept in a table are loaded in order).
    synced: i64,
}

/// The submissions of every tenant this process knows: either added here
/// ([`FraudIndex::check_and_add`]) or loaded from the table every process writes to
/// ([`FraudIndex::load`]), so that reuse is found across processes and restarts.
#[derive(Default)]
pub struct FraudIndex {
    tenants: Mutex<HashMap<String, Tenant>>,
}

impl FraudIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Signals for `print` against what the tenant submitted under other identities, then
    /// records it under `identity_key` (the NIK claimed, or the applicant's id).
    pub fn check_and_add(
        &self,
        tenant: &str,
        identity_key: &str,
        print: &Fingerprint,
    ) -> Vec<Signal> {
        let out = self.check(tenant, identity_key, print);
        if let Ok(mut tenants) = self.tenants.lock() {
            let t = tenants.entry(tenant.to_owned()).or_default();
            push(&mut t.entries, identity_key, &mask(identity_key), print);
        }
        out
    }

    /// Signals for `print` against what the tenant submitted under other identities (records
    /// nothing).
    pub fn check(&self, tenant: &str, identity_key: &str, print: &Fingerprint) -> Vec<Signal> {
        let Ok(tenants) = self.tenants.lock() else {
            return Vec::new();
        };
        let Some(t) = tenants.get(tenant) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut card_hit: Option<(u32, &str)> = None;
        let mut face_hit: Option<(f64, &str)> = None;
        for e in t.entries.iter().filter(|e| e.identity != identity_key) {
            if let (Some(a), Some(b)) = (print.card, e.print.card) {
                let d = a.distance(b);
                if d <= SAME_IMAGE_MAX_BITS && card_hit.is_none_or(|(best, _)| d < best) {
                    card_hit = Some((d, &e.label));
                }
            }
            let emb = match (&print.embedding, &e.print.embedding) {
                (Some(a), Some(b)) => Some(a.distance(b)),
                _ => None,
            };
            let hash_same = match (print.face, e.print.face) {
                (Some(a), Some(b)) => a.distance(b) <= SAME_IMAGE_MAX_BITS,
                _ => false,
            };
            if let Some(d) = emb
                .filter(|d| *d <= SAME_FACE_MAX_DISTANCE)
                .or(hash_same.then_some(0.0))
                && face_hit.is_none_or(|(best, _)| d < best)
            {
                face_hit = Some((d, &e.label));
            }
        }
        if let Some((d, other)) = card_hit {
            out.push(Signal::new(
                "card_image_reused",
                Strength::Strong,
                format!("the same card image ({d} of 64 hash bits differ) was submitted under another identity ({other})"),
            ));
        }
        if let Some((d, other)) = face_hit {
            out.push(Signal::new(
                "face_reused",
                Strength::Strong,
                format!("the same face (embedding distance {d:.2}) was submitted under another identity ({other})"),
            ));
        }
        out
    }

    /// The highest stored sequence number loaded for `tenant` (0 when none was).
    pub fn synced(&self, tenant: &str) -> i64 {
        self.tenants
            .lock()
            .ok()
            .and_then(|t| t.get(tenant).map(|t| t.synced))
            .unwrap_or(0)
    }

    /// Adds stored submissions of `tenant` (`(sequence, identity, label, print)`, in sequence
    /// order); those at or below what was already loaded are skipped, so a repeated load adds
    /// nothing twice.
    pub fn load(
        &self,
        tenant: &str,
        rows: impl IntoIterator<Item = (i64, String, String, Fingerprint)>,
    ) {
        let Ok(mut tenants) = self.tenants.lock() else {
            return;
        };
        let t = tenants.entry(tenant.to_owned()).or_default();
        for (seq, identity, label, print) in rows {
            if seq <= t.synced {
                continue;
            }
            t.synced = seq;
            push(&mut t.entries, &identity, &label, &print);
        }
    }

    pub fn len(&self, tenant: &str) -> usize {
        self.tenants
            .lock()
            .ok()
            .and_then(|t| t.get(tenant).map(|t| t.entries.len()))
            .unwrap_or(0)
    }
}

fn push(entries: &mut Vec<Entry>, identity: &str, label: &str, print: &Fingerprint) {
    if entries.len() >= MAX_ENTRIES_PER_TENANT {
        entries.remove(0);
    }
    entries.push(Entry {
        identity: identity.to_owned(),
        label: label.to_owned(),
        print: print.clone(),
    });
}

/// An identity as shown in explanations: its last four characters.
pub fn mask(identity: &str) -> String {
    let n = identity.chars().count();
    let tail: String = identity.chars().skip(n.saturating_sub(4)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(card: u64, emb: f32) -> Fingerprint {
        Fingerprint {
            card: Some(Phash(card)),
            face: None,
            embedding: Some(Embedding(vec![emb; 128])),
        }
    }

    #[test]
    fn reuse_under_another_identity_is_flagged_within_a_tenant_only() {
        let idx = FraudIndex::new();
        assert!(
            idx.check_and_add("t1", "3201014508900003", &print(0xFFFF_0000, 0.0))
                .is_empty()
        );
        // Same identity again: not fraud.
        assert!(
            idx.check_and_add("t1", "3201014508900003", &print(0xFFFF_0000, 0.0))
                .is_empty()
        );
        // Another tenant: not visible.
        assert!(
            idx.check_and_add("t2", "3171011708450001", &print(0xFFFF_0000, 0.0))
                .is_empty()
        );
        // Same card image (3 bits off) and same face under another identity.
        let s = idx.check_and_add("t1", "3171011708450001", &print(0xFFFF_0007, 0.001));
        let codes: Vec<_> = s.iter().map(|s| s.code).collect();
        assert_eq!(codes, ["card_image_reused", "face_reused"]);
        assert!(s[0].explanation.contains("…0003"));
        // A different card and a different face.
        assert!(
            idx.check_and_add("t1", "3273024101990123", &print(0x1234_5678_9ABC_DEF0, 0.5))
                .is_empty()
        );
        assert_eq!(idx.len("t1"), 4);
    }

    #[test]
    fn stored_submissions_load_once_and_count_as_other_identities() {
        let idx = FraudIndex::new();
        let row = |seq, id: &str| (seq, id.to_string(), mask(id), print(0xFFFF_0000, 0.0));
        idx.load("t1", [row(3, "a-0001"), row(5, "b-0002")]);
        idx.load("t1", [row(5, "b-0002"), row(2, "c-0003")]);
        assert_eq!(idx.len("t1"), 2);
        assert_eq!(idx.synced("t1"), 5);
        assert_eq!(idx.synced("t2"), 0);
        let s = idx.check("t1", "a-0001", &print(0xFFFF_0001, 0.0));
        assert_eq!(s.len(), 2);
        assert!(s[0].explanation.contains("…0002"));
        assert!(
            idx.check("t2", "a-0001", &print(0xFFFF_0001, 0.0))
                .is_empty()
        );
    }
}
