//! Check-digit algorithms shared by several identifiers.
//!
//! - Verhoeff (Aadhaar, VID): catches every single-digit error and every
//!   adjacent transposition, which is why UIDAI chose it.
//! - Luhn (EPIC): the classic mod-10 "double every second digit".
//! - Luhn mod 36 (GSTIN): the same scheme over the alphabet `0-9A-Z`.
//!
//! The `*_digit`/`*_char` functions compute the character to append to a
//! payload (used by generators for tests and the sandbox); the `*_is_valid`
//! functions check a complete number whose last character is the check.

/// Verhoeff multiplication table: the dihedral group D5, where 0-4 are
/// rotations and 5-9 reflections. Computed rather than typed in so the
/// structure (and not 100 hand-copied numbers) is what gets reviewed.
const VERHOEFF_D: [[u8; 10]; 10] = {
    let mut table = [[0u8; 10]; 10];
    let mut j = 0;
    while j < 10 {
        let mut k = 0;
        while k < 10 {
            table[j][k] = match (j < 5, k < 5) {
                (true, true) => ((j + k) % 5) as u8,
                (true, false) => (5 + (j + k - 5) % 5) as u8,
                (false, true) => (5 + (j - 5 + 5 - k) % 5) as u8,
                (false, false) => ((j + 5 - k) % 5) as u8,
            };
            k += 1;
        }
        j += 1;
    }
    table
};

/// Verhoeff position permutation: row `i` is the base permutation applied
/// `i` times (the sequence repeats with period 8).
const VERHOEFF_P: [[u8; 10]; 8] = {
    const BASE: [u8; 10] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
    let mut table = [[0u8; 10]; 8];
    let mut n = 0;
    while n < 10 {
        table[0][n] = n as u8;
        n += 1;
    }
    let mut i = 1;
    while i < 8 {
        let mut n = 0;
        while n < 10 {
            table[i][n] = BASE[table[i - 1][n] as usize];
            n += 1;
        }
        i += 1;
    }
    table
};

/// Inverse of each D5 element: rotations invert to `5 - j`, reflections are
/// their own inverse.
const fn verhoeff_inverse(j: u8) -> u8 {
    if j < 5 { (5 - j) % 5 } else { j }
}

/// Folds the Verhoeff accumulator over `digits`, where `offset` is the
/// position (counted from the right, 0-based) of the last digit given.
fn verhoeff_fold(digits: &str, offset: usize) -> Option<u8> {
    let mut c = 0u8;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let p = VERHOEFF_P[(i + offset) % 8][usize::from(b - b'0')];
        c = VERHOEFF_D[usize::from(c)][usize::from(p)];
    }
    Some(c)
}

/// The Verhoeff check digit to append to `payload` (ASCII digits only).
/// Returns `None` if `payload` contains anything but ASCII digits.
pub fn verhoeff_digit(payload: &str) -> Option<char> {
    let c = verhoeff_fold(payload, 1)?;
    Some(char::from(b'0' + verhoeff_inverse(c)))
}

/// Whether `number` (payload followed by its check digit) passes Verhoeff.
pub fn verhoeff_is_valid(number: &str) -> bool {
    !number.is_empty() && verhoeff_fold(number, 0) == Some(0)
}

/// Generic Luhn mod N sum over `values` (already mapped to 0..n), where
/// `double_first` says whether the rightmost value is doubled.
fn luhn_sum(values: impl DoubleEndedIterator<Item = u32>, n: u32, double_first: bool) -> u32 {
    values
        .rev()
        .enumerate()
        .map(|(i, v)| {
            if (i % 2 == 0) == double_first {
                let d = v * 2;
                d / n + d % n
            } else {
                v
            }
        })
        .sum::<u32>()
        % n
}

/// Maps ASCII digits to their values; `None` on anything else.
fn decimal_values(s: &str) -> Option<Vec<u32>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| u32::from(b - b'0')))
        .collect()
}

/// The Luhn (mod 10) check digit to append to `payload` (ASCII digits only).
pub fn luhn_digit(payload: &str) -> Option<char> {
    let values = decimal_values(payload)?;
    let sum = luhn_sum(values.into_iter(), 10, true);
    char::from_digit((10 - sum) % 10, 10)
}

/// Whether `number` (payload followed by its check digit) passes Luhn.
pub fn luhn_is_valid(number: &str) -> bool {
    match decimal_values(number) {
        Some(values) if !values.is_empty() => luhn_sum(values.into_iter(), 10, false) == 0,
        _ => false,
    }
}

/// Maps `0-9A-Z` (uppercase only) to 0..36; `None` on anything else.
fn base36_values(s: &str) -> Option<Vec<u32>> {
    s.chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                None
            } else {
                c.to_digit(36)
            }
        })
        .collect()
}

/// The Luhn mod 36 check character (`0-9A-Z`) to append to `payload`,
/// which must consist of `0-9A-Z` only. This is the GSTIN check character.
pub fn luhn_mod36_char(payload: &str) -> Option<char> {
    let values = base36_values(payload)?;
    let sum = luhn_sum(values.into_iter(), 36, true);
    char::from_digit((36 - sum) % 36, 36).map(|c| c.to_ascii_uppercase())
}

/// Whether `number` (payload followed by its check character) passes
/// Luhn mod 36.
pub fn luhn_mod36_is_valid(number: &str) -> bool {
    match base36_values(number) {
        Some(values) if !values.is_empty() => luhn_sum(values.into_iter(), 36, false) == 0,
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn verhoeff_tables_match_the_published_first_rows() {
        // Spot checks against the well-known published tables.
        assert_eq!(VERHOEFF_D[1], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5]);
        assert_eq!(VERHOEFF_D[5], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1]);
        assert_eq!(VERHOEFF_D[9], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        assert_eq!(VERHOEFF_P[1], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]);
        assert_eq!(VERHOEFF_P[7], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]);
        for j in 0..10u8 {
            assert_eq!(
                VERHOEFF_D[usize::from(j)][usize::from(verhoeff_inverse(j))],
                0
            );
        }
    }

    #[test]
    fn verhoeff_known_values() {
        assert_eq!(verhoeff_digit("236"), Some('3'));
        assert!(verhoeff_is_valid("2363"));
        assert_eq!(verhoeff_digit("12345"), Some('1'));
        assert!(verhoeff_is_valid("123451"));
        assert!(verhoeff_is_valid("234123412346"));
        assert!(!verhoeff_is_valid("234123412347"));
        assert_eq!(verhoeff_digit("23412341234"), Some('6'));
        assert_eq!(verhoeff_digit("12a"), None);
        assert!(!verhoeff_is_valid(""));
        assert!(!verhoeff_is_valid("23a3"));
    }

    #[test]
    fn luhn_known_values() {
        assert_eq!(luhn_digit("7992739871"), Some('3'));
        assert!(luhn_is_valid("79927398713"));
        assert!(!luhn_is_valid("79927398710"));
        assert_eq!(luhn_digit(""), Some('0'));
        assert_eq!(luhn_digit("1x"), None);
        assert!(!luhn_is_valid(""));
    }

    #[test]
    fn luhn_mod36_known_gstin() {
        // Published sample GSTIN.
        assert_eq!(luhn_mod36_char("27AAPFU0939F1Z"), Some('V'));
        assert!(luhn_mod36_is_valid("27AAPFU0939F1ZV"));
        assert!(!luhn_mod36_is_valid("27AAPFU0939F1ZW"));
        assert_eq!(luhn_mod36_char("27aapfu0939f1z"), None);
        assert!(!luhn_mod36_is_valid(""));
    }

    proptest! {
        #[test]
        fn verhoeff_round_trip_and_single_errors(payload in "[0-9]{1,20}", pos_seed: usize, delta in 1u8..10) {
            let check = verhoeff_digit(&payload).unwrap();
            let full = format!("{payload}{check}");
            prop_assert!(verhoeff_is_valid(&full));
            // Any single-digit substitution is detected.
            let mut bytes = full.clone().into_bytes();
            let pos = pos_seed % bytes.len();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            prop_assert!(!verhoeff_is_valid(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn verhoeff_detects_adjacent_transpositions(payload in "[0-9]{2,20}", pos_seed: usize) {
            let full = format!("{payload}{}", verhoeff_digit(&payload).unwrap());
            let mut bytes = full.into_bytes();
            let pos = pos_seed % (bytes.len() - 1);
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            prop_assert!(!verhoeff_is_valid(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn luhn_round_trip_and_single_errors(payload in "[0-9]{1,20}", pos_seed: usize, delta in 1u8..10) {
            let full = format!("{payload}{}", luhn_digit(&payload).unwrap());
            prop_assert!(luhn_is_valid(&full));
            let mut bytes = full.into_bytes();
            let pos = pos_seed % bytes.len();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            prop_assert!(!luhn_is_valid(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn luhn_mod36_round_trip_and_single_errors(payload in "[0-9A-Z]{1,20}", pos_seed: usize, delta in 1u32..36) {
            let full = format!("{payload}{}", luhn_mod36_char(&payload).unwrap());
            prop_assert!(luhn_mod36_is_valid(&full));
            let mut chars: Vec<char> = full.chars().collect();
            let pos = pos_seed % chars.len();
            let v = chars[pos].to_digit(36).unwrap();
            chars[pos] = char::from_digit((v + delta) % 36, 36).unwrap().to_ascii_uppercase();
            let mutated: String = chars.into_iter().collect();
            prop_assert!(!luhn_mod36_is_valid(&mutated));
        }
    }
}
