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
