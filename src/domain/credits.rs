//! Credits: the kinds of ledger movement and what a refused debit reports.

use super::state::text_enum;

text_enum! {
    /// Ledger entry types, as the credits transactions API names them.
    pub enum LedgerKind {
        Credit => "credit",
        Debit => "debit",
        Refund => "refund",
        Purchase => "purchase",
        Deduction => "deduction",
    }
}

impl LedgerKind {
    /// Debits and deductions take credits away; the others add them.
    pub fn is_outflow(self) -> bool {
        matches!(self, LedgerKind::Debit | LedgerKind::Deduction)
    }
}

/// A debit that could not be made: what it needed and what the balance held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insufficient {
    pub required: i64,
    pub remaining: i64,
}
