//! UAN (Universal Account Number) issued by EPFO.
//!
//! We enforce exactly 12 ASCII digits and nothing more. UANs issued so far
//! start with `10`, but EPFO publishes no allocation rule or check digit, so
//! rejecting other prefixes would risk refusing genuine future numbers;
//! whether a UAN exists is for the EPFO lookup to say.

use super::{IdError, all_ascii_digits, plain_string_id};

/// A 12-digit UAN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uan(String);

impl Uan {
    /// Parses user input; only surrounding whitespace is trimmed.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if !all_ascii_digits(s) {
            return Err(IdError::UanNonDigit);
        }
        if s.len() != 12 {
            return Err(IdError::UanLength);
        }
        Ok(Self(s.to_owned()))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

plain_string_id!(Uan);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses() {
        let u = Uan::parse(" 100123456789 ").unwrap();
        assert_eq!(u.as_str(), "100123456789");
        assert_eq!(u.to_string(), "100123456789");
        assert_eq!(serialized(&u), "100123456789");
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Uan::parse(""), Err(IdError::UanNonDigit));
        assert_eq!(Uan::parse("1001 2345 6789"), Err(IdError::UanNonDigit));
        assert_eq!(Uan::parse("10012345678"), Err(IdError::UanLength));
        assert_eq!(Uan::parse("1001234567890"), Err(IdError::UanLength));
    }

    proptest! {
        #[test]
        fn twelve_digits_round_trip(s in "[0-9]{12}") {
            let uan = Uan::parse(&s).unwrap();
            prop_assert_eq!(uan.as_str(), s.as_str());
        }
    }
}
