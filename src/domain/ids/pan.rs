//! PAN (Permanent Account Number, Income Tax Department).
//!
//! Format `AAAAA9999A`: three letters, a holder-type letter, the initial of
//! the holder's (sur)name, a 4-digit serial (never `0000`) and a final
//! letter. PAN has no public check-digit algorithm, so the last letter is
//! only checked to be a letter. Holder types follow python-stdnum `in_.pan`.

use serde::Serialize;

use super::{IdError, plain_string_id};

/// What kind of taxpayer holds the PAN (its 4th character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanHolderType {
    /// `A`
    AssociationOfPersons,
    /// `B`
    BodyOfIndividuals,
    /// `C`
    Company,
    /// `F` (also used for LLPs)
    Firm,
    /// `G`
    Government,
    /// `H`
    HinduUndividedFamily,
    /// `J`
    ArtificialJuridicalPerson,
    /// `K`
    Krish,
    /// `L`
    LocalAuthority,
    /// `P`
    Individual,
    /// `T`
    Trust,
}

impl PanHolderType {
    /// Every holder type, in code order.
    pub const ALL: [Self; 11] = [
        Self::AssociationOfPersons,
        Self::BodyOfIndividuals,
        Self::Company,
        Self::Firm,
        Self::Government,
        Self::HinduUndividedFamily,
        Self::ArtificialJuridicalPerson,
        Self::Krish,
        Self::LocalAuthority,
        Self::Individual,
        Self::Trust,
    ];

    /// The holder type for a PAN 4th character, if it is one.
    pub fn from_code(code: char) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The letter used in the PAN.
    pub fn code(self) -> char {
        match self {
            Self::AssociationOfPersons => 'A',
            Self::BodyOfIndividuals => 'B',
            Self::Company => 'C',
            Self::Firm => 'F',
            Self::Government => 'G',
            Self::HinduUndividedFamily => 'H',
            Self::ArtificialJuridicalPerson => 'J',
            Self::Krish => 'K',
            Self::LocalAuthority => 'L',
            Self::Individual => 'P',
            Self::Trust => 'T',
        }
    }

    /// Human description, as the Income Tax Department names it.
    pub fn description(self) -> &'static str {
        match self {
            Self::AssociationOfPersons => "Association of Persons (AOP)",
            Self::BodyOfIndividuals => "Body of Individuals (BOI)",
            Self::Company => "Company",
            Self::Firm => "Firm / Limited Liability Partnership",
            Self::Government => "Government",
            Self::HinduUndividedFamily => "Hindu Undivided Family (HUF)",
            Self::ArtificialJuridicalPerson => "Artificial Juridical Person",
            Self::Krish => "Krish (Trust Krish)",
            Self::LocalAuthority => "Local Authority",
            Self::Individual => "Individual",
            Self::Trust => "Trust",
        }
    }
}

/// A structurally valid PAN, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pan(String);

/// Checks the PAN rules on an already trimmed, uppercased candidate. Shared
/// with GSTIN, which embeds a PAN.
pub(super) fn check(s: &str) -> Result<(), IdError> {
    if s.chars().count() != 10 {
        return Err(IdError::PanLength);
    }
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase();
    if !shape {
        return Err(IdError::PanFormat);
    }
    let holder = char::from(b[3]);
    if PanHolderType::from_code(holder).is_none() {
        return Err(IdError::PanHolderType { found: holder });
    }
    if &b[5..9] == b"0000" {
        return Err(IdError::PanZeroSerial);
    }
    Ok(())
}

impl Pan {
    /// Parses user input: surrounding whitespace is trimmed and letters are
    /// uppercased; inner spaces are rejected.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        check(&s)?;
        Ok(Self(s))
    }

    /// Wraps a string already validated by [`check`] (used by GSTIN).
    pub(super) fn from_checked(s: String) -> Self {
        Self(s)
    }

    /// The normalised (uppercase) PAN.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What kind of taxpayer holds this PAN (4th character).
    pub fn holder_type(&self) -> PanHolderType {
        // The constructor guarantees a known code; Individual is an
        // unreachable fallback that keeps this function panic-free.
        self.0
            .chars()
            .nth(3)
            .and_then(PanHolderType::from_code)
            .unwrap_or(PanHolderType::Individual)
    }

    /// 5th character: the initial of the holder's surname (individuals) or
    /// name (other entities).
    pub fn card_holder_name_initial(&self) -> char {
        self.0.chars().nth(4).unwrap_or('A')
    }
}

plain_string_id!(Pan);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_decodes() {
        let pan = Pan::parse("  abcpe1234f ").unwrap();
        assert_eq!(pan.as_str(), "ABCPE1234F");
        assert_eq!(pan.to_string(), "ABCPE1234F");
        assert_eq!(serialized(&pan), "ABCPE1234F");
        assert_eq!(pan.holder_type(), PanHolderType::Individual);
        assert_eq!(pan.holder_type().description(), "Individual");
        assert_eq!(pan.card_holder_name_initial(), 'E');
        assert_eq!(
            Pan::parse("AAACH1234K").unwrap().holder_type(),
            PanHolderType::Company
        );
        assert_eq!(
            Pan::parse("AAAHH0001K")
                .unwrap()
                .holder_type()
                .description(),
            "Hindu Undivided Family (HUF)"
        );
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(Pan::parse("ABCPE1234"), Err(IdError::PanLength));
        assert_eq!(Pan::parse("ABCPE 1234F"), Err(IdError::PanLength));
        assert_eq!(Pan::parse("ABCPE12345"), Err(IdError::PanFormat));
        assert_eq!(Pan::parse("ABCP11234F"), Err(IdError::PanFormat));
        assert_eq!(Pan::parse("ABCPÉ1234F"), Err(IdError::PanFormat));
        assert_eq!(
            Pan::parse("ABCEE1234F"),
            Err(IdError::PanHolderType { found: 'E' })
        );
        assert_eq!(Pan::parse("ABCPE0000F"), Err(IdError::PanZeroSerial));
        assert_eq!(
            IdError::PanHolderType { found: 'X' }.to_string(),
            "PAN 4th character 'X' is not a known holder type (expected one of A, B, C, F, G, H, J, K, L, P, T)"
        );
    }

    #[test]
    fn holder_codes_round_trip() {
        for t in PanHolderType::ALL {
            assert_eq!(PanHolderType::from_code(t.code()), Some(t));
            assert!(!t.description().is_empty());
        }
        assert_eq!(PanHolderType::from_code('E'), None);
    }

    proptest! {
        #[test]
        fn generated_pans_round_trip(
            head in "[A-Z]{3}",
            holder in prop::sample::select(PanHolderType::ALL.to_vec()),
            initial in "[A-Z]",
            serial in 1u16..10_000,
            last in "[A-Z]",
        ) {
            let s = format!("{head}{}{initial}{serial:04}{last}", holder.code());
            let pan = Pan::parse(&s.to_lowercase()).unwrap();
            prop_assert_eq!(pan.as_str(), s.as_str());
            prop_assert_eq!(pan.holder_type(), holder);
            prop_assert_eq!(Pan::parse(pan.as_str()).unwrap(), pan);
        }
    }
}
