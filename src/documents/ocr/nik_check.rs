//! Cross-checks what the NIK encodes against what the card shows, and decides `output_status`.
//!
//! The NIK (`PPRRDDTTMMYYSSSS`) encodes the province `PP`, the regency/city `RR` (Kemendagri
//! numbers kabupaten from 01 and kota from 71), the birth date `TTMMYY` with 40 added to the day
//! for women. Each disagreement with the card is a named finding:
//!
//! | finding | kind |
//! |---|---|
//! | `nik_missing` — no NIK read | fatal |
//! | `nik_invalid` — not a valid NIK (length, province code, date encoding, serial 0000) | fatal |
//! | `birth_date_mismatch` — the NIK's date is not the card's `tanggal_lahir` | contradiction |
//! | `gender_mismatch` — day+40 disagrees with `jenis_kelamin` | contradiction |
//! | `province_mismatch` — the NIK's province (or a province split from it later) is not the card's `provinsi` | contradiction |
//! | `regency_kind_mismatch` — the card says KOTA but the code is a kabupaten's, or the reverse | contradiction |
//! | `birth_date_unreadable`, `gender_unreadable`, `province_unreadable`, `regency_unreadable` — the field to compare was not read | unchecked |
//!
//! `output_status`:
//! - `NOT_VERIFIED` — a fatal finding, a birth-date or gender contradiction (the identity's own
//!   data disagree), or two or more contradictions of any kind;
//! - `PARTIALLY_NOT_VERIFIED` — the NIK is valid and no more than one province/regency
//!   contradiction, or some comparison could not be made (a field unread);
//! - `VERIFIED` — the NIK is valid and every comparison was made and agrees.
//!
//! A card whose regency line carries neither KOTA nor KABUPATEN (DKI cards print "JAKARTA
//! SELATAN") has no regency-kind comparison to make; it is not counted as unchecked. Regency
//! names are not compared with a table (there are over 500 and they change).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{KtpFields, OutputStatus};
use crate::domain::ids::{Gender, Nik};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Fatal,
    Contradiction,
    Unchecked,
}

/// One named finding, with a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub kind: FindingKind,
    pub message: String,
}

impl Finding {
    fn new(code: &'static str, kind: FindingKind, message: impl Into<String>) -> Self {
        Self {
            code,
            kind,
            message: message.into(),
        }
    }
}

/// What a valid NIK encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedNik {
    pub province_code: String,
    pub province: String,
    pub regency_code: String,
    pub district_code: String,
    pub birth_date: NaiveDate,
    pub gender: &'static str,
}

/// Provinces created by splitting another after NIKs were issued there: such a NIK keeps the old
/// province code, so a card of the new province with the old code is consistent.
const SPLIT_FROM: &[(&str, &[&str])] = &[
    ("14", &["KEPULAUAN RIAU"]),
    ("16", &["KEPULAUAN BANGKA BELITUNG"]),
    ("32", &["BANTEN"]),
    ("64", &["KALIMANTAN UTARA"]),
    ("71", &["GORONTALO"]),
    ("73", &["SULAWESI BARAT"]),
    ("81", &["MALUKU UTARA"]),
    (
        "91",
        &[
            "PAPUA BARAT",
            "PAPUA SELATAN",
            "PAPUA TENGAH",
            "PAPUA PEGUNUNGAN",
            "PAPUA BARAT DAYA",
        ],
    ),
    ("92", &["PAPUA BARAT DAYA"]),
];

/// The result of the cross-check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NikCheck {
    pub decoded: Option<DecodedNik>,
    pub findings: Vec<Finding>,
    pub output_status: OutputStatus,
}

/// Cross-checks with the NIK century resolved against `today`.
pub fn cross_check(fields: &KtpFields, today: NaiveDate) -> NikCheck {
    let mut findings = Vec::new();
    let Some(nik_text) = fields
        .nik
        .as_ref()
        .map(|f| f.value.as_str())
        .filter(|v| !v.is_empty())
    else {
        findings.push(Finding::new(
            "nik_missing",
            FindingKind::Fatal,
            "no NIK could be read on the card",
        ));
        return decide(None, findings);
    };
    let nik = match Nik::parse_at(nik_text, today) {
        Ok(n) => n,
        Err(e) => {
            findings.push(Finding::new(
                "nik_invalid",
                FindingKind::Fatal,
                format!("the NIK read ({nik_text}) is not valid: {e}"),
            ));
            return decide(None, findings);
        }
    };
    let decoded = DecodedNik {
        province_code: nik.province_code().to_owned(),
        province: nik.province_name().to_uppercase(),
        regency_code: nik.regency_code().to_owned(),
        district_code: nik.district_code().to_owned(),
        birth_date: nik.birth_date(),
        gender: match nik.gender() {
            Gender::Male => "LAKI-LAKI",
            Gender::Female => "PEREMPUAN",
        },
    };

    // Birth date: day, month and the two year digits (the NIK's century is a guess).
    match fields
        .tanggal_lahir
        .as_ref()
        .and_then(|f| NaiveDate::parse_from_str(&f.value, "%d-%m-%Y").ok())
    {
        None => findings.push(Finding::new(
            "birth_date_unreadable",
            FindingKind::Unchecked,
            "the card's birth date could not be read, so the NIK's was not compared",
        )),
        Some(card) => {
            let n = nik.birth_date();
            if (card.day(), card.month(), card.year().rem_euclid(100))
                != (n.day(), n.month(), n.year().rem_euclid(100))
            {
                findings.push(Finding::new(
                    "birth_date_mismatch",
                    FindingKind::Contradiction,
                    format!(
                        "the NIK encodes the birth date {} but the card shows {}",
                        n.format("%d-%m-%y"),
                        card.format("%d-%m-%Y")
                    ),
                ));
            }
        }
    }

    match fields.jenis_kelamin.as_ref().map(|f| f.value.as_str()) {
        Some(card @ ("LAKI-LAKI" | "PEREMPUAN")) => {
            if card != decoded.gender {
                findings.push(Finding::new(
                    "gender_mismatch",
                    FindingKind::Contradiction,
                    format!("the NIK's birth day encodes {} (40 is added for women) but the card shows {card}", decoded.gender),
                ));
            }
        }
        _ => findings.push(Finding::new(
            "gender_unreadable",
            FindingKind::Unchecked,
            "the card's jenis kelamin could not be read, so the NIK's was not compared",
        )),
    }

    match fields.provinsi.as_ref().map(|f| f.value.to_uppercase()) {
        None => findings.push(Finding::new(
            "province_unreadable",
            FindingKind::Unchecked,
            "the card's province could not be read, so the NIK's was not compared",
        )),
        Some(card) => {
            let split = SPLIT_FROM.iter().any(|(code, names)| {
                *code == decoded.province_code && names.contains(&card.as_str())
            });
            if card != decoded.province && !split {
                findings.push(Finding::new(
                    "province_mismatch",
                    FindingKind::Contradiction,
                    format!(
                        "the NIK's province code {} is {} but the card shows PROVINSI {card}",
                        decoded.province_code, decoded.province
                    ),
                ));
            }
        }
    }

    match fields.kabupaten_kota.as_ref().map(|f| f.value.to_uppercase()) {
        None => findings.push(Finding::new("regency_unreadable", FindingKind::Unchecked, "the card's kabupaten/kota line could not be read, so the NIK's regency code was not compared")),
        Some(card) => {
            let is_city_code = decoded.regency_code.as_str() >= "71";
            let kind = if card.starts_with("KOTA ") {
                Some(true)
            } else if card.starts_with("KABUPATEN ") || card.starts_with("KAB. ") || card.starts_with("KAB ") {
                Some(false)
            } else {
                None
            };
            if let Some(card_is_city) = kind
                && card_is_city != is_city_code
            {
                findings.push(Finding::new(
                    "regency_kind_mismatch",
                    FindingKind::Contradiction,
                    format!(
                        "the NIK's regency code {} is a {} code but the card shows {card}",
                        decoded.regency_code,
                        if is_city_code { "kota (city, 71 and up)" } else { "kabupaten (regency, below 71)" }
                    ),
                ));
            }
        }
    }
    decide(Some(decoded), findings)
}

fn decide(decoded: Option<DecodedNik>, findings: Vec<Finding>) -> NikCheck {
    let fatal = findings.iter().any(|f| f.kind == FindingKind::Fatal);
    let contradictions = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Contradiction)
        .count();
    let identity_contradiction = findings
        .iter()
        .any(|f| matches!(f.code, "birth_date_mismatch" | "gender_mismatch"));
    let output_status = if fatal || identity_contradiction || contradictions >= 2 {
        OutputStatus::NotVerified
    } else if findings.is_empty() {
        OutputStatus::Verified
    } else {
        OutputStatus::PartiallyNotVerified
    };
    NikCheck {
        decoded,
        findings,
        output_status,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::FieldReading;
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn f(v: &str) -> Option<FieldReading> {
        Some(FieldReading::new(v.to_owned(), 0.9))
    }

    fn card() -> KtpFields {
        KtpFields {
            nik: f("3201014508900003"),
            provinsi: f("JAWA BARAT"),
            kabupaten_kota: f("KABUPATEN BOGOR"),
            tanggal_lahir: f("05-08-1990"),
            jenis_kelamin: f("PEREMPUAN"),
            ..KtpFields::default()
        }
    }

    fn codes(c: &NikCheck) -> Vec<&'static str> {
        c.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_consistent_card_is_verified() {
        let c = cross_check(&card(), today());
        assert_eq!(c.findings, vec![]);
        assert_eq!(c.output_status, OutputStatus::Verified);
        let d = c.decoded.unwrap();
        assert_eq!(d.province, "JAWA BARAT");
        assert_eq!(d.gender, "PEREMPUAN");
    }

    #[test]
    fn each_disagreement_is_named_and_lowers_the_status() {
        let mut k = card();
        k.tanggal_lahir = f("06-08-1990");
        let c = cross_check(&k, today());
        assert_eq!(codes(&c), ["birth_date_mismatch"]);
        assert_eq!(c.output_status, OutputStatus::NotVerified);

        let mut k = card();
        k.jenis_kelamin = f("LAKI-LAKI");
        let c = cross_check(&k, today());
        assert_eq!(codes(&c), ["gender_mismatch"]);
        assert_eq!(c.output_status, OutputStatus::NotVerified);

        let mut k = card();
        k.provinsi = f("JAWA TENGAH");
        let c = cross_check(&k, today());
        assert_eq!(codes(&c), ["province_mismatch"]);
        assert_eq!(c.output_status, OutputStatus::PartiallyNotVerified);

        let mut k = card();
        k.kabupaten_kota = f("KOTA BOGOR");
        let c = cross_check(&k, today());
        assert_eq!(codes(&c), ["regency_kind_mismatch"]);
        assert_eq!(c.output_status, OutputStatus::PartiallyNotVerified);

        k.provinsi = f("BALI");
        let c = cross_check(&k, today());
        assert_eq!(codes(&c), ["province_mismatch", "regency_kind_mismatch"]);
        assert_eq!(c.output_status, OutputStatus::NotVerified);
    }

    #[test]
    fn a_split_province_keeps_its_old_code() {
        let mut k = card();
        k.provinsi = f("BANTEN");
        assert_eq!(
            cross_check(&k, today()).output_status,
            OutputStatus::Verified
        );
    }

    #[test]
    fn unread_fields_are_unchecked_not_contradictions() {
        let mut k = card();
        k.tanggal_lahir = None;
        k.kabupaten_kota = None;
        let c = cross_check(&k, today());
        assert_eq!(codes(&c), ["birth_date_unreadable", "regency_unreadable"]);
        assert_eq!(c.output_status, OutputStatus::PartiallyNotVerified);
        // No KOTA/KABUPATEN word: nothing to compare, nothing missing.
        let mut k = card();
        k.kabupaten_kota = f("JAKARTA SELATAN");
        assert_eq!(
            cross_check(&k, today()).output_status,
            OutputStatus::Verified
        );
    }

    #[test]
    fn a_missing_or_invalid_nik_is_not_verified_and_never_panics() {
        for nik in [
            None,
            f(""),
            f("123"),
            f("9901014508900003"),
            f("3201019908900003"),
            f("3201014508900000"),
            f("３２０１"),
        ] {
            let mut k = card();
            k.nik = nik;
            let c = cross_check(&k, today());
            assert_eq!(c.output_status, OutputStatus::NotVerified);
            assert!(
                matches!(codes(&c)[..], ["nik_missing"] | ["nik_invalid"]),
                "{:?}",
                codes(&c)
            );
        }
    }
}
