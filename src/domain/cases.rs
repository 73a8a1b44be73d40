//! Check results, their severity, and how a case's status and result follow from its checks.

use super::state::text_enum;

text_enum! {
    /// A check's result. `Pending` until it is decided.
    pub enum CheckResult {
        Clear => "clear",
        MinorDiscrepancy => "minor_discrepancy",
        Discrepancy => "discrepancy",
        UnableToVerify => "unable_to_verify",
        NotAvailable => "not_available",
        Pending => "pending",
    }
}

impl CheckResult {
    pub const DECIDED: [CheckResult; 5] = [
        CheckResult::Clear,
        CheckResult::MinorDiscrepancy,
        CheckResult::Discrepancy,
        CheckResult::UnableToVerify,
        CheckResult::NotAvailable,
    ];

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

    /// How a person reads the result (reports).
    pub fn label(self) -> &'static str {
        match self {
            CheckResult::Clear => "Clear",
            CheckResult::MinorDiscrepancy => "Minor discrepancy",
            CheckResult::Discrepancy => "Discrepancy",
            CheckResult::UnableToVerify => "Unable to verify",
            CheckResult::NotAvailable => "Not available",
            CheckResult::Pending => "Pending",
        }
    }
}

text_enum! {
    /// Where a case stands.
    pub enum CaseStatus {
        InProgress => "in_progress",
        InAudit => "in_audit",
        Completed => "completed",
    }
}

impl CaseStatus {
    /// A reviewer's audit applies only to a case waiting for one.
    pub fn can_be_audited(self) -> bool {
        self == CaseStatus::InAudit
    }
}

text_enum! {
    /// Where one check stands: running until its source answered (or gave up), then completed.
    pub enum CheckStatus {
        InProgress => "in_progress",
        Completed => "completed",
    }
}

text_enum! {
    /// The forms a case's report is kept in once rendered: its JSON and its PDF.
    pub enum ReportFormat {
        Json => "json",
        Pdf => "pdf",
    }
}

impl CaseStatus {
    /// A completed case no longer changes: its report can be kept and served as it is.
    pub fn is_terminal(self) -> bool {
        self == CaseStatus::Completed
    }

    /// [`Self::is_terminal`] under its earlier name, which integration tests still call.
    pub fn is_final(self) -> bool {
        self.is_terminal()
    }
}

impl CheckStatus {
    /// A completed check is decided: its source answered or gave up, and it is not run again.
    pub fn is_terminal(self) -> bool {
        self == CheckStatus::Completed
    }
}

text_enum! {
    /// A reviewer's verdict on an audited case.
    pub enum AuditDecision {
        Approve => "approve",
        Reject => "reject",
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
