//! IFSC (Indian Financial System Code) of a bank branch.
//!
//! 11 characters: a 4-letter bank code, `0` (reserved by RBI for future
//! use), and a 6-character alphanumeric branch code. IFSC has no check
//! digit, so whether the branch exists is a lookup, not a parse, concern.

use super::{IdError, plain_string_id};

/// A structurally valid IFSC, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ifsc(String);

impl Ifsc {
    /// Parses user input: surrounding whitespace is trimmed and letters are
    /// uppercased.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 11 {
            return Err(IdError::IfscLength);
        }
        let b = s.as_bytes();
        if !b[..4].iter().all(u8::is_ascii_uppercase) {
            return Err(IdError::IfscBankCode);
        }
        if b[4] != b'0' {
            return Err(IdError::IfscFifthChar);
        }
        if b.len() != 11 || !b[5..].iter().all(u8::is_ascii_alphanumeric) {
            return Err(IdError::IfscBranchCode);
        }
        Ok(Self(s))
    }

    /// The normalised (uppercase) IFSC.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 4-letter bank code, e.g. `"SBIN"`.
    pub fn bank_code(&self) -> &str {
        self.0.get(..4).unwrap_or_default()
    }

    /// The 6-character branch code.
    pub fn branch_code(&self) -> &str {
        self.0.get(5..).unwrap_or_default()
    }
}

plain_string_id!(Ifsc);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses() {
        let i = Ifsc::parse(" sbin0000300 ").unwrap();
        assert_eq!(i.as_str(), "SBIN0000300");
        assert_eq!(i.to_string(), "SBIN0000300");
        assert_eq!(serialized(&i), "SBIN0000300");
        assert_eq!(i.bank_code(), "SBIN");
        assert_eq!(i.branch_code(), "000300");
        assert_eq!(Ifsc::parse("HDFC0CAGSBK").unwrap().branch_code(), "CAGSBK");
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Ifsc::parse("SBIN000030"), Err(IdError::IfscLength));
        assert_eq!(Ifsc::parse("SBIN00003000"), Err(IdError::IfscLength));
        assert_eq!(Ifsc::parse("SB1N0000300"), Err(IdError::IfscBankCode));
        assert_eq!(Ifsc::parse("ŞBIN0000300"), Err(IdError::IfscBankCode));
        assert_eq!(Ifsc::parse("SBIN1000300"), Err(IdError::IfscFifthChar));
        assert_eq!(Ifsc::parse("SBIN0-00300"), Err(IdError::IfscBranchCode));
        assert_eq!(Ifsc::parse("SBIN000030é"), Err(IdError::IfscBranchCode));
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(bank in "[A-Za-z]{4}", branch in "[A-Za-z0-9]{6}") {
            let i = Ifsc::parse(&format!("{bank}0{branch}")).unwrap();
            prop_assert_eq!(i.bank_code(), bank.to_ascii_uppercase());
            prop_assert_eq!(i.branch_code(), branch.to_ascii_uppercase());
        }
    }
}
