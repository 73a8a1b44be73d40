//! Indian passport number.
//!
//! The number printed on the passport booklet: one letter followed by seven
//! digits, the first of which is not 0 (e.g. `J8369854`). The 15-character
//! passport *application file number* (e.g. `BN1234567890123`) is a
//! different identifier, used only to track an application; we deliberately
//! do not accept it here so a file number cannot be mistaken for a passport.

use super::{IdError, plain_string_id};

/// A structurally valid Indian passport number, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Passport(String);

impl Passport {
    /// Parses user input: surrounding whitespace is trimmed and the letter
    /// is uppercased.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 8 {
            return Err(IdError::PassportLength);
        }
        let b = s.as_bytes();
        if b.len() != 8 || !b[0].is_ascii_uppercase() || !b[1..].iter().all(u8::is_ascii_digit) {
            return Err(IdError::PassportFormat);
        }
        if b[1] == b'0' {
            return Err(IdError::PassportFirstDigit);
        }
        Ok(Self(s))
    }

    /// The normalised (uppercase) passport number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

plain_string_id!(Passport);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses() {
        let p = Passport::parse(" j8369854 ").unwrap();
        assert_eq!(p.as_str(), "J8369854");
        assert_eq!(p.to_string(), "J8369854");
        assert_eq!(serialized(&p), "J8369854");
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Passport::parse("J836985"), Err(IdError::PassportLength));
        assert_eq!(
            Passport::parse("BN1234567890123"),
            Err(IdError::PassportLength)
        );
        assert_eq!(Passport::parse("18369854"), Err(IdError::PassportFormat));
        assert_eq!(Passport::parse("JJ369854"), Err(IdError::PassportFormat));
        assert_eq!(
            Passport::parse("J0369854"),
            Err(IdError::PassportFirstDigit)
        );
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(letter in "[a-zA-Z]", digits in "[1-9][0-9]{6}") {
            let p = Passport::parse(&format!("{letter}{digits}")).unwrap();
            prop_assert_eq!(p.as_str(), format!("{}{digits}", letter.to_ascii_uppercase()));
        }
    }
}
