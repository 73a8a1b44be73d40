//! Indian mobile number.
//!
//! Exactly 10 digits starting with 6-9 (the TRAI mobile number series), and
//! not all the same digit (a common placeholder such as `9999999999`). No
//! `+91`/`91`/`0` prefix is accepted: the API contract is exactly 10 digits,
//! and silently stripping prefixes would make `91xxxxxxxx` ambiguous.

use super::{IdError, all_ascii_digits, plain_string_id};

/// A 10-digit Indian mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    /// Parses user input; only surrounding whitespace is trimmed.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if !all_ascii_digits(s) {
            return Err(IdError::MobileNonDigit);
        }
        if s.len() != 10 {
            return Err(IdError::MobileLength);
        }
        if !s.starts_with(['6', '7', '8', '9']) {
            return Err(IdError::MobileFirstDigit);
        }
        if s.bytes().all(|b| Some(&b) == s.as_bytes().first()) {
            return Err(IdError::MobileAllSameDigit);
        }
        Ok(Self(s.to_owned()))
    }

    /// The 10 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// E.164 form (`+91` followed by the 10 digits), for SMS/OTP gateways.
    pub fn e164(&self) -> String {
        format!("+91{}", self.0)
    }
}

plain_string_id!(Mobile);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses() {
        let m = Mobile::parse(" 9876543210\n").unwrap();
        assert_eq!(m.as_str(), "9876543210");
        assert_eq!(m.to_string(), "9876543210");
        assert_eq!(serialized(&m), "9876543210");
        assert_eq!(m.e164(), "+919876543210");
        assert!(Mobile::parse("6000000000").is_ok());
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Mobile::parse(""), Err(IdError::MobileNonDigit));
        assert_eq!(Mobile::parse("+919876543210"), Err(IdError::MobileNonDigit));
        assert_eq!(Mobile::parse("98765 43210"), Err(IdError::MobileNonDigit));
        assert_eq!(Mobile::parse("98765-43210"), Err(IdError::MobileNonDigit));
        assert_eq!(Mobile::parse("987654321"), Err(IdError::MobileLength));
        assert_eq!(Mobile::parse("919876543210"), Err(IdError::MobileLength));
        assert_eq!(Mobile::parse("09876543210"), Err(IdError::MobileLength));
        assert_eq!(Mobile::parse("5876543210"), Err(IdError::MobileFirstDigit));
        assert_eq!(Mobile::parse("0000000000"), Err(IdError::MobileFirstDigit));
        assert_eq!(
            Mobile::parse("9999999999"),
            Err(IdError::MobileAllSameDigit)
        );
        assert_eq!(
            IdError::MobileAllSameDigit.to_string(),
            "Mobile number cannot have all digits identical"
        );
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(s in "[6-9][0-9]{9}") {
            prop_assume!(s.bytes().any(|b| b != s.as_bytes()[0]));
            let m = Mobile::parse(&s).unwrap();
            prop_assert_eq!(m.as_str(), s.as_str());
        }

        #[test]
        fn anything_else_is_rejected(s in "\\PC{0,14}") {
            let ok = s.trim().len() == 10
                && s.trim().bytes().all(|b| b.is_ascii_digit())
                && s.trim().starts_with(['6', '7', '8', '9'])
                && s.trim().bytes().any(|b| b != s.trim().as_bytes()[0]);
            prop_assert_eq!(Mobile::parse(&s).is_ok(), ok);
        }
    }
}
