//! A candidate's validated details that are not identity numbers: a person's name, an e-mail
//! address, an Indian pincode. Each is parsed once at the boundary, serialises as its plain
//! string and deserialises by parsing again (so stored JSON stays readable).

use std::fmt;

/// Why a detail was rejected: the reason the API reports for its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidDetail(pub &'static str);

macro_rules! string_detail {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $ty {
            type Err = InvalidDetail;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// True when `name` reads as a person's name: some letter, and only letters (any script, Indic
/// vowel signs and marks included), spaces, dots, apostrophes and hyphens. Default-ignorable
/// code points (a zero-width space, a Hangul filler …) are nothing, as to the name matcher: they
/// are neither refused nor a letter.
pub fn person_name_ok(name: &str) -> bool {
    use crate::domain::names::is_default_ignorable;
    let visible = || name.chars().filter(|c| !is_default_ignorable(*c));
    visible().any(char::is_alphabetic)
        && visible().all(|c| {
            c.is_alphabetic()
                || c.is_whitespace()
                || matches!(c, '.' | '\'' | '-')
                || ('\u{0900}'..='\u{0DFF}').contains(&c) // Indic vowel signs and marks
        })
}

/// A person's name, its whitespace collapsed to single spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, InvalidDetail> {
        if person_name_ok(raw) {
            Ok(PersonName(
                raw.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        } else {
            Err(InvalidDetail(
                "may contain only letters, spaces, dots, apostrophes and hyphens",
            ))
        }
    }
}
string_detail!(PersonName);

/// An e-mail address of the basic shape `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidDetail> {
        let raw = raw.trim();
        if raw.contains('@') && raw.rsplit('@').next().is_some_and(|d| d.contains('.')) {
            Ok(Email(raw.to_string()))
        } else {
            Err(InvalidDetail("must be a valid e-mail address"))
        }
    }
}
string_detail!(Email);

/// An Indian postal code: 6 digits, the first not 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pincode(String);

impl Pincode {
    pub fn parse(raw: &str) -> Result<Self, InvalidDetail> {
        let raw = raw.trim();
        if raw.len() == 6 && raw.chars().all(|d| d.is_ascii_digit()) && !raw.starts_with('0') {
            Ok(Pincode(raw.to_string()))
        } else {
            Err(InvalidDetail("must be 6 digits, not starting with 0"))
        }
    }
}
string_detail!(Pincode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_allow_indic_and_punctuation_but_not_digits() {
        assert!(person_name_ok("Vivek Patel"));
        assert!(person_name_ok("D'Souza-Fernandes Jr."));
        assert!(person_name_ok("विवेक पटेल"));
        assert!(person_name_ok("Siti Nurhaliza"));
        assert!(!person_name_ok("Vivek 2"));
        assert!(!person_name_ok("<script>"));
        assert!(!person_name_ok("..."));
        // Invisible characters are nothing: neither refused nor a letter.
        assert!(person_name_ok("Jo\u{200B}rge Mil\u{00AD}ton\u{E0061}"));
        assert!(!person_name_ok("\u{3164}"));
        assert!(!person_name_ok("\u{200B} \u{115F}"));
    }

    #[test]
    fn details_parse_and_round_trip_as_strings() {
        let name = PersonName::parse("  Vivek   Kumar  Patel ").unwrap();
        assert_eq!(name.as_str(), "Vivek Kumar Patel");
        assert!(Pincode::parse("500001").is_ok());
        for bad in ["050001", "50001", "5000011", "50000a"] {
            assert!(Pincode::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse("a@example.in").is_ok());
        assert!(Email::parse("a@localhost").is_err());
        let pin = Pincode::parse("560001").unwrap();
        let json = serde_json::to_string(&pin).unwrap();
        assert_eq!(json, "\"560001\"");
        assert_eq!(serde_json::from_str::<Pincode>(&json).unwrap(), pin);
        assert!(serde_json::from_str::<Pincode>("\"012345\"").is_err());
    }
}
