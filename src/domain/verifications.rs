//! AnyCheck verifications: the lifecycle of one verification, the status of a result group
//! (`overall_status`) derived from its items, the pipeline of stages per verification type,
//! the configuration a client sends, how a finished pipeline concludes, and how an output is
//! flattened into spreadsheet columns. Pure rules: no SQL, no HTTP.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value, json};

use super::FieldIssue;
use super::person::PersonName;
use super::state::text_enum;

mod plan;

pub use plan::{Plan, SKIPPED_BECAUSE, Step, plan};

text_enum! {
    /// A verification's status, and a result group's `overall_status` (the same ten words).
    ///
    /// One verification: `IN_QUEUE` → `IN_PROGRESS` → `COMPLETED` | `NEED_REVIEW` |
    /// `FRAUD_DETECTED` | `PARTIALLY_COMPLETED` | `PARTIALLY_FAILED` | `FAILED`; `CANCELLED` by
    /// the client before it finishes. `DRAFT` is never given to a verification by this server
    /// (every submission is queued at once); it is a group status for an empty group.
    pub enum VerificationStatus {
        Draft => "DRAFT",
        InQueue => "IN_QUEUE",
        InProgress => "IN_PROGRESS",
        Completed => "COMPLETED",
        Failed => "FAILED",
        Cancelled => "CANCELLED",
        NeedReview => "NEED_REVIEW",
        FraudDetected => "FRAUD_DETECTED",
        PartiallyCompleted => "PARTIALLY_COMPLETED",
        PartiallyFailed => "PARTIALLY_FAILED",
    }
}

text_enum! {
    /// What the finished pipeline concluded about the person: every stage verified, none, or
    /// some.
    pub enum OutputStatus {
        Verified => "VERIFIED",
        NotVerified => "NOT_VERIFIED",
        PartiallyNotVerified => "PARTIALLY_NOT_VERIFIED",
    }
}

text_enum! {
    /// What a client's `configuration` describes (its `verification_type`).
    pub enum VerificationType {
        KtpPep => "KTP_PEP",
        KtpSelfie => "KTP_SELFIE",
        Pep => "PEP_SCREENING",
    }
}

text_enum! {
    /// One step of a pipeline, run as one job.
    pub enum StageKind {
        Ocr => "ocr",
        NikCheck => "nik_check",
        FaceMatch => "face_match",
        PepScreening => "pep_screening",
        FraudDetection => "fraud_detection",
    }
}

text_enum! {
    /// A stage's life: `pending` (waiting for the stages it needs) → `queued` (its job is in
    /// the queue) → `completed` | `failed`; `skipped` when a stage it needs failed, `cancelled`
    /// with its verification.
    pub enum StageStatus {
        Pending => "pending",
        Queued => "queued",
        Completed => "completed",
        Failed => "failed",
        Skipped => "skipped",
        Cancelled => "cancelled",
    }
}

impl StageStatus {
    /// The stage has ended and will not run again in this run: completed, failed, skipped or
    /// cancelled. Cancelled is terminal by decision: a cancelled stage belongs to a cancelled
    /// verification, whose stages never run again (a retry starts a new run); a stage that
    /// needs it is skipped, as after any other end that is not a completion.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            StageStatus::Completed
                | StageStatus::Failed
                | StageStatus::Skipped
                | StageStatus::Cancelled
        )
    }
}

text_enum! {
    /// What an uploaded file is for.
    pub enum FileCategory {
        VerificationInputFile => "VERIFICATION_INPUT_FILE",
        ProfilePicture => "PROFILE_PICTURE",
    }
}

impl VerificationStatus {
    /// No more work will happen on its own (a retry or a review may still change it).
    /// `CANCELLED` is terminal: nothing runs for a cancelled verification.
    pub fn is_terminal(self) -> bool {
        !matches!(
            self,
            VerificationStatus::Draft
                | VerificationStatus::InQueue
                | VerificationStatus::InProgress
        )
    }

    /// A client may cancel a verification that has not finished.
    pub fn can_cancel(self) -> bool {
        matches!(
            self,
            VerificationStatus::InQueue | VerificationStatus::InProgress
        )
    }

    /// `POST /verifications/{id}/retry`: a `FAILED` one, or with `force` any finished one
    /// that was not cancelled.
    pub fn can_retry(self, force: bool) -> bool {
        match self {
            VerificationStatus::Failed => true,
            VerificationStatus::Cancelled => false,
            other => force && other.is_terminal(),
        }
    }

    /// A reviewer may change a finished verification that was not cancelled.
    pub fn can_review(self) -> bool {
        self.is_terminal() && self != VerificationStatus::Cancelled
    }

    /// The statuses a reviewer may set.
    pub const REVIEW_TARGETS: &'static [VerificationStatus] = &[
        VerificationStatus::Completed,
        VerificationStatus::Failed,
        VerificationStatus::FraudDetected,
        VerificationStatus::NeedReview,
    ];

    /// Whether reaching this status sends `verification.status_changed`.
    pub fn is_announced(self) -> bool {
        !matches!(
            self,
            VerificationStatus::Draft | VerificationStatus::InQueue
        )
    }
}

/// The status of a result group, from the statuses of its verifications. Only which statuses
/// occur matters, not how often. In order:
///
/// 1. no verification → `DRAFT`;
/// 2. any `IN_PROGRESS` → `IN_PROGRESS`;
/// 3. any waiting (`IN_QUEUE`, `DRAFT`): if some other verification has finished (cancelled
///    ones aside) → `IN_PROGRESS` (part done, part waiting); else `IN_QUEUE` if any is queued,
///    else `DRAFT`;
/// 4. everything finished: any `FRAUD_DETECTED` → `FRAUD_DETECTED`; else any `NEED_REVIEW` →
///    `NEED_REVIEW`;
/// 5. only `CANCELLED` → `CANCELLED`; otherwise cancelled ones are left out and of the rest:
///    only `COMPLETED` → `COMPLETED`; only `FAILED` → `FAILED`; only `COMPLETED` and
///    `PARTIALLY_COMPLETED` → `PARTIALLY_COMPLETED`; anything else (some failure with or
///    without successes) → `PARTIALLY_FAILED`.
pub fn overall_status(items: impl IntoIterator<Item = VerificationStatus>) -> VerificationStatus {
    use VerificationStatus as S;
    let set: BTreeSet<&'static str> = items.into_iter().map(S::as_str).collect();
    let has = |s: S| set.contains(s.as_str());
    if set.is_empty() {
        return S::Draft;
    }
    if has(S::InProgress) {
        return S::InProgress;
    }
    let finished_work = S::ALL
        .iter()
        .any(|s| s.is_terminal() && *s != S::Cancelled && has(*s));
    if has(S::InQueue) || has(S::Draft) {
        return if finished_work {
            S::InProgress
        } else if has(S::InQueue) {
            S::InQueue
        } else {
            S::Draft
        };
    }
    if has(S::FraudDetected) {
        return S::FraudDetected;
    }
    if has(S::NeedReview) {
        return S::NeedReview;
    }
    if !finished_work {
        return S::Cancelled;
    }
    let only = |allowed: &[S]| {
        S::ALL
            .iter()
            .filter(|s| has(**s) && **s != S::Cancelled)
            .all(|s| allowed.contains(s))
    };
    if only(&[S::Completed]) {
        S::Completed
    } else if only(&[S::Failed]) {
        S::Failed
    } else if only(&[S::Completed, S::PartiallyCompleted]) {
        S::PartiallyCompleted
    } else {
        S::PartiallyFailed
    }
}

impl VerificationType {
    /// The stages of this type, in the order they are listed (and their outputs merged).
    pub fn stages(self, fraud_detection: bool) -> Vec<StageKind> {
        let mut stages = match self {
            VerificationType::KtpPep => {
                vec![StageKind::Ocr, StageKind::NikCheck, StageKind::PepScreening]
            }
            VerificationType::KtpSelfie => vec![StageKind::Ocr, StageKind::FaceMatch],
            VerificationType::Pep => vec![StageKind::PepScreening],
        };
        if fraud_detection && self != VerificationType::Pep {
            stages.push(StageKind::FraudDetection);
        }
        stages
    }

    /// The stages `stage` needs the output of before it can run.
    pub fn prerequisites(self, stage: StageKind) -> &'static [StageKind] {
        match (self, stage) {
            (VerificationType::KtpPep, StageKind::NikCheck | StageKind::PepScreening) => {
                &[StageKind::Ocr]
            }
            _ => &[],
        }
    }

    /// The file slots of the configuration and how many files each takes.
    pub fn file_slots(self) -> &'static [(&'static str, usize)] {
        match self {
            VerificationType::KtpPep => &[("ktp_file", 1)],
            VerificationType::KtpSelfie => &[("ktp_file", 1), ("selfie_file", 1)],
            VerificationType::Pep => &[],
        }
    }
}

/// A validated `configuration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Configuration {
    Documents {
        verification_type: VerificationType,
        /// Slot → paths, in the order given.
        files: BTreeMap<String, Vec<String>>,
        fraud_detection: bool,
    },
    Pep {
        name: PersonName,
        birth_date: Option<NaiveDate>,
    },
}

/// The longest name screened.
pub const MAX_NAME_LEN: usize = 200;

impl Configuration {
    /// Validates `value` as the configuration of a service of `verification_type`, collecting
    /// every problem (`configuration.files.ktp_file` …). `today` bounds a birth date.
    pub fn parse(
        verification_type: VerificationType,
        value: &Value,
        today: NaiveDate,
    ) -> Result<Configuration, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let Some(object) = value.as_object() else {
            return Err(vec![FieldIssue::new("configuration", "must be an object")]);
        };
        if verification_type == VerificationType::Pep {
            let name = match object.get("name") {
                Some(Value::String(s)) if !s.trim().is_empty() => {
                    if s.chars().count() > MAX_NAME_LEN {
                        issues.push(FieldIssue::new(
                            "configuration.name",
                            format!("must be at most {MAX_NAME_LEN} characters"),
                        ));
                        None
                    } else {
                        match PersonName::parse(s) {
                            Ok(name) => Some(name),
                            Err(e) => {
                                issues.push(FieldIssue::new("configuration.name", e.to_string()));
                                None
                            }
                        }
                    }
                }
                None | Some(Value::Null) => {
                    issues.push(FieldIssue::new("configuration.name", "is required"));
                    None
                }
                Some(Value::String(_)) => {
                    issues.push(FieldIssue::new("configuration.name", "is required"));
                    None
                }
                Some(_) => {
                    issues.push(FieldIssue::new("configuration.name", "must be a string"));
                    None
                }
            };
            let birth_date = match object.get("birth_date") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.trim().is_empty() => None,
                Some(Value::String(s)) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                    Ok(d) if d > today => {
                        issues.push(FieldIssue::new(
                            "configuration.birth_date",
                            "cannot be in the future",
                        ));
                        None
                    }
                    Ok(d) if d.year() < 1900 => {
                        issues.push(FieldIssue::new(
                            "configuration.birth_date",
                            "must be after 1900",
                        ));
                        None
                    }
                    Ok(d) => Some(d),
                    Err(_) => {
                        issues.push(FieldIssue::new(
                            "configuration.birth_date",
                            "must be a date as YYYY-MM-DD",
                        ));
                        None
                    }
                },
                Some(_) => {
                    issues.push(FieldIssue::new(
                        "configuration.birth_date",
                        "must be a string (YYYY-MM-DD)",
                    ));
                    None
                }
            };
            return match (name, issues.is_empty()) {
                (Some(name), true) => Ok(Configuration::Pep { name, birth_date }),
                _ => Err(issues),
            };
        }
        match object.get("verification_type") {
            Some(Value::String(s)) if VerificationType::parse(s) == Some(verification_type) => {}
            Some(Value::String(_)) => issues.push(FieldIssue::new(
                "configuration.verification_type",
                format!("must be {verification_type} for this service"),
            )),
            _ => issues.push(FieldIssue::new(
                "configuration.verification_type",
                format!("is required ({verification_type} for this service)"),
            )),
        }
        let fraud_detection = match object.get("fraud_detection") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                issues.push(FieldIssue::new(
                    "configuration.fraud_detection",
                    "must be true or false",
                ));
                false
            }
        };
        let mut files = BTreeMap::new();
        match object.get("files") {
            Some(Value::Object(given)) => {
                for (slot, count) in verification_type.file_slots() {
                    let field = format!("configuration.files.{slot}");
                    match given.get(*slot) {
                        Some(Value::Array(items)) => {
                            let paths: Vec<String> = items
                                .iter()
                                .filter_map(|v| v.as_str().map(|s| s.trim().to_string()))
                                .filter(|s| !s.is_empty())
                                .collect();
                            if paths.len() != items.len() {
                                issues.push(FieldIssue::new(
                                    field,
                                    "must be an array of file paths (strings from POST /uploads)",
                                ));
                            } else if paths.len() != *count {
                                issues.push(FieldIssue::new(
                                    field,
                                    format!(
                                        "must hold exactly {count} file, {} given",
                                        paths.len()
                                    ),
                                ));
                            } else {
                                files.insert(slot.to_string(), paths);
                            }
                        }
                        None | Some(Value::Null) => {
                            issues.push(FieldIssue::new(field, "is required"));
                        }
                        Some(_) => issues.push(FieldIssue::new(
                            field,
                            "must be an array of file paths (strings from POST /uploads)",
                        )),
                    }
                }
                for slot in given.keys() {
                    if !verification_type
                        .file_slots()
                        .iter()
                        .any(|(s, _)| s == slot)
                    {
                        issues.push(FieldIssue::new(
                            format!("configuration.files.{slot}"),
                            format!("is not a file slot of {verification_type}"),
                        ));
                    }
                }
            }
            None | Some(Value::Null) => {
                issues.push(FieldIssue::new("configuration.files", "is required"))
            }
            Some(_) => issues.push(FieldIssue::new(
                "configuration.files",
                "must be an object of file slots",
            )),
        }
        if issues.is_empty() {
            Ok(Configuration::Documents {
                verification_type,
                files,
                fraud_detection,
            })
        } else {
            Err(issues)
        }
    }

    pub fn verification_type(&self) -> VerificationType {
        match self {
            Configuration::Documents {
                verification_type, ..
            } => *verification_type,
            Configuration::Pep { .. } => VerificationType::Pep,
        }
    }

    pub fn fraud_detection(&self) -> bool {
        match self {
            Configuration::Documents {
                fraud_detection, ..
            } => *fraud_detection,
            Configuration::Pep { .. } => false,
        }
    }

    /// Every (slot, position, path) the configuration names.
    pub fn files(&self) -> Vec<(&str, usize, &str)> {
        match self {
            Configuration::Documents { files, .. } => files
                .iter()
                .flat_map(|(slot, paths)| {
                    paths
                        .iter()
                        .enumerate()
                        .map(move |(i, p)| (slot.as_str(), i, p.as_str()))
                })
                .collect(),
            Configuration::Pep { .. } => Vec::new(),
        }
    }

    /// The stages to run.
    pub fn stages(&self) -> Vec<StageKind> {
        self.verification_type().stages(self.fraud_detection())
    }

    /// The configuration as stored and shown (`input_config`).
    pub fn to_json(&self) -> Value {
        match self {
            Configuration::Documents {
                verification_type,
                files,
                fraud_detection,
            } => json!({
                "verification_type": verification_type,
                "files": files,
                "fraud_detection": fraud_detection,
            }),
            Configuration::Pep { name, birth_date } => json!({
                "name": name,
                "birth_date": birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
            }),
        }
    }
}

/// What one stage concluded about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Verified.
    Pass,
    /// Not verified (no match, a PEP hit, an invalid NIK).
    Fail,
    /// Neither: the outcome fell in a grey zone a person should look at.
    Review,
}

/// How a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageEnd {
    Completed {
        verdict: Verdict,
        fraud: bool,
    },
    /// Failed after its retries, or skipped because a stage it needs failed.
    Failed,
}

/// How a finished pipeline concludes:
///
/// - a stage found fraud (only the fraud-detection stage does, so only when the configuration
///   asked for it) → `FRAUD_DETECTED`;
/// - no stage completed → `FAILED`;
/// - some stages failed: as many or more completed than failed → `PARTIALLY_COMPLETED`, else
///   `PARTIALLY_FAILED`;
/// - every stage completed: a grey-zone verdict, or an organisation that reviews everything
///   (`review_all`) → `NEED_REVIEW`; else `COMPLETED`.
///
/// `output_status` (`None` when nothing completed): every stage passed → `VERIFIED`; none →
/// `NOT_VERIFIED`; some → `PARTIALLY_NOT_VERIFIED` (a failed stage counts as not verified).
pub fn conclude(ends: &[StageEnd], review_all: bool) -> (VerificationStatus, Option<OutputStatus>) {
    let completed = ends
        .iter()
        .filter(|e| matches!(e, StageEnd::Completed { .. }))
        .count();
    let failed = ends.len() - completed;
    let passed = ends
        .iter()
        .filter(|e| {
            matches!(
                e,
                StageEnd::Completed {
                    verdict: Verdict::Pass,
                    fraud: false
                }
            )
        })
        .count();
    let fraud = ends
        .iter()
        .any(|e| matches!(e, StageEnd::Completed { fraud: true, .. }));
    let grey = ends.iter().any(|e| {
        matches!(
            e,
            StageEnd::Completed {
                verdict: Verdict::Review,
                ..
            }
        )
    });
    let output_status = if completed == 0 {
        None
    } else if passed == ends.len() {
        Some(OutputStatus::Verified)
    } else if passed == 0 {
        Some(OutputStatus::NotVerified)
    } else {
        Some(OutputStatus::PartiallyNotVerified)
    };
    let status = if fraud {
        VerificationStatus::FraudDetected
    } else if completed == 0 {
        VerificationStatus::Failed
    } else if failed > 0 {
        if completed >= failed {
            VerificationStatus::PartiallyCompleted
        } else {
            VerificationStatus::PartiallyFailed
        }
    } else if grey || review_all {
        VerificationStatus::NeedReview
    } else {
        VerificationStatus::Completed
    };
    (status, output_status)
}

/// Merges the stages' outputs (objects) into one, in stage order; `sandbox` is true when any
/// stage's output came from a sandbox.
pub fn merge_outputs(outputs: &[(StageKind, Value)]) -> Value {
    let mut merged = Map::new();
    let mut sandbox = false;
    for (_, output) in outputs {
        if let Value::Object(fields) = output {
            for (key, value) in fields {
                if key == "sandbox" {
                    sandbox |= value.as_bool().unwrap_or(false);
                } else {
                    merged.insert(key.clone(), value.clone());
                }
            }
        }
    }
    merged.insert("sandbox".into(), Value::Bool(sandbox));
    Value::Object(merged)
}

/// A spreadsheet cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    Empty,
}

/// The largest `output` a reviewer may set: its JSON text, its nesting and its cells (the
/// scalars a spreadsheet export makes columns of). An export holds 16,384 columns at most.
pub const REVIEW_OUTPUT_MAX_BYTES: usize = 256 * 1024;
pub const REVIEW_OUTPUT_MAX_DEPTH: usize = 16;
pub const REVIEW_OUTPUT_MAX_CELLS: usize = 2_000;

/// Why a reviewer's `output` is refused, if it is.
pub fn review_output_issue(output: &Value) -> Option<String> {
    fn walk(value: &Value, depth: usize, cells: &mut usize) -> Result<(), String> {
        if depth > REVIEW_OUTPUT_MAX_DEPTH {
            return Err(format!(
                "may be nested at most {REVIEW_OUTPUT_MAX_DEPTH} levels deep"
            ));
        }
        match value {
            Value::Object(map) if !map.is_empty() => {
                map.values().try_for_each(|v| walk(v, depth + 1, cells))
            }
            Value::Array(items) if !items.is_empty() => {
                items.iter().try_for_each(|v| walk(v, depth + 1, cells))
            }
            _ => {
                *cells += 1;
                if *cells > REVIEW_OUTPUT_MAX_CELLS {
                    Err(format!(
                        "may hold at most {REVIEW_OUTPUT_MAX_CELLS} values (keys and array items)"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
    if !output.is_object() {
        return Some("must be an object".into());
    }
    let size = serde_json::to_vec(output).map_or(usize::MAX, |b| b.len());
    if size > REVIEW_OUTPUT_MAX_BYTES {
        return Some(format!(
            "may be at most {} KB of JSON",
            REVIEW_OUTPUT_MAX_BYTES / 1024
        ));
    }
    walk(output, 0, &mut 0).err()
}

/// Flattens a JSON output into columns: nested keys joined with `.`, array items by index
/// (`pep.matches.0.name`); scalars become cells.
pub fn flatten(value: &Value) -> BTreeMap<String, Cell> {
    fn walk(prefix: &str, value: &Value, out: &mut BTreeMap<String, Cell>) {
        let key = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (k, v) in map {
                    walk(&key(k), v, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, v) in items.iter().enumerate() {
                    walk(&key(&i.to_string()), v, out);
                }
            }
            Value::Object(_) | Value::Array(_) | Value::Null => {
                if !prefix.is_empty() {
                    out.insert(prefix.to_string(), Cell::Empty);
                }
            }
            Value::Bool(b) => {
                out.insert(prefix.to_string(), Cell::Bool(*b));
            }
            Value::Number(n) => {
                out.insert(prefix.to_string(), Cell::Number(n.as_f64().unwrap_or(0.0)));
            }
            Value::String(s) => {
                out.insert(prefix.to_string(), Cell::Text(s.clone()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use VerificationStatus as S;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    /// Every combination of item states: each of the 1,024 subsets of the ten statuses.
    #[test]
    fn overall_status_over_every_combination() {
        let all = S::ALL;
        assert_eq!(all.len(), 10);
        let waiting = [S::Draft, S::InQueue];
        let done_work = |set: &[S]| set.iter().any(|s| s.is_terminal() && *s != S::Cancelled);
        let mut seen = BTreeSet::new();
        for mask in 0u32..(1 << all.len()) {
            let set: Vec<S> = (0..all.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| all[i])
                .collect();
            let got = overall_status(set.iter().copied());
            seen.insert(got.as_str());
            // Duplicates and order do not matter.
            let doubled: Vec<S> = set.iter().rev().chain(set.iter()).copied().collect();
            assert_eq!(overall_status(doubled), got, "{set:?}");
            let has = |s: S| set.contains(&s);
            let expected = if set.is_empty() {
                S::Draft
            } else if has(S::InProgress) {
                S::InProgress
            } else if waiting.iter().any(|w| has(*w)) {
                if done_work(&set) {
                    S::InProgress
                } else if has(S::InQueue) {
                    S::InQueue
                } else {
                    S::Draft
                }
            } else if has(S::FraudDetected) {
                S::FraudDetected
            } else if has(S::NeedReview) {
                S::NeedReview
            } else {
                let rest: Vec<S> = set.iter().copied().filter(|s| *s != S::Cancelled).collect();
                let successes = rest
                    .iter()
                    .any(|s| matches!(s, S::Completed | S::PartiallyCompleted));
                let failures = rest
                    .iter()
                    .any(|s| matches!(s, S::Failed | S::PartiallyFailed));
                match (rest.is_empty(), successes, failures) {
                    (true, _, _) => S::Cancelled,
                    (false, true, false) if rest.iter().all(|s| *s == S::Completed) => S::Completed,
                    (false, true, false) => S::PartiallyCompleted,
                    (false, false, true) if rest.iter().all(|s| *s == S::Failed) => S::Failed,
                    _ => S::PartiallyFailed,
                }
            };
            assert_eq!(got, expected, "{set:?}");
            // A group of one status has that status.
            if set.len() == 1 {
                assert_eq!(got, set[0]);
            }
            // Work still running or waiting next to finished work is IN_PROGRESS.
            if has(S::InProgress) || (has(S::InQueue) && done_work(&set)) {
                assert_eq!(got, S::InProgress, "{set:?}");
            }
            // Some COMPLETED and some FAILED (nothing else pending or flagged) → PARTIALLY_FAILED.
            if has(S::Completed)
                && has(S::Failed)
                && !set.iter().any(|s| {
                    matches!(
                        s,
                        S::InProgress | S::InQueue | S::Draft | S::FraudDetected | S::NeedReview
                    )
                })
            {
                assert_eq!(got, S::PartiallyFailed, "{set:?}");
            }
        }
        // Every value is reachable.
        assert_eq!(seen.len(), 10, "{seen:?}");
    }

    #[test]
    fn the_lifecycle_allows_what_the_api_documents() {
        assert!(S::InQueue.can_cancel() && S::InProgress.can_cancel());
        assert!(!S::Completed.can_cancel() && !S::Cancelled.can_cancel());
        assert!(S::Failed.can_retry(false));
        assert!(!S::Completed.can_retry(false) && S::Completed.can_retry(true));
        assert!(!S::Cancelled.can_retry(true) && !S::InProgress.can_retry(true));
        assert!(S::NeedReview.can_review() && !S::Cancelled.can_review());
        assert!(!S::InQueue.can_review());
        assert!(!S::InQueue.is_announced() && S::InProgress.is_announced());
    }

    #[test]
    fn pipelines_and_prerequisites() {
        use StageKind::*;
        assert_eq!(
            VerificationType::KtpPep.stages(false),
            vec![Ocr, NikCheck, PepScreening]
        );
        assert_eq!(
            VerificationType::KtpSelfie.stages(true),
            vec![Ocr, FaceMatch, FraudDetection]
        );
        assert_eq!(VerificationType::Pep.stages(true), vec![PepScreening]);
        assert_eq!(VerificationType::KtpPep.prerequisites(PepScreening), &[Ocr]);
        assert!(VerificationType::Pep.prerequisites(PepScreening).is_empty());
        assert!(
            VerificationType::KtpSelfie
                .prerequisites(FaceMatch)
                .is_empty()
        );
    }

    #[test]
    fn conclusions() {
        let pass = StageEnd::Completed {
            verdict: Verdict::Pass,
            fraud: false,
        };
        let fail = StageEnd::Completed {
            verdict: Verdict::Fail,
            fraud: false,
        };
        let grey = StageEnd::Completed {
            verdict: Verdict::Review,
            fraud: false,
        };
        let fraud = StageEnd::Completed {
            verdict: Verdict::Fail,
            fraud: true,
        };
        let dead = StageEnd::Failed;
        let c = |ends: &[StageEnd]| conclude(ends, false);
        assert_eq!(
            c(&[pass, pass]),
            (S::Completed, Some(OutputStatus::Verified))
        );
        assert_eq!(
            c(&[pass, fail]),
            (S::Completed, Some(OutputStatus::PartiallyNotVerified))
        );
        assert_eq!(
            c(&[fail, fail]),
            (S::Completed, Some(OutputStatus::NotVerified))
        );
        assert_eq!(conclude(&[pass], true).0, S::NeedReview);
        assert_eq!(c(&[pass, grey]).0, S::NeedReview);
        assert_eq!(c(&[pass, pass, fraud]).0, S::FraudDetected);
        assert_eq!(c(&[dead, dead]), (S::Failed, None));
        assert_eq!(c(&[pass, pass, dead]).0, S::PartiallyCompleted);
        assert_eq!(c(&[pass, dead]).0, S::PartiallyCompleted);
        assert_eq!(c(&[pass, dead, dead]).0, S::PartiallyFailed);
        assert_eq!(c(&[pass, dead]).1, Some(OutputStatus::PartiallyNotVerified));
    }

    #[test]
    fn configurations_are_validated_with_every_problem_named() {
        let ok = Configuration::parse(
            VerificationType::KtpSelfie,
            &json!({"verification_type": "KTP_SELFIE",
                    "files": {"ktp_file": ["/uploads/a.jpg"], "selfie_file": ["/uploads/b.jpg"]},
                    "fraud_detection": true}),
            today(),
        )
        .unwrap();
        assert!(ok.fraud_detection());
        assert_eq!(ok.files().len(), 2);
        assert_eq!(
            ok.to_json()["files"]["selfie_file"][0],
            json!("/uploads/b.jpg")
        );
        let bad = Configuration::parse(
            VerificationType::KtpSelfie,
            &json!({"verification_type": "KTP_PEP",
                    "files": {"ktp_file": ["/a", "/b"], "other": []},
                    "fraud_detection": "yes"}),
            today(),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "configuration.verification_type",
                "configuration.fraud_detection",
                "configuration.files.ktp_file",
                "configuration.files.selfie_file",
                "configuration.files.other"
            ]
        );
        let pep = Configuration::parse(
            VerificationType::Pep,
            &json!({"name": "Budi  Santoso", "birth_date": "1980-02-03"}),
            today(),
        )
        .unwrap();
        assert_eq!(
            pep.to_json(),
            json!({"name": "Budi Santoso", "birth_date": "1980-02-03"})
        );
        let pep_bad = Configuration::parse(
            VerificationType::Pep,
            &json!({"name": "R2D2", "birth_date": "2030-01-01"}),
            today(),
        )
        .unwrap_err();
        assert_eq!(pep_bad.len(), 2);
    }

    #[test]
    fn outputs_merge_and_flatten() {
        let merged = merge_outputs(&[
            (
                StageKind::Ocr,
                json!({"ktp": {"nik": "3171", "name": "A"}, "sandbox": true}),
            ),
            (
                StageKind::FaceMatch,
                json!({"is_match_face": true, "score": 91.5}),
            ),
        ]);
        assert_eq!(merged["sandbox"], true);
        let flat = flatten(&json!({"pep": {"matches": [{"name": "X"}], "hit": false}, "n": null}));
        assert_eq!(flat["pep.matches.0.name"], Cell::Text("X".into()));
        assert_eq!(flat["pep.hit"], Cell::Bool(false));
        assert_eq!(flat["n"], Cell::Empty);
        let flat = flatten(&merged);
        assert_eq!(flat["score"], Cell::Number(91.5));
        assert_eq!(flat["ktp.nik"], Cell::Text("3171".into()));
    }
}
