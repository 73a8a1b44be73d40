//! EPIC (Electoral Photo Identity Card) number, i.e. the voter ID.
//!
//! Three letters followed by seven digits, the last of which is a Luhn
//! check digit over the six before it (the rule python-stdnum `in_.epic`
//! applies: Luhn over the seven digits, letters excluded).

use super::checksum::{luhn_digit, luhn_is_valid};
use super::{IdError, plain_string_id};

/// A valid EPIC number, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Epic(String);

impl Epic {
    /// Parses user input: surrounding whitespace is trimmed and letters are
    /// uppercased; inner spaces are rejected.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 10 {
            return Err(IdError::EpicLength);
        }
        let b = s.as_bytes();
        if b.len() != 10
            || !b[..3].iter().all(u8::is_ascii_uppercase)
            || !b[3..].iter().all(u8::is_ascii_digit)
        {
            return Err(IdError::EpicFormat);
        }
        if !luhn_is_valid(&s[3..]) {
            return Err(IdError::EpicChecksum);
        }
        Ok(Self(s))
    }

    /// Builds a valid EPIC from its first 9 characters (3 letters, 6
    /// digits) by appending the Luhn digit (for tests and the sandbox).
    pub fn with_check_digit(first9: &str) -> Result<Self, IdError> {
        let digits = first9.get(3..).unwrap_or_default();
        match luhn_digit(digits) {
            Some(c) => Self::parse(&format!("{first9}{c}")),
            None => Self::parse(first9),
        }
    }

    /// The normalised (uppercase) EPIC number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

plain_string_id!(Epic);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses() {
        // python-stdnum's own example.
        let e = Epic::parse(" wkh1186253 ").unwrap();
        assert_eq!(e.as_str(), "WKH1186253");
        assert_eq!(e.to_string(), "WKH1186253");
        assert_eq!(serialized(&e), "WKH1186253");
        assert_eq!(Epic::with_check_digit("WKH118625").unwrap(), e);
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Epic::parse("WKH118625"), Err(IdError::EpicLength));
        assert_eq!(Epic::parse("WKH 1186253"), Err(IdError::EpicLength));
        assert_eq!(Epic::parse("WK11186253"), Err(IdError::EpicFormat));
        assert_eq!(Epic::parse("WKH118625A"), Err(IdError::EpicFormat));
        assert_eq!(Epic::parse("WKH1186254"), Err(IdError::EpicChecksum));
        assert_eq!(Epic::with_check_digit("WKH11862"), Err(IdError::EpicLength));
        assert_eq!(
            Epic::with_check_digit("WKH11862X"),
            Err(IdError::EpicLength)
        );
    }

    proptest! {
        #[test]
        fn generated_round_trip_and_single_digit_errors(
            letters in "[A-Z]{3}", digits in "[0-9]{6}", pos in 3usize..10, delta in 1u8..10,
        ) {
            let e = Epic::with_check_digit(&format!("{letters}{digits}")).unwrap();
            prop_assert_eq!(Epic::parse(e.as_str()).unwrap(), e.clone());
            let mut bytes = e.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(Epic::parse(&mutated), Err(IdError::EpicChecksum));
        }
    }
}
