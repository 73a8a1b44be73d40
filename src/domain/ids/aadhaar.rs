//! Aadhaar number and Aadhaar Virtual ID (VID).
//!
//! Both are sensitive: `Debug` and `Display` print only the masked form
//! (`xxxxxxxx1234`), so putting one in a log line or an error message cannot
//! leak it. The full number is reachable only through [`Aadhaar::expose`] /
//! [`AadhaarVid::expose`], which makes every use easy to grep and review.
//! `Serialize` emits the *masked* form, so a stray serialisation (a log, a
//! response, a stored JSON document) can never leak the number; code that must
//! send the full number upstream calls `expose()` explicitly.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::IdError;
use super::checksum::{verhoeff_digit, verhoeff_is_valid};

/// How the digits were written, before any numeric rule is checked.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// Something other than digits, spaces and hyphens.
    NonDigit,
    /// Only digits and separators, but not `groups` × 4 digits.
    Length,
    /// The right digits, but a separator somewhere else than between two groups of four.
    Separators,
}

/// The digits of a number UIDAI prints in groups of four: surrounding whitespace is trimmed,
/// and the only separators accepted are a single space or hyphen *between* two groups
/// (`2000 0004 8300`, `2000-0004-8300`); `-200000048300` or `2000 00048300` is refused.
fn grouped_digits(input: &str, groups: usize) -> Result<String, Shape> {
    let input = input.trim();
    if !input
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return Err(Shape::NonDigit);
    }
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != groups * 4 {
        return Err(Shape::Length);
    }
    if digits.len() == input.len() {
        return Ok(digits);
    }
    let bytes = input.as_bytes();
    let well_placed = bytes.len() == groups * 5 - 1
        && bytes.iter().enumerate().all(|(i, b)| {
            if i % 5 == 4 {
                matches!(b, b' ' | b'-')
            } else {
                b.is_ascii_digit()
            }
        });
    if well_placed {
        Ok(digits)
    } else {
        Err(Shape::Separators)
    }
}

/// `'x'` for every digit except the last four.
fn mask(digits: &str) -> String {
    let hidden = digits.len().saturating_sub(4);
    let mut out = "x".repeat(hidden);
    out.push_str(digits.get(hidden..).unwrap_or_default());
    out
}

/// A 12-digit Aadhaar number: first digit 2-9, last digit a Verhoeff check.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Aadhaar(String);

impl Aadhaar {
    /// Parses user input: 12 digits, together or in three groups of four separated by a
    /// single space or hyphen each.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let digits = grouped_digits(input, 3).map_err(|shape| match shape {
            Shape::NonDigit => IdError::AadhaarNonDigit,
            Shape::Length => IdError::AadhaarLength,
            Shape::Separators => IdError::AadhaarSeparators,
        })?;
        if digits.starts_with(['0', '1']) {
            return Err(IdError::AadhaarFirstDigit);
        }
        if !verhoeff_is_valid(&digits) {
            return Err(IdError::AadhaarChecksum);
        }
        Ok(Self(digits))
    }

    /// Builds a valid Aadhaar from its first 11 digits by appending the
    /// Verhoeff check digit (for tests and the sandbox).
    pub fn with_check_digit(first11: &str) -> Result<Self, IdError> {
        let check = verhoeff_digit(first11).ok_or(IdError::AadhaarNonDigit)?;
        Self::parse(&format!("{first11}{check}"))
    }

    /// The full 12-digit number. Named loudly on purpose: only call this
    /// where the full number is genuinely required (e.g. a vendor request).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `xxxxxxxx1234`: the last four digits, the rest hidden.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// The last four digits, for display and matching.
    pub fn last4(&self) -> &str {
        self.0.get(8..).unwrap_or_default()
    }
}

impl fmt::Debug for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Aadhaar").field(&self.masked()).finish()
    }
}

impl fmt::Display for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Aadhaar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

impl FromStr for Aadhaar {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A 16-digit Aadhaar Virtual ID: first digit 2-9, not a palindrome, last
/// digit a Verhoeff check (the same rules as python-stdnum `in_.vid`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AadhaarVid(String);

impl AadhaarVid {
    /// Parses user input: 16 digits, together or in four groups of four separated by a
    /// single space or hyphen each.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let digits = grouped_digits(input, 4).map_err(|shape| match shape {
            Shape::NonDigit => IdError::VidNonDigit,
            Shape::Length => IdError::VidLength,
            Shape::Separators => IdError::VidSeparators,
        })?;
        if digits.starts_with(['0', '1']) {
            return Err(IdError::VidFirstDigit);
        }
        if digits.bytes().eq(digits.bytes().rev()) {
            return Err(IdError::VidPalindrome);
        }
        if !verhoeff_is_valid(&digits) {
            return Err(IdError::VidChecksum);
        }
        Ok(Self(digits))
    }

    /// Builds a valid VID from its first 15 digits by appending the Verhoeff
    /// check digit (for tests and the sandbox).
    pub fn with_check_digit(first15: &str) -> Result<Self, IdError> {
        let check = verhoeff_digit(first15).ok_or(IdError::VidNonDigit)?;
        Self::parse(&format!("{first15}{check}"))
    }

    /// The full 16-digit VID. Only call where it is genuinely required.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `xxxxxxxxxxxx1234`: the last four digits, the rest hidden.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        self.0.get(12..).unwrap_or_default()
    }
}

impl fmt::Debug for AadhaarVid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AadhaarVid").field(&self.masked()).finish()
    }
}

impl fmt::Display for AadhaarVid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for AadhaarVid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

impl FromStr for AadhaarVid {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_normalises() {
        let a = Aadhaar::parse(" 2341 2341-2346 ").unwrap();
        assert_eq!(a.expose(), "234123412346");
        assert_eq!(a, Aadhaar::parse("234123412346").unwrap());
        assert_eq!(a.last4(), "2346");
        assert_eq!("234123412346".parse::<Aadhaar>().unwrap(), a);
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(
            Aadhaar::parse("2341a2341234"),
            Err(IdError::AadhaarNonDigit)
        );
        assert_eq!(
            Aadhaar::parse("2341.2341.2346"),
            Err(IdError::AadhaarNonDigit)
        );
        assert_eq!(Aadhaar::parse(""), Err(IdError::AadhaarLength));
        assert_eq!(Aadhaar::parse("23412341234"), Err(IdError::AadhaarLength));
        assert_eq!(Aadhaar::parse("2341234123461"), Err(IdError::AadhaarLength));
        assert_eq!(
            Aadhaar::parse("123412341234"),
            Err(IdError::AadhaarFirstDigit)
        );
        assert_eq!(
            Aadhaar::parse("034123412346"),
            Err(IdError::AadhaarFirstDigit)
        );
        assert_eq!(
            Aadhaar::parse("234123412347"),
            Err(IdError::AadhaarChecksum)
        );
        assert_eq!(
            IdError::AadhaarLength.to_string(),
            "Aadhaar number must be exactly 12 digits"
        );
        assert_eq!(
            IdError::AadhaarFirstDigit.to_string(),
            "Aadhaar number cannot start with 0 or 1"
        );
        assert_eq!(
            IdError::AadhaarChecksum.to_string(),
            "Aadhaar number has an invalid checksum (Verhoeff)"
        );
    }

    #[test]
    fn separators_only_between_groups_of_four() {
        for ok in [
            "200000048300",
            "2000 0004 8300",
            "2000-0004-8300",
            " 2000 0004-8300 ",
        ] {
            assert!(Aadhaar::parse(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "-200000048300",
            "200000048300-",
            "2000-00048300",
            "20000004 8300",
            "2000  0004 8300",
            "2000--0004-8300",
            "20 00 00 04 83 00",
            "2000 0004 8300 -",
            "- 2000 0004 8300",
        ] {
            assert_eq!(
                Aadhaar::parse(bad),
                Err(IdError::AadhaarSeparators),
                "{bad:?}"
            );
        }
        assert_eq!(
            IdError::AadhaarSeparators.to_string(),
            "Aadhaar number must be 12 digits, written together or in groups of 4 separated by a single space or hyphen"
        );
        // The length is reported before the placement of separators.
        assert_eq!(Aadhaar::parse("2000 0004 830"), Err(IdError::AadhaarLength));
        assert!(AadhaarVid::parse("2341 2341 2341 2341").is_ok());
        for bad in [
            "-2341234123412341",
            "2341-2341-23412341",
            "23 41 23 41 23 41 23 41",
        ] {
            assert_eq!(
                AadhaarVid::parse(bad),
                Err(IdError::VidSeparators),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn palindromes_are_not_rejected() {
        // Deliberate: the brief forbids rules beyond length/first
        // digit/Verhoeff, although python-stdnum rejects palindromes.
        let p = (0..10_000u32)
            .map(|n| {
                let half = format!("2{n:05}");
                let rev: String = half.chars().rev().collect();
                format!("{half}{rev}")
            })
            .find(|s| verhoeff_is_valid(s))
            .unwrap();
        assert!(Aadhaar::parse(&p).is_ok());
    }

    #[test]
    fn masking_and_debug_never_show_the_full_number() {
        let a = Aadhaar::parse("234123412346").unwrap();
        assert_eq!(a.masked(), "xxxxxxxx2346");
        assert_eq!(a.to_string(), "xxxxxxxx2346");
        assert_eq!(format!("{a:?}"), "Aadhaar(\"xxxxxxxx2346\")");
        assert!(!format!("{a:#?}").contains("234123412346"));
        let v = AadhaarVid::parse("2341234123412341").unwrap();
        assert_eq!(v.masked(), "xxxxxxxxxxxx2341");
        assert_eq!(v.to_string(), "xxxxxxxxxxxx2341");
        assert_eq!(format!("{v:?}"), "AadhaarVid(\"xxxxxxxxxxxx2341\")");
        assert_eq!(v.last4(), "2341");
    }

    #[test]
    fn serialize_never_emits_the_full_number() {
        let a = Aadhaar::parse("2341 2341 2346").unwrap();
        assert_eq!(serialized(&a), "xxxxxxxx2346");
        let v = AadhaarVid::parse("2341234123412341").unwrap();
        assert_eq!(serialized(&v), "xxxxxxxxxxxx2341");
    }

    #[test]
    fn with_check_digit_builds_valid_numbers() {
        assert_eq!(
            Aadhaar::with_check_digit("23412341234").unwrap().expose(),
            "234123412346"
        );
        assert_eq!(
            Aadhaar::with_check_digit("13412341234"),
            Err(IdError::AadhaarFirstDigit)
        );
        assert_eq!(
            Aadhaar::with_check_digit("2341234x234"),
            Err(IdError::AadhaarNonDigit)
        );
        assert_eq!(
            AadhaarVid::with_check_digit("234123412341234")
                .unwrap()
                .expose(),
            "2341234123412341"
        );
    }

    #[test]
    fn vid_every_error_variant() {
        assert_eq!(
            AadhaarVid::parse("2341-2341-2341-2341").map(|v| v.last4().to_owned()),
            Ok("2341".into())
        );
        assert_eq!(
            AadhaarVid::parse("234123412341234x"),
            Err(IdError::VidNonDigit)
        );
        assert_eq!(
            AadhaarVid::parse("234123412341234"),
            Err(IdError::VidLength)
        );
        assert_eq!(
            AadhaarVid::parse("1341234123412341"),
            Err(IdError::VidFirstDigit)
        );
        assert_eq!(
            AadhaarVid::parse("2222222222222222"),
            Err(IdError::VidPalindrome)
        );
        assert_eq!(
            AadhaarVid::parse("2341234123412342"),
            Err(IdError::VidChecksum)
        );
    }

    proptest! {
        #[test]
        fn generated_aadhaar_round_trips(first in 2u8..10, rest in "[0-9]{10}") {
            let a = Aadhaar::with_check_digit(&format!("{first}{rest}")).unwrap();
            let full = a.expose().to_owned();
            prop_assert_eq!(Aadhaar::parse(&full).unwrap(), a.clone());
            // Grouped the way UIDAI prints it.
            let grouped = format!("{} {} {}", &full[..4], &full[4..8], &full[8..]);
            prop_assert_eq!(Aadhaar::parse(&grouped).unwrap(), a.clone());
            // Privacy: neither Debug nor Display contains the full number
            // or even its first 8 digits.
            for shown in [format!("{a:?}"), format!("{a:#?}"), a.to_string()] {
                prop_assert!(!shown.contains(&full));
                prop_assert!(!shown.contains(&full[..8]));
                prop_assert!(shown.contains(&full[8..]));
            }
        }

        #[test]
        fn aadhaar_single_digit_errors_are_rejected(first in 2u8..10, rest in "[0-9]{10}", pos in 1usize..12, delta in 1u8..10) {
            let a = Aadhaar::with_check_digit(&format!("{first}{rest}")).unwrap();
            let mut bytes = a.expose().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(Aadhaar::parse(&mutated), Err(IdError::AadhaarChecksum));
        }

        #[test]
        fn generated_vid_round_trips(first in 2u8..10, rest in "[0-9]{14}") {
            let payload = format!("{first}{rest}");
            match AadhaarVid::with_check_digit(&payload) {
                Ok(v) => {
                    prop_assert_eq!(AadhaarVid::parse(v.expose()).unwrap(), v.clone());
                    let shown = format!("{v:?} {v}");
                    prop_assert!(!shown.contains(v.expose()));
                }
                // Only a palindrome can fail here.
                Err(e) => prop_assert_eq!(e, IdError::VidPalindrome),
            }
        }
    }
}
