//! Credit-bureau pulls: what a bureau is asked, and the trait every bureau source implements.
//! Sources answer with the domain's [`BureauRecord`]; the API surface maps it to its wire shape.

use async_trait::async_trait;

use super::ProviderError;
pub use crate::domain::bureau::{
    AddressInfo, BureauRecord, EmailInfo, IdNumber, IdentityInfo, PersonalInfo, PhoneInfo,
};
use crate::domain::ids::Mobile;

/// A validated identity document offered for an additional look-up.
#[derive(Debug, Clone)]
pub struct DocumentRef {
    /// Upper-case type as given (`PAN`, `AADHAAR`, …).
    pub document_type: String,
    /// The normalised value (for Aadhaar, never logged or stored in clear).
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct BureauQuery {
    pub mobile: Mobile,
    pub full_name: String,
    pub document: Option<DocumentRef>,
}

#[async_trait]
pub trait BureauProvider: Send + Sync {
    async fn pull(&self, query: &BureauQuery) -> Result<BureauRecord, ProviderError>;
}
