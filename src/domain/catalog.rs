//! The check catalog, as data: what each check type is called, how it is grouped, what it costs
//! and which candidate details it needs. Adding a check type is adding a row here (and a sandbox
//! record shape and a decision rule).

/// A candidate detail a check can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detail {
    Name,
    Dob,
    FatherName,
    PermanentAddress,
    Address,
    Pincode,
    Phone,
    Pan,
    AadhaarNumber,
    Uan,
    Employers,
}

impl Detail {
    /// The field name in the submit body.
    pub fn key(self) -> &'static str {
        match self {
            Detail::Name => "name",
            Detail::Dob => "dob",
            Detail::FatherName => "father_name",
            Detail::PermanentAddress => "permanent_address",
            Detail::Address => "address",
            Detail::Pincode => "pincode",
            Detail::Phone => "phone",
            Detail::Pan => "pan",
            Detail::AadhaarNumber => "aadhaar_number",
            Detail::Uan => "uan",
            Detail::Employers => "employers",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSpec {
    /// The key clients submit (`criminal_check`).
    pub key: &'static str,
    /// The `type` the report shows (`criminal`).
    pub report_type: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    /// Default price in credits (an organisation may have its own).
    pub price: i64,
    /// Every one of these is needed.
    pub required: &'static [Detail],
    /// At least one of these is needed (empty: no such rule).
    pub one_of: &'static [Detail],
    /// The remark a running check shows.
    pub pending_remark: &'static str,
}

pub const CATALOG: &[CheckSpec] = &[
    CheckSpec {
        key: "criminal_check",
        report_type: "criminal",
        name: "Criminal Record Check",
        category: "Criminal & Compliance",
        price: 5,
        required: &[Detail::Name, Detail::Dob, Detail::PermanentAddress],
        one_of: &[],
        pending_remark: "Criminal verification is still in progress.",
    },
    CheckSpec {
        key: "aml_check",
        report_type: "aml",
        name: "AML & Sanctions Screening",
        category: "Criminal & Compliance",
        price: 2,
        required: &[Detail::Name, Detail::Dob],
        one_of: &[],
        pending_remark: "AML and sanctions screening is still in progress.",
    },
    CheckSpec {
        key: "credit_report_check",
        report_type: "credit_report",
        name: "Credit Report Check",
        category: "Financial",
        price: 3,
        required: &[Detail::Name, Detail::Dob, Detail::Phone, Detail::Pan],
        one_of: &[],
        pending_remark: "Credit report verification is still in progress.",
    },
    CheckSpec {
        key: "identity_aadhaar",
        report_type: "identity_aadhaar",
        name: "Aadhaar Verification",
        category: "Identity",
        price: 2,
        required: &[Detail::Name, Detail::Dob, Detail::AadhaarNumber],
        one_of: &[],
        pending_remark: "Aadhaar verification is still in progress.",
    },
    CheckSpec {
        key: "identity_pan",
        report_type: "identity_pan",
        name: "PAN Verification",
        category: "Identity",
        price: 1,
        required: &[Detail::Name, Detail::Dob, Detail::Pan],
        one_of: &[],
        pending_remark: "PAN verification is still in progress.",
    },
    CheckSpec {
        key: "employment_check",
        report_type: "employment",
        name: "Employment Verification",
        category: "Employment",
        price: 5,
        required: &[Detail::Name],
        one_of: &[Detail::Uan, Detail::Employers],
        pending_remark: "Employment verification is still in progress.",
    },
    CheckSpec {
        key: "address_check",
        report_type: "address",
        name: "Address Verification",
        category: "Address",
        price: 4,
        required: &[Detail::Name, Detail::Address, Detail::Pincode],
        one_of: &[],
        pending_remark: "Address verification is still in progress.",
    },
];

pub fn spec(key: &str) -> Option<&'static CheckSpec> {
    CATALOG.iter().find(|s| s.key == key)
}

/// A check named either by its catalog key or by the type its report shows.
pub fn resolve(name: &str) -> Option<&'static CheckSpec> {
    CATALOG
        .iter()
        .find(|s| s.key == name || s.report_type == name)
}

pub fn keys() -> Vec<&'static str> {
    CATALOG.iter().map(|s| s.key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_report_types_are_unique() {
        let mut keys: Vec<_> = CATALOG.iter().map(|s| s.key).collect();
        let mut types: Vec<_> = CATALOG.iter().map(|s| s.report_type).collect();
        keys.dedup();
        types.sort();
        types.dedup();
        assert_eq!((keys.len(), types.len()), (CATALOG.len(), CATALOG.len()));
        assert_eq!(
            spec("identity_aadhaar").map(|s| s.name),
            Some("Aadhaar Verification")
        );
        assert!(spec("nope").is_none());
    }
}
