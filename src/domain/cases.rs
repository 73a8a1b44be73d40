//! Check results, their severity, and how a case's status and result follow from its checks.

use serde::{Deserialize, Serialize};

/// A check's result. `Pending` until it is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Clear,
    MinorDiscrepancy,
    Discrepancy,
    UnableToVerify,
    NotAvailable,
    Pending,
}

impl CheckResult {
    pub const DECIDED: [CheckResult; 5] = [
        CheckResult::Clear,
        CheckResult::MinorDiscrepancy,
        CheckResult::Discrepancy,
        CheckResult::UnableToVerify,
        CheckResult::NotAvailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Clear => "clear",
            CheckResult::MinorDiscrepancy => "minor_discrepancy",
            CheckResult::Discrepancy => "discrepancy",
            CheckResult::UnableToVerify => "unable_to_verify",
            CheckResult::NotAvailable => "not_available",
            CheckResult::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::DECIDED
            .into_iter()
            .chain([CheckResult::Pending])
            .find(|r| r.as_str() == s)
    }

    /// How much a result weighs in a case's overall result:
    /// discrepancy > minor_discrepancy > unable_to_verify > not_available > clear.
    pub fn severity(self) -> u8 {
        match self {
            CheckResult::Clear => 0,
            CheckResult::NotAvailable => 1,
            CheckResult::UnableToVerify => 2,
            CheckResult::MinorDiscrepancy => 3,
            CheckResult::Discrepancy => 4,
            CheckResult::Pending => 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    InProgress,
    InAudit,
    Completed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::InProgress => "in_progress",
            CaseStatus::InAudit => "in_audit",
            CaseStatus::Completed => "completed",
        }
    }
}

/// The case's status and result from its checks' results: `pending` while any check is; then
/// the most severe result. A decided case goes to audit when any check is not clear, or always
/// when the organisation asks for it.
pub fn roll_up(results: &[CheckResult], always_audit: bool) -> (CaseStatus, CheckResult) {
    if results.is_empty() || results.contains(&CheckResult::Pending) {
        return (CaseStatus::InProgress, CheckResult::Pending);
    }
    let worst = results
        .iter()
        .copied()
        .max_by_key(|r| r.severity())
        .unwrap_or(CheckResult::Clear);
    let status = if always_audit || worst != CheckResult::Clear {
        CaseStatus::InAudit
    } else {
        CaseStatus::Completed
    };
    (status, worst)
}

#[cfg(test)]
mod tests {
    use super::CheckResult::*;
    use super::*;

    #[test]
    fn roll_up_follows_severity_and_audit_rules() {
        assert_eq!(
            roll_up(&[Clear, Pending], false),
            (CaseStatus::InProgress, Pending)
        );
        assert_eq!(
            roll_up(&[Clear, Clear], false),
            (CaseStatus::Completed, Clear)
        );
        assert_eq!(roll_up(&[Clear, Clear], true), (CaseStatus::InAudit, Clear));
        assert_eq!(
            roll_up(&[Clear, NotAvailable], false),
            (CaseStatus::InAudit, NotAvailable)
        );
        assert_eq!(
            roll_up(&[NotAvailable, UnableToVerify], false).1,
            UnableToVerify
        );
        assert_eq!(
            roll_up(&[UnableToVerify, MinorDiscrepancy], false).1,
            MinorDiscrepancy
        );
        assert_eq!(
            roll_up(&[MinorDiscrepancy, Discrepancy, Clear], false).1,
            Discrepancy
        );
        for r in CheckResult::DECIDED {
            assert_eq!(CheckResult::parse(r.as_str()), Some(r));
        }
    }
}
