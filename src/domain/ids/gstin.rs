//! GSTIN (Goods and Services Tax Identification Number).
//!
//! 15 characters: `SS` state code, the holder's 10-character PAN, an entity
//! number (`1-9`, `A-Z`: how many registrations the PAN has in that state),
//! `Z` (the only value python-stdnum accepts, and the only one GSTN uses for
//! regular registrations), and a Luhn mod 36 check character.
//!
//! Special registrations that do not embed a PAN (TDS/TCS deductors, OIDAR,
//! UN bodies) are out of scope and rejected.

use super::checksum::{luhn_mod36_char, luhn_mod36_is_valid};
use super::pan::{self, Pan};
use super::{IdError, plain_string_id};

/// GST state codes and their current names. 01-37 are what python-stdnum
/// knows; 38 (Ladakh, 2019), 97 (Other Territory) and 99 (Centre
/// Jurisdiction) are issued by GSTN too, so we accept them as well.
const STATES: [(&str, &str); 40] = [
    ("01", "Jammu and Kashmir"),
    ("02", "Himachal Pradesh"),
    ("03", "Punjab"),
    ("04", "Chandigarh"),
    ("05", "Uttarakhand"),
    ("06", "Haryana"),
    ("07", "Delhi"),
    ("08", "Rajasthan"),
    ("09", "Uttar Pradesh"),
    ("10", "Bihar"),
    ("11", "Sikkim"),
    ("12", "Arunachal Pradesh"),
    ("13", "Nagaland"),
    ("14", "Manipur"),
    ("15", "Mizoram"),
    ("16", "Tripura"),
    ("17", "Meghalaya"),
    ("18", "Assam"),
    ("19", "West Bengal"),
    ("20", "Jharkhand"),
    ("21", "Odisha"),
    ("22", "Chhattisgarh"),
    ("23", "Madhya Pradesh"),
    ("24", "Gujarat"),
    // Merged into 26 in 2020; existing registrations keep the old code.
    ("25", "Daman and Diu"),
    ("26", "Dadra and Nagar Haveli and Daman and Diu"),
    ("27", "Maharashtra"),
    // Registrations from before the 2014 bifurcation.
    ("28", "Andhra Pradesh (before reorganisation)"),
    ("29", "Karnataka"),
    ("30", "Goa"),
    ("31", "Lakshadweep"),
    ("32", "Kerala"),
    ("33", "Tamil Nadu"),
    ("34", "Puducherry"),
    ("35", "Andaman and Nicobar Islands"),
    ("36", "Telangana"),
    ("37", "Andhra Pradesh"),
    ("38", "Ladakh"),
    ("97", "Other Territory"),
    ("99", "Centre Jurisdiction"),
];

fn state_name_for(code: &str) -> Option<&'static str> {
    STATES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A valid GSTIN, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gstin(String);

impl Gstin {
    /// Parses user input: surrounding whitespace is trimmed and letters are
    /// uppercased; inner spaces are rejected.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 15 {
            return Err(IdError::GstinLength);
        }
        let b = s.as_bytes();
        if b.len() != 15
            || !b.iter().all(u8::is_ascii_alphanumeric)
            || !b[..2].iter().all(u8::is_ascii_digit)
        {
            return Err(IdError::GstinFormat);
        }
        if state_name_for(&s[..2]).is_none() {
            return Err(IdError::GstinStateCode {
                code: s[..2].to_owned(),
            });
        }
        pan::check(&s[2..12]).map_err(|e| IdError::GstinPan {
            pan_error: Box::new(e),
        })?;
        if b[12] == b'0' {
            return Err(IdError::GstinEntityNumber);
        }
        if b[13] != b'Z' {
            return Err(IdError::GstinDefaultChar {
                found: char::from(b[13]),
            });
        }
        if !luhn_mod36_is_valid(&s) {
            return Err(IdError::GstinChecksum);
        }
        Ok(Self(s))
    }

    /// The check character for the first 14 characters of a GSTIN, or
    /// `None` unless `first14` is exactly 14 characters of `0-9A-Z`
    /// (lowercase is accepted). Only computes the checksum: the other
    /// rules are not checked.
    pub fn check_char(first14: &str) -> Option<char> {
        let up = first14.to_ascii_uppercase();
        if up.len() != 14 {
            return None;
        }
        luhn_mod36_char(&up)
    }

    /// Builds a valid GSTIN from its first 14 characters by appending the
    /// check character (for tests and the sandbox).
    pub fn with_check_char(first14: &str) -> Result<Self, IdError> {
        match Self::check_char(first14) {
            Some(c) => Self::parse(&format!("{first14}{c}")),
            // Let parse explain what is wrong with the input.
            None => Self::parse(&format!("{first14}0")),
        }
    }

    /// The normalised (uppercase) GSTIN.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 2-digit GST state code, e.g. `"27"`.
    pub fn state_code(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }

    /// The state or union territory the registration belongs to.
    pub fn state_name(&self) -> &'static str {
        state_name_for(self.state_code()).unwrap_or_default()
    }

    /// The holder's PAN (characters 3-12).
    pub fn pan(&self) -> Pan {
        Pan::from_checked(self.0.get(2..12).unwrap_or_default().to_owned())
    }

    /// The entity number (13th character): `1-9` then `A-Z`, counting the
    /// holder's registrations within the state.
    pub fn entity_number(&self) -> char {
        char::from(self.0.as_bytes().get(12).copied().unwrap_or(b'1'))
    }
}

plain_string_id!(Gstin);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    /// A GSTIN with a correct check character, whatever else is wrong.
    fn gen_gstin(state: &str, pan: &str, entity: char) -> String {
        let first14 = format!("{state}{pan}{entity}Z");
        let c = Gstin::check_char(&first14).unwrap();
        format!("{first14}{c}")
    }

    #[test]
    fn parses_and_decodes() {
        let g = Gstin::parse(" 27aapfu0939f1zv ").unwrap();
        assert_eq!(g.as_str(), "27AAPFU0939F1ZV");
        assert_eq!(g.to_string(), "27AAPFU0939F1ZV");
        assert_eq!(serialized(&g), "27AAPFU0939F1ZV");
        assert_eq!(g.state_code(), "27");
        assert_eq!(g.state_name(), "Maharashtra");
        assert_eq!(g.pan().as_str(), "AAPFU0939F");
        assert_eq!(g.pan().holder_type(), super::super::PanHolderType::Firm);
        assert_eq!(g.entity_number(), '1');
        assert_eq!(Gstin::check_char("27AAPFU0939F1Z"), Some('V'));
        assert_eq!(Gstin::check_char("27aapfu0939f1z"), Some('V'));
        assert_eq!(Gstin::check_char("27AAPFU0939F1"), None);
        assert_eq!(Gstin::check_char("27AAPFU0939F1-"), None);
    }

    #[test]
    fn extra_state_codes_are_accepted() {
        for (code, name) in [
            ("38", "Ladakh"),
            ("97", "Other Territory"),
            ("99", "Centre Jurisdiction"),
        ] {
            let g = Gstin::parse(&gen_gstin(code, "AAPFU0939F", '1')).unwrap();
            assert_eq!(g.state_name(), name);
        }
        assert_eq!(STATES.len(), 40);
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Gstin::parse("27AAPFU0939F1Z"), Err(IdError::GstinLength));
        assert_eq!(Gstin::parse("27AAPFU0939F1ZV1"), Err(IdError::GstinLength));
        assert_eq!(Gstin::parse("27AAPFU0939F-ZV"), Err(IdError::GstinFormat));
        assert_eq!(Gstin::parse("2XAAPFU0939F1ZV"), Err(IdError::GstinFormat));
        assert_eq!(
            Gstin::parse(&gen_gstin("40", "AAPFU0939F", '1')),
            Err(IdError::GstinStateCode { code: "40".into() })
        );
        assert_eq!(
            Gstin::parse(&gen_gstin("00", "AAPFU0939F", '1')),
            Err(IdError::GstinStateCode { code: "00".into() })
        );
        assert_eq!(
            Gstin::parse(&gen_gstin("27", "AAPEU0939F", '1')),
            Err(IdError::GstinPan {
                pan_error: Box::new(IdError::PanHolderType { found: 'E' })
            })
        );
        assert_eq!(
            Gstin::parse(&gen_gstin("27", "AAPFU0000F", '1')),
            Err(IdError::GstinPan {
                pan_error: Box::new(IdError::PanZeroSerial)
            })
        );
        assert_eq!(
            Gstin::parse(&gen_gstin("27", "AAPF10939F", '1')),
            Err(IdError::GstinPan {
                pan_error: Box::new(IdError::PanFormat)
            })
        );
        assert_eq!(
            Gstin::parse(&gen_gstin("27", "AAPFU0939F", '0')),
            Err(IdError::GstinEntityNumber)
        );
        let first14 = "27AAPFU0939F1Y";
        let not_z = format!("{first14}{}", Gstin::check_char(first14).unwrap());
        assert_eq!(
            Gstin::parse(&not_z),
            Err(IdError::GstinDefaultChar { found: 'Y' })
        );
        assert_eq!(Gstin::parse("27AAPFU0939F1ZW"), Err(IdError::GstinChecksum));
        assert_eq!(
            Gstin::parse(&gen_gstin("27", "AAPFU0000F", '1'))
                .unwrap_err()
                .to_string(),
            "GSTIN characters 3-12 must be a valid PAN: PAN serial number (characters 6-9) cannot be 0000"
        );
        assert_eq!(
            Gstin::with_check_char("27AAPFU0939F1"),
            Err(IdError::GstinLength)
        );
    }

    proptest! {
        #[test]
        fn generated_gstins_round_trip_and_detect_substitutions(
            state_idx in 0usize..40,
            pan_head in "[A-Z]{3}[ABCFGHJKLPT][A-Z]",
            serial in 1u16..10_000,
            pan_last in "[A-Z]",
            entity in "[1-9A-Z]",
            pos in 0usize..15,
            delta in 1u32..36,
        ) {
            let pan = format!("{pan_head}{serial:04}{pan_last}");
            let entity = entity.chars().next().unwrap();
            let s = gen_gstin(STATES[state_idx].0, &pan, entity);
            let g = Gstin::with_check_char(&s[..14]).unwrap();
            prop_assert_eq!(g.as_str(), s.as_str());
            prop_assert_eq!(g.pan(), Pan::parse(&pan).unwrap());
            prop_assert_eq!(g.entity_number(), entity);
            prop_assert_eq!(g.state_name(), STATES[state_idx].1);
            // Whatever rule catches it, a single substituted character
            // never yields a valid GSTIN.
            let mut chars: Vec<char> = s.chars().collect();
            let v = chars[pos].to_digit(36).unwrap();
            chars[pos] = char::from_digit((v + delta) % 36, 36).unwrap().to_ascii_uppercase();
            let mutated: String = chars.into_iter().collect();
            prop_assert!(Gstin::parse(&mutated).is_err());
        }
    }
}
