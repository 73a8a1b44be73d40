//! A small deterministic generator: SHA-256 of the input seeds a SplitMix64 stream. Written here
//! (not taken from `rand`) so sandbox records never change when a dependency is upgraded.

use sha2::{Digest, Sha256};

pub struct Seeded {
    state: u64,
}

impl Seeded {
    /// A stream for `domain` (e.g. "bureau") and `key` (e.g. the mobile number).
    pub fn new(domain: &str, key: &str) -> Self {
        let digest = Sha256::digest(format!("{domain}\u{0}{key}").as_bytes());
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&digest[..8]);
        Seeded {
            state: u64::from_le_bytes(seed),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(1, 100) <= percent
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next_u64() % 10) as u8))
            .collect()
    }

    pub fn letters(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'A' + (self.next_u64() % 26) as u8))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_stream_and_ranges_hold() {
        let mut a = Seeded::new("bureau", "9553226860");
        let mut b = Seeded::new("bureau", "9553226860");
        let mut c = Seeded::new("gst", "9553226860");
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], c.next_u64());
        for _ in 0..1000 {
            let n = a.range(3, 7);
            assert!((3..=7).contains(&n));
        }
        assert_eq!(a.digits(6).len(), 6);
    }
}
