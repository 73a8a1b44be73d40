//! A check type's catalog entry: what it is called, how it is grouped, what it costs and which
//! candidate details it needs.

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

/// A detail a candidate lacks for a check: `(field, reason)` as the submit answer names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingDetail {
    /// The field (`pan`), or the alternatives joined with `|` (`pan|aadhaar_number`).
    pub field: String,
    pub reason: String,
}

impl CheckSpec {
    /// What a candidate with the details `has` answers yes to still lacks for this check: every
    /// `required` detail, then the `one_of` group when none of it is given.
    pub fn missing(&self, has: impl Fn(Detail) -> bool) -> Vec<MissingDetail> {
        let mut out: Vec<MissingDetail> = self
            .required
            .iter()
            .filter(|d| !has(**d))
            .map(|d| MissingDetail {
                field: d.key().to_string(),
                reason: format!("is required for {}", self.key),
            })
            .collect();
        if !self.one_of.is_empty() && !self.one_of.iter().any(|d| has(*d)) {
            let names: Vec<_> = self.one_of.iter().map(|d| d.key()).collect();
            out.push(MissingDetail {
                field: names.join("|"),
                reason: format!("one of {} is required for {}", names.join(", "), self.key),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_names_what_a_candidate_lacks() {
        let spec = CheckSpec {
            key: "demo",
            report_type: "demo",
            name: "Demo",
            category: "identity",
            price: 1,
            required: &[Detail::Name, Detail::Dob],
            one_of: &[Detail::Pan, Detail::AadhaarNumber],
            pending_remark: "",
        };
        let missing = spec.missing(|d| d == Detail::Name);
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].field, "dob");
        assert_eq!(missing[0].reason, "is required for demo");
        assert_eq!(missing[1].field, "pan|aadhaar_number");
        assert_eq!(
            missing[1].reason,
            "one of pan, aadhaar_number is required for demo"
        );
        assert!(
            spec.missing(|d| matches!(d, Detail::Name | Detail::Dob | Detail::Pan))
                .is_empty()
        );
    }
}
