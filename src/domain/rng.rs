//! The one seeded generator (SplitMix64): sandbox records, synthetic document cards, screening
//! benchmark queries and the identifier property tests all draw from it. Written here (not taken
//! from `rand`) so a seed's sequence never changes when a dependency is upgraded: sandbox answers,
//! test images and benchmark query sets are all pinned to it.
//!
//! Three ways to seed it, one per historical caller, each kept so existing seeds give the same
//! sequence: [`Rng::keyed`] (sandbox: SHA-256 of a domain and a key), [`Rng::new`] (synthetic
//! cards: the seed mixed with the golden ratio) and [`Rng::from_state`] (the raw state).

use sha2::{Digest, Sha256};

/// SplitMix64's increment (the golden ratio in 64 bits).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A stream starting from `state` as it is.
    pub fn from_state(state: u64) -> Self {
        Rng { state }
    }

    /// A stream for a small numeric seed; the seed is mixed so that nearby seeds do not start
    /// on nearby states.
    pub fn new(seed: u64) -> Self {
        Rng::from_state(seed ^ GOLDEN)
    }

    /// A stream for `domain` (e.g. "bureau") and `key` (e.g. the mobile number).
    pub fn keyed(domain: &str, key: &str) -> Self {
        let digest = Sha256::digest(format!("{domain}\u{0}{key}").as_bytes());
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&digest[..8]);
        Rng::from_state(u64::from_le_bytes(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    /// A number in `0..n`; `0`, drawing nothing, when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(1, 100) <= percent
    }

    /// One of `items`; panics when it is empty (callers pass fixed, non-empty tables).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, or `None` (drawing nothing) when it is empty.
    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        items.get(self.below(items.len()))
    }

    /// `n` characters drawn from `alphabet` (ASCII).
    pub fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }

    pub fn digits(&mut self, n: usize) -> String {
        self.chars(DIGITS, n)
    }

    pub fn letters(&mut self, n: usize) -> String {
        self.chars(LETTERS, n)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = self.unit().max(1e-7);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first draws of each seeding, pinned: sandbox answers, synthetic cards and the
    /// screening benchmark's query sets all depend on these sequences.
    #[test]
    fn sequences_are_pinned() {
        let draws = |mut r: Rng| [r.next_u64(), r.next_u64(), r.next_u64()];
        assert_eq!(
            draws(Rng::from_state(7)),
            [
                0x63cb_e1e4_5932_0dd7,
                0x044c_3cd7_f43c_661c,
                0xe698_4080_bab1_2a02
            ]
        );
        assert_eq!(
            draws(Rng::new(7)),
            [
                0xec77_9c36_93f8_8501,
                0xfed9_eeb4_936d_e39d,
                0x6f9f_b04b_092b_d30a
            ]
        );
        assert_eq!(
            draws(Rng::keyed("bureau", "9553226860")),
            [
                0xb48f_ec77_0467_f6d4,
                0xe2a0_bcc9_9c12_8be5,
                0x8ada_49d4_f3d0_fdf2
            ]
        );
    }

    #[test]
    fn same_key_same_stream_and_ranges_hold() {
        let mut a = Rng::keyed("bureau", "9553226860");
        let mut b = Rng::keyed("bureau", "9553226860");
        let mut c = Rng::keyed("gst", "9553226860");
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], c.next_u64());
        for _ in 0..1000 {
            let n = a.range(3, 7);
            assert!((3..=7).contains(&n));
            let f = a.uniform(2.0, 3.0);
            assert!((2.0..3.0).contains(&f));
        }
        assert_eq!(a.digits(6).len(), 6);
        assert_eq!(a.choose::<u8>(&[]), None);
        assert_eq!(a.below(0), 0);
    }
}
