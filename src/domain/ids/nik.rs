//! Indonesian NIK (Nomor Induk Kependudukan), the e-KTP identity number.
//!
//! 16 digits `PPRRDDTTMMYYSSSS`: province `PP`, regency/city `RR`, district
//! `DD`, birth date `TTMMYY` with 40 added to the day for women, and a
//! 4-digit serial that is never `0000`. There is no check digit.
//!
//! Province codes are the Kemendagri codes that Dukcapil uses in NIKs,
//! including the Papuan provinces created in 2022 (93-96). Regency and
//! district codes are not checked against a table: there are hundreds and
//! they change. (python-stdnum looks up the first four digits too, but in
//! effect only requires the province to be known; its list is older, with
//! 33 provinces and BPS-style Papua codes, so it rejects 65, 92, 93, 95
//! and 96, and names 91 "Papua Barat" and 94 "Papua" where Kemendagri has
//! 91 Papua and 94 Papua Tengah.) NIKs issued before a province was split
//! keep their old province code, which stays valid.

use chrono::NaiveDate;
use serde::Serialize;

use super::{IdError, all_ascii_digits, plain_string_id, today_anywhere};

/// The 38 Indonesian provinces by Kemendagri code.
const PROVINCES: [(&str, &str); 38] = [
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("17", "Bengkulu"),
    ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"),
    ("21", "Kepulauan Riau"),
    ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "DI Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("65", "Kalimantan Utara"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"),
    ("76", "Sulawesi Barat"),
    ("81", "Maluku"),
    ("82", "Maluku Utara"),
    ("91", "Papua"),
    ("92", "Papua Barat"),
    ("93", "Papua Selatan"),
    ("94", "Papua Tengah"),
    ("95", "Papua Pegunungan"),
    ("96", "Papua Barat Daya"),
];

fn province_name_for(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Sex as encoded in the NIK birth day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// A valid NIK with its decoded parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nik {
    value: String,
    birth_date: NaiveDate,
    gender: Gender,
}

/// Two ASCII digits to a number (callers have checked the digits).
fn two_digits(s: &str) -> u32 {
    s.bytes()
        .fold(0, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// Picks the century for a 2-digit year: the most recent date that is not
/// after `today` (a birth date cannot be in the future), so `01` is 2001
/// and `99` is 1999. `None` if the day/month do not form a real date.
fn resolve_birth_date(day: u32, month: u32, yy: u32, today: NaiveDate) -> Option<NaiveDate> {
    let yy = i32::try_from(yy).ok()?;
    NaiveDate::from_ymd_opt(2000 + yy, month, day)
        .filter(|d| *d <= today)
        .or_else(|| NaiveDate::from_ymd_opt(1900 + yy, month, day))
}

impl Nik {
    /// Parses user input against today's date (see [`Self::parse_at`]).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Self::parse_at(input, today_anywhere())
    }

    /// Parses user input, resolving the 2-digit birth year relative to
    /// `today` (so tests are deterministic). Only surrounding whitespace is
    /// trimmed.
    pub fn parse_at(input: &str, today: NaiveDate) -> Result<Self, IdError> {
        let s = input.trim();
        if !all_ascii_digits(s) {
            return Err(IdError::NikNonDigit);
        }
        if s.len() != 16 {
            return Err(IdError::NikLength);
        }
        if province_name_for(&s[..2]).is_none() {
            return Err(IdError::NikProvince {
                code: s[..2].to_owned(),
            });
        }
        let (day, gender) = match two_digits(&s[6..8]) {
            d @ 1..=31 => (d, Gender::Male),
            d @ 41..=71 => (d - 40, Gender::Female),
            _ => return Err(IdError::NikBirthDate),
        };
        let month = two_digits(&s[8..10]);
        let yy = two_digits(&s[10..12]);
        let birth_date = resolve_birth_date(day, month, yy, today).ok_or(IdError::NikBirthDate)?;
        if &s[12..] == "0000" {
            return Err(IdError::NikZeroSerial);
        }
        Ok(Self {
            value: s.to_owned(),
            birth_date,
            gender,
        })
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// 2-digit province code, e.g. `"31"`.
    pub fn province_code(&self) -> &str {
        self.value.get(..2).unwrap_or_default()
    }

    /// Province name for [`Self::province_code`], e.g. `"DKI Jakarta"`.
    pub fn province_name(&self) -> &'static str {
        province_name_for(self.province_code()).unwrap_or_default()
    }

    /// 2-digit regency/city code within the province.
    pub fn regency_code(&self) -> &str {
        self.value.get(2..4).unwrap_or_default()
    }

    /// 2-digit district (kecamatan) code within the regency.
    pub fn district_code(&self) -> &str {
        self.value.get(4..6).unwrap_or_default()
    }

    /// Decoded birth date (century resolved at parse time).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// Decoded sex (day + 40 means female).
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// 4-digit serial distinguishing people with the same place and date.
    pub fn serial(&self) -> &str {
        self.value.get(12..).unwrap_or_default()
    }
}

plain_string_id!(Nik);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn decodes_a_male_nik() {
        // python-stdnum's example: born 17 August 1945 in Jakarta.
        let nik = Nik::parse_at(" 3171011708450001 ", today()).unwrap();
        assert_eq!(nik.as_str(), "3171011708450001");
        assert_eq!(nik.to_string(), "3171011708450001");
        assert_eq!(serialized(&nik), "3171011708450001");
        assert_eq!(nik.province_code(), "31");
        assert_eq!(nik.province_name(), "DKI Jakarta");
        assert_eq!(nik.regency_code(), "71");
        assert_eq!(nik.district_code(), "01");
        assert_eq!(nik.birth_date(), date(1945, 8, 17));
        assert_eq!(nik.gender(), Gender::Male);
        assert_eq!(nik.serial(), "0001");
    }

    #[test]
    fn decodes_a_female_nik_with_day_plus_40() {
        let nik = Nik::parse_at("3171015708450002", today()).unwrap();
        assert_eq!(nik.birth_date(), date(1945, 8, 17));
        assert_eq!(nik.gender(), Gender::Female);
        let nik = Nik::parse_at("3273024101990123", today()).unwrap();
        assert_eq!(nik.birth_date(), date(1999, 1, 1));
        assert_eq!(nik.gender(), Gender::Female);
        let nik = Nik::parse_at("3273027112040123", today()).unwrap();
        assert_eq!(nik.birth_date(), date(2004, 12, 31));
        assert_eq!(nik.gender(), Gender::Female);
    }

    #[test]
    fn century_is_resolved_relative_to_today() {
        // 01-06-25 is today: 2025. 02-06-25 would be tomorrow: 1925.
        let today = today();
        assert_eq!(
            Nik::parse_at("3171010106250001", today)
                .unwrap()
                .birth_date(),
            date(2025, 6, 1)
        );
        assert_eq!(
            Nik::parse_at("3171010206250001", today)
                .unwrap()
                .birth_date(),
            date(1925, 6, 2)
        );
        assert_eq!(
            Nik::parse_at("3171011503000001", today)
                .unwrap()
                .birth_date(),
            date(2000, 3, 15)
        );
        // 29 Feb 00 only exists in 2000 (1900 was not a leap year).
        assert_eq!(
            Nik::parse_at("3171012902000001", today)
                .unwrap()
                .birth_date(),
            date(2000, 2, 29)
        );
        // Run in 1999, the same NIK could only mean 1900: no such date.
        assert_eq!(
            Nik::parse_at("3171012902000001", date(1999, 12, 31)),
            Err(IdError::NikBirthDate)
        );
        assert_eq!(
            Nik::parse_at("3171012902010001", today),
            Err(IdError::NikBirthDate)
        );
        // parse() uses the real date; 1945 is in the past whenever this runs.
        assert!(Nik::parse("3171011708450001").is_ok());
    }

    #[test]
    fn every_error_variant() {
        let t = today();
        assert_eq!(Nik::parse_at("", t), Err(IdError::NikNonDigit));
        assert_eq!(
            Nik::parse_at("3171 0117 0845 0001", t),
            Err(IdError::NikNonDigit)
        );
        assert_eq!(Nik::parse_at("317101170845001", t), Err(IdError::NikLength));
        assert_eq!(
            Nik::parse_at("9971011708450001", t),
            Err(IdError::NikProvince { code: "99".into() })
        );
        assert_eq!(
            IdError::NikProvince { code: "99".into() }.to_string(),
            "NIK province code '99' is not a known Indonesian province"
        );
        for bad_date in [
            "3171010008450001", // day 00
            "3171013208450001", // day 32
            "3171014008450001", // day 40 (female, day 0)
            "3171017208450001", // day 72 (female, day 32)
            "3171018108450001", // day 81: not a valid encoding
            "3171011700450001", // month 00
            "3171011713450001", // month 13
            "3171013102450001", // 31 February
            "3171017102450001", // 31 February, female
        ] {
            assert_eq!(
                Nik::parse_at(bad_date, t),
                Err(IdError::NikBirthDate),
                "{bad_date}"
            );
        }
        assert_eq!(
            Nik::parse_at("3171011708450000", t),
            Err(IdError::NikZeroSerial)
        );
    }

    #[test]
    fn province_table() {
        assert_eq!(PROVINCES.len(), 38);
        for (code, name) in PROVINCES {
            assert_eq!(province_name_for(code), Some(name));
        }
        let papua = Nik::parse_at("9471010101900001", today()).unwrap();
        assert_eq!(papua.province_name(), "Papua Tengah");
        let kaltara = Nik::parse_at("6571010101900001", today()).unwrap();
        assert_eq!(kaltara.province_name(), "Kalimantan Utara");
    }

    proptest! {
        #[test]
        fn encoded_dates_decode_back(
            province in prop::sample::select(PROVINCES.iter().map(|(c, _)| *c).collect::<Vec<_>>()),
            place in "[0-9]{4}",
            days_since_1926 in 0i64..36_500,
            female: bool,
            serial in 1u16..10_000,
        ) {
            // Any date in the 100 years up to today() must round-trip.
            let born = date(1925, 6, 2) + chrono::Duration::days(days_since_1926);
            prop_assume!(born <= today());
            use chrono::Datelike;
            let day = born.day() + if female { 40 } else { 0 };
            let s = format!(
                "{province}{place}{day:02}{:02}{:02}{serial:04}",
                born.month(),
                born.year() % 100
            );
            let nik = Nik::parse_at(&s, today()).unwrap();
            prop_assert_eq!(nik.birth_date(), born);
            prop_assert_eq!(nik.gender(), if female { Gender::Female } else { Gender::Male });
            prop_assert_eq!(nik.as_str(), s.as_str());
            prop_assert_eq!(nik.serial(), format!("{serial:04}"));
        }
    }
}
