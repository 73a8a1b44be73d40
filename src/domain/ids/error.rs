//! The single error type for every identifier parser.
//!
//! One flat enum (rather than one error type per identifier) so the API layer
//! can `match` on exact causes and map some of them to vendor-specific
//! messages, while `Display` already gives a precise message fit for an API
//! client. Messages never echo a full identifier back (only short, harmless
//! fragments such as a state code), so they are safe to log.

use serde::Serialize;
use thiserror::Error;

/// Why a raw string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum IdError {
    // ---- Aadhaar -------------------------------------------------------
    #[error(
        "Aadhaar number must contain only digits (spaces and hyphens are allowed as separators)"
    )]
    AadhaarNonDigit,
    #[error("Aadhaar number must be exactly 12 digits")]
    AadhaarLength,
    #[error(
        "Aadhaar number must be 12 digits, written together or in groups of 4 separated by a single space or hyphen"
    )]
    AadhaarSeparators,
    #[error("Aadhaar number cannot start with 0 or 1")]
    AadhaarFirstDigit,
    #[error("Aadhaar number has an invalid checksum (Verhoeff)")]
    AadhaarChecksum,

    // ---- Aadhaar Virtual ID ---------------------------------------------
    #[error("Aadhaar VID must contain only digits (spaces and hyphens are allowed as separators)")]
    VidNonDigit,
    #[error("Aadhaar VID must be exactly 16 digits")]
    VidLength,
    #[error(
        "Aadhaar VID must be 16 digits, written together or in groups of 4 separated by a single space or hyphen"
    )]
    VidSeparators,
    #[error("Aadhaar VID cannot start with 0 or 1")]
    VidFirstDigit,
    #[error("Aadhaar VID cannot be a palindrome")]
    VidPalindrome,
    #[error("Aadhaar VID has an invalid checksum (Verhoeff)")]
    VidChecksum,

    // ---- PAN ------------------------------------------------------------
    #[error("PAN must be exactly 10 characters")]
    PanLength,
    #[error("PAN must be 5 letters, 4 digits and 1 letter (e.g. ABCPE1234F)")]
    PanFormat,
    #[error(
        "PAN 4th character '{found}' is not a known holder type (expected one of A, B, C, F, G, H, J, K, L, P, T)"
    )]
    PanHolderType { found: char },
    #[error("PAN serial number (characters 6-9) cannot be 0000")]
    PanZeroSerial,

    // ---- GSTIN ----------------------------------------------------------
    #[error("GSTIN must be exactly 15 characters")]
    GstinLength,
    #[error("GSTIN must contain only letters and digits and start with a 2-digit state code")]
    GstinFormat,
    #[error("GSTIN state code '{code}' is not a known GST state code")]
    GstinStateCode { code: String },
    /// Characters 3-12 are not a valid PAN; `pan_error` says why.
    #[error("GSTIN characters 3-12 must be a valid PAN: {pan_error}")]
    GstinPan { pan_error: Box<IdError> },
    #[error("GSTIN entity number (13th character) must be 1-9 or A-Z, not 0")]
    GstinEntityNumber,
    #[error("GSTIN 14th character must be 'Z', found '{found}'")]
    GstinDefaultChar { found: char },
    #[error("GSTIN has an invalid check character (15th character)")]
    GstinChecksum,

    // ---- Indian mobile number --------------------------------------------
    #[error("Mobile number must contain only digits, without country code, spaces or symbols")]
    MobileNonDigit,
    #[error("Mobile number must be exactly 10 digits")]
    MobileLength,
    #[error("Mobile number must start with 6, 7, 8 or 9")]
    MobileFirstDigit,
    #[error("Mobile number cannot have all digits identical")]
    MobileAllSameDigit,

    // ---- IFSC -----------------------------------------------------------
    #[error("IFSC must be exactly 11 characters")]
    IfscLength,
    #[error("IFSC must start with a 4-letter bank code")]
    IfscBankCode,
    #[error("IFSC 5th character must be 0")]
    IfscFifthChar,
    #[error("IFSC branch code (last 6 characters) must contain only letters and digits")]
    IfscBranchCode,

    // ---- EPIC (voter ID) --------------------------------------------------
    #[error("EPIC number must be exactly 10 characters")]
    EpicLength,
    #[error("EPIC number must be 3 letters followed by 7 digits")]
    EpicFormat,
    #[error("EPIC number has an invalid check digit (Luhn)")]
    EpicChecksum,

    // ---- Driving licence ------------------------------------------------
    #[error(
        "Driving licence number must be 15 characters (SS-RR-YYYY-NNNNNNN), not counting spaces and hyphens"
    )]
    DrivingLicenceLength,
    #[error(
        "Driving licence number must be a 2-letter state code, 2-digit RTO code, 4-digit year and 7-digit number"
    )]
    DrivingLicenceFormat,
    #[error(
        "Driving licence state code '{code}' is not a known Indian state or union territory code"
    )]
    DrivingLicenceStateCode { code: String },
    #[error("Driving licence year {year} must be between 1900 and {max}")]
    DrivingLicenceYear { year: i32, max: i32 },

    // ---- Passport -------------------------------------------------------
    #[error("Passport number must be exactly 8 characters")]
    PassportLength,
    #[error("Passport number must be 1 letter followed by 7 digits")]
    PassportFormat,
    #[error("Passport number cannot have 0 as its first digit")]
    PassportFirstDigit,

    // ---- UAN ------------------------------------------------------------
    #[error("UAN must contain only digits")]
    UanNonDigit,
    #[error("UAN must be exactly 12 digits")]
    UanLength,

    // ---- Indonesian NIK ---------------------------------------------------
    #[error("NIK must contain only digits")]
    NikNonDigit,
    #[error("NIK must be exactly 16 digits")]
    NikLength,
    #[error("NIK province code '{code}' is not a known Indonesian province")]
    NikProvince { code: String },
    #[error(
        "NIK contains an invalid birth date (digits 7-12 must be DDMMYY, with 40 added to the day for women)"
    )]
    NikBirthDate,
    #[error("NIK serial number (last 4 digits) cannot be 0000")]
    NikZeroSerial,
}

/// Which identifier an [`IdError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Aadhaar,
    AadhaarVid,
    Pan,
    Gstin,
    Mobile,
    Ifsc,
    Epic,
    DrivingLicence,
    Passport,
    Uan,
    Nik,
}

impl IdKind {
    /// Human name of the identifier, as used at the start of error messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Aadhaar => "Aadhaar number",
            Self::AadhaarVid => "Aadhaar VID",
            Self::Pan => "PAN",
            Self::Gstin => "GSTIN",
            Self::Mobile => "Mobile number",
            Self::Ifsc => "IFSC",
            Self::Epic => "EPIC number",
            Self::DrivingLicence => "Driving licence number",
            Self::Passport => "Passport number",
            Self::Uan => "UAN",
            Self::Nik => "NIK",
        }
    }
}

impl IdError {
    /// The identifier this error is about, e.g. to name the offending field.
    pub fn kind(&self) -> IdKind {
        use IdError::*;
        match self {
            AadhaarNonDigit | AadhaarLength | AadhaarSeparators | AadhaarFirstDigit
            | AadhaarChecksum => IdKind::Aadhaar,
            VidNonDigit | VidLength | VidSeparators | VidFirstDigit | VidPalindrome
            | VidChecksum => IdKind::AadhaarVid,
            PanLength | PanFormat | PanHolderType { .. } | PanZeroSerial => IdKind::Pan,
            GstinLength
            | GstinFormat
            | GstinStateCode { .. }
            | GstinPan { .. }
            | GstinEntityNumber
            | GstinDefaultChar { .. }
            | GstinChecksum => IdKind::Gstin,
            MobileNonDigit | MobileLength | MobileFirstDigit | MobileAllSameDigit => IdKind::Mobile,
            IfscLength | IfscBankCode | IfscFifthChar | IfscBranchCode => IdKind::Ifsc,
            EpicLength | EpicFormat | EpicChecksum => IdKind::Epic,
            DrivingLicenceLength
            | DrivingLicenceFormat
            | DrivingLicenceStateCode { .. }
            | DrivingLicenceYear { .. } => IdKind::DrivingLicence,
            PassportLength | PassportFormat | PassportFirstDigit => IdKind::Passport,
            UanNonDigit | UanLength => IdKind::Uan,
            NikNonDigit | NikLength | NikProvince { .. } | NikBirthDate | NikZeroSerial => {
                IdKind::Nik
            }
        }
    }

    /// Stable machine-readable code (`<kind>.<reason>`) for API error bodies,
    /// so clients need not parse the English message.
    pub fn code(&self) -> &'static str {
        use IdError::*;
        match self {
            AadhaarNonDigit => "aadhaar.non_digit",
            AadhaarLength => "aadhaar.length",
            AadhaarSeparators => "aadhaar.separators",
            AadhaarFirstDigit => "aadhaar.first_digit",
            AadhaarChecksum => "aadhaar.checksum",
            VidNonDigit => "aadhaar_vid.non_digit",
            VidLength => "aadhaar_vid.length",
            VidSeparators => "aadhaar_vid.separators",
            VidFirstDigit => "aadhaar_vid.first_digit",
            VidPalindrome => "aadhaar_vid.palindrome",
            VidChecksum => "aadhaar_vid.checksum",
            PanLength => "pan.length",
            PanFormat => "pan.format",
            PanHolderType { .. } => "pan.holder_type",
            PanZeroSerial => "pan.zero_serial",
            GstinLength => "gstin.length",
            GstinFormat => "gstin.format",
            GstinStateCode { .. } => "gstin.state_code",
            GstinPan { .. } => "gstin.pan",
            GstinEntityNumber => "gstin.entity_number",
            GstinDefaultChar { .. } => "gstin.default_char",
            GstinChecksum => "gstin.checksum",
            MobileNonDigit => "mobile.non_digit",
            MobileLength => "mobile.length",
            MobileFirstDigit => "mobile.first_digit",
            MobileAllSameDigit => "mobile.all_same_digit",
            IfscLength => "ifsc.length",
            IfscBankCode => "ifsc.bank_code",
            IfscFifthChar => "ifsc.fifth_char",
            IfscBranchCode => "ifsc.branch_code",
            EpicLength => "epic.length",
            EpicFormat => "epic.format",
            EpicChecksum => "epic.checksum",
            DrivingLicenceLength => "driving_licence.length",
            DrivingLicenceFormat => "driving_licence.format",
            DrivingLicenceStateCode { .. } => "driving_licence.state_code",
            DrivingLicenceYear { .. } => "driving_licence.year",
            PassportLength => "passport.length",
            PassportFormat => "passport.format",
            PassportFirstDigit => "passport.first_digit",
            UanNonDigit => "uan.non_digit",
            UanLength => "uan.length",
            NikNonDigit => "nik.non_digit",
            NikLength => "nik.length",
            NikProvince { .. } => "nik.province",
            NikBirthDate => "nik.birth_date",
            NikZeroSerial => "nik.zero_serial",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests_support::serialized;
    use super::*;
    use std::collections::HashSet;

    /// One value of every variant (the `match` in `code()` keeps this list
    /// honest: a new variant without a code does not compile).
    fn all_variants() -> Vec<IdError> {
        use IdError::*;
        vec![
            AadhaarNonDigit,
            AadhaarLength,
            AadhaarSeparators,
            AadhaarFirstDigit,
            AadhaarChecksum,
            VidNonDigit,
            VidLength,
            VidSeparators,
            VidFirstDigit,
            VidPalindrome,
            VidChecksum,
            PanLength,
            PanFormat,
            PanHolderType { found: 'E' },
            PanZeroSerial,
            GstinLength,
            GstinFormat,
            GstinStateCode { code: "40".into() },
            GstinPan {
                pan_error: Box::new(PanZeroSerial),
            },
            GstinEntityNumber,
            GstinDefaultChar { found: 'Y' },
            GstinChecksum,
            MobileNonDigit,
            MobileLength,
            MobileFirstDigit,
            MobileAllSameDigit,
            IfscLength,
            IfscBankCode,
            IfscFifthChar,
            IfscBranchCode,
            EpicLength,
            EpicFormat,
            EpicChecksum,
            DrivingLicenceLength,
            DrivingLicenceFormat,
            DrivingLicenceStateCode { code: "XX".into() },
            DrivingLicenceYear {
                year: 1899,
                max: 2025,
            },
            PassportLength,
            PassportFormat,
            PassportFirstDigit,
            UanNonDigit,
            UanLength,
            NikNonDigit,
            NikLength,
            NikProvince { code: "99".into() },
            NikBirthDate,
            NikZeroSerial,
        ]
    }

    #[test]
    fn codes_are_unique_and_prefixed_by_kind() {
        let all = all_variants();
        let codes: HashSet<_> = all.iter().map(IdError::code).collect();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            let kind = serialized(&e.kind());
            assert!(
                e.code().starts_with(&format!("{kind}.")),
                "{} vs {kind}",
                e.code()
            );
        }
    }

    #[test]
    fn messages_name_the_identifier() {
        for e in all_variants() {
            let msg = e.to_string();
            let first_word = e.kind().label().split(' ').next().unwrap();
            assert!(msg.starts_with(first_word), "{msg}");
            assert!(!msg.ends_with('.'), "{msg}");
        }
        assert_eq!(IdKind::DrivingLicence.label(), "Driving licence number");
    }
}
