//! The check catalog, as data: what each check type is called, how it is grouped, what it costs
//! and which candidate details it needs. Each check type's entry is the `SPEC` of its module in
//! `domain::checks`; the catalog is read from `checks::REGISTRY` (see there to add a check type).

use std::sync::LazyLock;

use super::checks::REGISTRY;

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

/// Every check type's entry, in registry order.
pub static CATALOG: LazyLock<Vec<&'static CheckSpec>> =
    LazyLock::new(|| REGISTRY.iter().map(|k| k.spec()).collect());

pub fn spec(key: &str) -> Option<&'static CheckSpec> {
    super::checks::by_key(key).map(|k| k.spec())
}

/// A check named either by its catalog key or by the type its report shows.
pub fn resolve(name: &str) -> Option<&'static CheckSpec> {
    REGISTRY
        .iter()
        .map(|k| k.spec())
        .find(|s| s.key == name || s.report_type == name)
}

pub fn keys() -> Vec<&'static str> {
    REGISTRY.iter().map(|k| k.spec().key).collect()
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
