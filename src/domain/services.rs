//! The AnyCheck services catalog: what a client can run, in which category, at which cost, and
//! which pipeline of stages each one is. Ids are fixed, so they are the same on every
//! installation and a client can keep them in its configuration.

use super::state::text_enum;
use super::verifications::{StageKind, VerificationType};

text_enum! {
    /// A service, by its catalog code.
    pub enum ServiceCode {
        KtpVerification => "KTP_VERIFICATION",
        KtpSelfie => "KTP_SELFIE",
        PepScreening => "PEP_SCREENING",
    }
}

/// A category services are grouped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
}

pub const IDENTITY: Category = Category {
    id: "6f1d8a52-2b55-4c3e-9d0e-0b6c1a7e4f01",
    name: "Identity Verification",
    kind: "IDENTITY",
};

pub const SCREENING: Category = Category {
    id: "6f1d8a52-2b55-4c3e-9d0e-0b6c1a7e4f02",
    name: "Screening",
    kind: "SCREENING",
};

/// One entry of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub id: &'static str,
    pub code: ServiceCode,
    pub name: &'static str,
    pub description: &'static str,
    pub category: Category,
    pub credit_cost: i64,
    /// What the client's `configuration` describes (and `action_param` names).
    pub verification_type: VerificationType,
}

/// `action_type` of every service: each one runs a verification.
pub const ACTION_TYPE: &str = "VERIFICATION";

/// When the catalog entries were defined (their `created_at`/`updated_at`).
pub const CATALOG_DATE_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

pub const CATALOG: &[Service] = &[
    Service {
        id: "0b0e6c3c-7d1f-4f5e-8a61-3f2a9c1d0001",
        code: ServiceCode::KtpVerification,
        name: "KTP & PEP Verification",
        description: "Reads the KTP card (OCR), checks its NIK against the population register and \
                      screens the name read against politically exposed persons.",
        category: IDENTITY,
        credit_cost: 15,
        verification_type: VerificationType::KtpPep,
    },
    Service {
        id: "0b0e6c3c-7d1f-4f5e-8a61-3f2a9c1d0002",
        code: ServiceCode::KtpSelfie,
        name: "KTP & Selfie Verification",
        description: "Reads the KTP card (OCR) and matches the card's photo against a selfie.",
        category: IDENTITY,
        credit_cost: 10,
        verification_type: VerificationType::KtpSelfie,
    },
    Service {
        id: "0b0e6c3c-7d1f-4f5e-8a61-3f2a9c1d0003",
        code: ServiceCode::PepScreening,
        name: "PEP Screening",
        description: "Screens a name (and optional birth date) against politically exposed \
                      persons.",
        category: SCREENING,
        credit_cost: 5,
        verification_type: VerificationType::Pep,
    },
];

impl Service {
    /// The stages this service runs, in order, for a configuration with or without fraud
    /// detection.
    pub fn stages(&self, fraud_detection: bool) -> Vec<StageKind> {
        self.verification_type.stages(fraud_detection)
    }
}

/// The service with this id.
pub fn by_id(id: &str) -> Option<&'static Service> {
    CATALOG.iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

/// The service with this code.
pub fn by_code(code: ServiceCode) -> &'static Service {
    CATALOG
        .iter()
        .find(|s| s.code == code)
        .unwrap_or(&CATALOG[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_entry_with_a_uuid() {
        for code in ServiceCode::ALL {
            let entries: Vec<_> = CATALOG.iter().filter(|s| s.code == *code).collect();
            assert_eq!(entries.len(), 1, "{code}");
            assert_eq!(by_code(*code).code, *code);
            assert!(uuid::Uuid::parse_str(entries[0].id).is_ok());
            assert_eq!(by_id(entries[0].id).map(|s| s.code), Some(*code));
        }
        assert_eq!(
            by_code(ServiceCode::KtpVerification).name,
            "KTP & PEP Verification"
        );
        assert!(by_id("nope").is_none());
    }
}
