//! Indian driving licence number (Sarathi format).
//!
//! `SS-RR-YYYY-NNNNNNN`: a 2-letter state/UT code, 2-digit RTO code, the
//! 4-digit year of issue and a 7-digit serial, 15 characters once spaces and
//! hyphens are removed. The normalised form is that compact 15-character
//! string (what the Sarathi/Parivahan APIs take); [`DrivingLicence::formatted`]
//! gives the hyphenated form. Older licences in state-specific formats do
//! not fit and are rejected; they must be migrated to the Sarathi format,
//! which is what verification vendors accept.

use chrono::{Datelike, NaiveDate};

use super::{IdError, plain_string_id, today_anywhere};

/// State/UT codes used on licences, including superseded codes (OR, UA, TS)
/// still printed on licences issued before the change.
const STATES: [(&str, &str); 40] = [
    ("AN", "Andaman and Nicobar Islands"),
    ("AP", "Andhra Pradesh"),
    ("AR", "Arunachal Pradesh"),
    ("AS", "Assam"),
    ("BR", "Bihar"),
    ("CG", "Chhattisgarh"),
    ("CH", "Chandigarh"),
    ("DD", "Dadra and Nagar Haveli and Daman and Diu"),
    ("DL", "Delhi"),
    ("DN", "Dadra and Nagar Haveli"),
    ("GA", "Goa"),
    ("GJ", "Gujarat"),
    ("HP", "Himachal Pradesh"),
    ("HR", "Haryana"),
    ("JH", "Jharkhand"),
    ("JK", "Jammu and Kashmir"),
    ("KA", "Karnataka"),
    ("KL", "Kerala"),
    ("LA", "Ladakh"),
    ("LD", "Lakshadweep"),
    ("MH", "Maharashtra"),
    ("ML", "Meghalaya"),
    ("MN", "Manipur"),
    ("MP", "Madhya Pradesh"),
    ("MZ", "Mizoram"),
    ("NL", "Nagaland"),
    ("OD", "Odisha"),
    ("OR", "Odisha"),
    ("PB", "Punjab"),
    ("PY", "Puducherry"),
    ("RJ", "Rajasthan"),
    ("SK", "Sikkim"),
    ("TG", "Telangana"),
    ("TN", "Tamil Nadu"),
    ("TR", "Tripura"),
    ("TS", "Telangana"),
    ("UA", "Uttarakhand"),
    ("UK", "Uttarakhand"),
    ("UP", "Uttar Pradesh"),
    ("WB", "West Bengal"),
];

/// Earliest accepted year of issue; anything older is taken to be a typo.
const MIN_YEAR: i32 = 1900;

fn state_name_for(code: &str) -> Option<&'static str> {
    STATES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A structurally valid Indian driving licence number, compact uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DrivingLicence(String);

impl DrivingLicence {
    /// Parses user input against today's date (see [`Self::parse_at`]).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Self::parse_at(input, today_anywhere())
    }

    /// Parses user input, checking the year of issue against `today`:
    /// spaces and hyphens anywhere are removed and letters are uppercased.
    pub fn parse_at(input: &str, today: NaiveDate) -> Result<Self, IdError> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if s.chars().count() != 15 {
            return Err(IdError::DrivingLicenceLength);
        }
        let b = s.as_bytes();
        if b.len() != 15
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..].iter().all(u8::is_ascii_digit)
        {
            return Err(IdError::DrivingLicenceFormat);
        }
        if state_name_for(&s[..2]).is_none() {
            return Err(IdError::DrivingLicenceStateCode {
                code: s[..2].to_owned(),
            });
        }
        let year = parse_year(&s[4..8]);
        if !(MIN_YEAR..=today.year()).contains(&year) {
            return Err(IdError::DrivingLicenceYear {
                year,
                max: today.year(),
            });
        }
        Ok(Self(s))
    }

    /// The compact 15-character form, e.g. `MH1220110062821`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hyphenated form, e.g. `MH-12-2011-0062821`.
    pub fn formatted(&self) -> String {
        format!(
            "{}-{}-{}-{}",
            self.state_code(),
            self.rto_code(),
            self.year(),
            self.serial()
        )
    }

    /// The 2-letter state/UT code.
    pub fn state_code(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }

    /// The state/UT name for [`Self::state_code`].
    pub fn state_name(&self) -> &'static str {
        state_name_for(self.state_code()).unwrap_or_default()
    }

    /// The 2-digit RTO code.
    pub fn rto_code(&self) -> &str {
        self.0.get(2..4).unwrap_or_default()
    }

    /// The year of issue.
    pub fn year(&self) -> i32 {
        parse_year(self.0.get(4..8).unwrap_or_default())
    }

    /// The 7-digit serial number.
    pub fn serial(&self) -> &str {
        self.0.get(8..).unwrap_or_default()
    }
}

/// Four ASCII digits to a year (callers have checked the digits).
fn parse_year(digits: &str) -> i32 {
    digits
        .bytes()
        .fold(0, |acc, b| acc * 10 + i32::from(b.wrapping_sub(b'0')))
}

plain_string_id!(DrivingLicence);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    #[test]
    fn parses_with_or_without_separators() {
        let expected = DrivingLicence::parse_at("MH1220110062821", today()).unwrap();
        for input in [
            "MH-12-2011-0062821",
            " mh12 20110062821 ",
            "MH 12 2011 0062821",
            "MH-1220110062821",
        ] {
            assert_eq!(DrivingLicence::parse_at(input, today()).unwrap(), expected);
        }
        assert_eq!(expected.as_str(), "MH1220110062821");
        assert_eq!(expected.to_string(), "MH1220110062821");
        assert_eq!(serialized(&expected), "MH1220110062821");
        assert_eq!(expected.formatted(), "MH-12-2011-0062821");
        assert_eq!(expected.state_code(), "MH");
        assert_eq!(expected.state_name(), "Maharashtra");
        assert_eq!(expected.rto_code(), "12");
        assert_eq!(expected.year(), 2011);
        assert_eq!(expected.serial(), "0062821");
        // parse() uses the real date; 2011 is in the past whenever this runs.
        assert!(DrivingLicence::parse("MH-12-2011-0062821").is_ok());
    }

    #[test]
    fn year_bounds() {
        assert!(DrivingLicence::parse_at("DL0419000000001", today()).is_ok());
        assert!(DrivingLicence::parse_at("DL0420250000001", today()).is_ok());
        assert_eq!(
            DrivingLicence::parse_at("DL0420260000001", today()),
            Err(IdError::DrivingLicenceYear {
                year: 2026,
                max: 2025
            })
        );
        assert_eq!(
            DrivingLicence::parse_at("DL0418990000001", today()),
            Err(IdError::DrivingLicenceYear {
                year: 1899,
                max: 2025
            })
        );
        assert_eq!(
            IdError::DrivingLicenceYear {
                year: 1899,
                max: 2025
            }
            .to_string(),
            "Driving licence year 1899 must be between 1900 and 2025"
        );
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(
            DrivingLicence::parse_at("MH122011006282", today()),
            Err(IdError::DrivingLicenceLength)
        );
        assert_eq!(
            DrivingLicence::parse_at("MH/12/2011/0062821", today()),
            Err(IdError::DrivingLicenceLength)
        );
        assert_eq!(
            DrivingLicence::parse_at("M11220110062821", today()),
            Err(IdError::DrivingLicenceFormat)
        );
        assert_eq!(
            DrivingLicence::parse_at("MH1A20110062821", today()),
            Err(IdError::DrivingLicenceFormat)
        );
        assert_eq!(
            DrivingLicence::parse_at("XX1220110062821", today()),
            Err(IdError::DrivingLicenceStateCode { code: "XX".into() })
        );
        assert!(matches!(
            DrivingLicence::parse_at("MH1230110062821", today()),
            Err(IdError::DrivingLicenceYear { year: 3011, .. })
        ));
    }

    #[test]
    fn state_table_is_consistent() {
        for (code, name) in STATES {
            assert_eq!(code.len(), 2);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            assert_eq!(state_name_for(code), Some(name));
        }
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(
            state in prop::sample::select(STATES.iter().map(|(c, _)| *c).collect::<Vec<_>>()),
            rto in 0u8..100,
            year in 1900i32..=2025,
            serial in 0u32..10_000_000,
        ) {
            let hyphenated = format!("{state}-{rto:02}-{year}-{serial:07}");
            let dl = DrivingLicence::parse_at(&hyphenated, today()).unwrap();
            prop_assert_eq!(dl.formatted(), hyphenated);
            prop_assert_eq!(dl.year(), year);
            prop_assert_eq!(DrivingLicence::parse_at(dl.as_str(), today()).unwrap(), dl);
        }
    }
}
