//! The recruiter API (seed 000): `POST /api/recruiter/v2/bgv-submit/`,
//! `GET /api/recruiter/v2/report-json/?case_id=`, `POST /api/recruiter/v2/cases/{case_id}/audit`.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{PartialSchema, ToSchema};

use super::ApiKeyAuth;
use super::envelope::{ApiError, ApiResult, Envelope, ErrorKind};
use super::extract::QueryParams;
use super::extract::{ApiBody, NOT_AN_OBJECT};
use crate::api::AppState;
use crate::api::common::fields::{
    Entries, Given, List, Obj, Problem, Rule, Scalar, Text, Word, rule,
};
use crate::app::cases::{
    self as bgv, Audit, Audited, Candidate, CaseCreated, MAX_CANDIDATES, Override,
};
use crate::domain::cases::AuditDecision;
use crate::domain::cases::CheckResult;
use crate::domain::catalog::{self, CheckSpec, Detail};
use crate::domain::ids::{Aadhaar, Mobile, Pan, Uan};
use crate::domain::person::{Email, PersonName, Pincode};
use crate::domain::ratelimit::FixedWindow;
use crate::domain::source::{EmployerClaim, SandboxOutcome};
use crate::domain::text::limits;
use crate::reports::model::Report;

/// One problem with one candidate's detail.
#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct FieldError {
    pub candidate_index: usize,
    pub field: String,
    pub reason: String,
}

/// The body of `POST /api/recruiter/v2/bgv-submit/`.
#[derive(Default, Deserialize, ToSchema)]
pub struct SubmitRequest {
    /// Check types of the catalog (docs/api.md); a repeated one counts once.
    #[schema(schema_with = List::<rule::Checks, Given>::schema, required = true)]
    checks: List<rule::Checks, Given>,
    /// The candidates; every one is validated, and nothing is created unless all pass.
    #[schema(schema_with = List::<rule::Candidates, Obj<CandidateFields>>::schema, required = true)]
    candidates: List<rule::Candidates, Obj<CandidateFields>>,
}

/// A candidate: the details each requested check needs (docs/api.md) are required.
#[derive(Default, Deserialize, ToSchema)]
pub struct CandidateFields {
    /// Full name.
    #[schema(schema_with = Text::<rule::Name>::schema, required = true)]
    name: Text<rule::Name>,
    #[schema(schema_with = Text::<rule::Email>::schema, required = false)]
    email: Text<rule::Email>,
    /// 10-digit Indian mobile number.
    #[schema(schema_with = Text::<rule::Phone>::schema, required = false)]
    phone: Text<rule::Phone>,
    /// Date of birth: DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD; not in the future, not before 1900.
    #[schema(schema_with = Text::<rule::Dob>::schema, required = false)]
    dob: Text<rule::Dob>,
    #[schema(schema_with = Text::<rule::FatherName>::schema, required = false)]
    father_name: Text<rule::FatherName>,
    #[schema(schema_with = Text::<rule::PermanentAddress>::schema, required = false)]
    permanent_address: Text<rule::PermanentAddress>,
    /// Current address.
    #[schema(schema_with = Text::<rule::Address>::schema, required = false)]
    address: Text<rule::Address>,
    /// 6-digit PIN code.
    #[schema(schema_with = Text::<rule::Pincode>::schema, required = false)]
    pincode: Text<rule::Pincode>,
    /// PAN (AAAAA9999A).
    #[schema(schema_with = Text::<rule::Pan>::schema, required = false)]
    pan: Text<rule::Pan>,
    /// 12-digit Aadhaar; spaces or hyphens between the groups.
    #[schema(schema_with = Text::<rule::AadhaarNumber>::schema, required = false)]
    aadhaar_number: Text<rule::AadhaarNumber>,
    /// 12-digit UAN.
    #[schema(schema_with = Text::<rule::Uan>::schema, required = false)]
    uan: Text<rule::Uan>,
    /// An http(s) URL of the candidate's photo.
    #[schema(schema_with = Text::<rule::Photo>::schema, required = false)]
    photo: Text<rule::Photo>,
    /// Employment claims, for `employment_check`.
    #[schema(schema_with = List::<rule::Employers, Obj<EmployerFields>>::schema, required = false)]
    employers: List<rule::Employers, Obj<EmployerFields>>,
    /// Sandbox organisations only: check type → the outcome its sandbox source gives.
    #[schema(schema_with = Entries::<rule::SandboxOutcomes, Given>::schema, required = false)]
    sandbox_outcome: Entries<rule::SandboxOutcomes, Given>,
}

/// One employment claim.
#[derive(Default, Deserialize, ToSchema)]
pub struct EmployerFields {
    #[schema(schema_with = Text::<rule::EmployerName>::schema, required = true)]
    employer_name: Text<rule::EmployerName>,
    #[schema(schema_with = Text::<rule::Designation>::schema, required = false)]
    designation: Text<rule::Designation>,
    /// DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD.
    #[schema(schema_with = Text::<rule::StartDate>::schema, required = false)]
    start_date: Text<rule::StartDate>,
    /// Not before `start_date`.
    #[schema(schema_with = Text::<rule::EndDate>::schema, required = false)]
    end_date: Text<rule::EndDate>,
}

fn parse_day(raw: &str) -> Option<NaiveDate> {
    ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(raw, f).ok())
}

/// A field's problem as bgv-submit words it.
fn reason(problem: &Problem) -> String {
    match problem {
        Problem::WrongType => "must be a string".to_string(),
        Problem::Text(e) => e.to_string(),
    }
}

/// Collects every problem of one candidate instead of stopping at the first.
struct CandidateParser<'a> {
    index: usize,
    errors: &'a mut Vec<FieldError>,
    /// Prefixes nested fields with their position (`employers[0].`).
    prefix: String,
}

impl CandidateParser<'_> {
    fn fail(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError {
            candidate_index: self.index,
            field: format!("{}{field}", self.prefix),
            reason: reason.into(),
        });
    }

    /// The field's text, or `None` when absent or blank — recording an error if it is not a
    /// string or breaks its rule.
    fn text<R: Rule>(&mut self, field: &Text<R>) -> Option<String> {
        match field.value() {
            Ok(text) => text,
            Err(problem) => {
                self.fail(field.field(), reason(&problem));
                None
            }
        }
    }

    fn parsed<R: Rule, T, E: std::fmt::Display>(
        &mut self,
        field: &Text<R>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.text(field)?;
        self.checked(field.field(), Some(raw), parse)
    }

    /// A value already read, checked by `parse` (recording its error).
    fn checked<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        raw: Option<String>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(&raw?) {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(field, e.to_string());
                None
            }
        }
    }

    fn date<R: Rule>(&mut self, field: &Text<R>, today: NaiveDate) -> Option<NaiveDate> {
        let raw = self.text(field)?;
        let name = field.field();
        match parse_day(&raw) {
            Some(d) if d > today => {
                self.fail(name, "cannot be in the future");
                None
            }
            Some(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                self.fail(name, "must be after 1900");
                None
            }
            Some(d) => Some(d),
            None => {
                self.fail(
                    name,
                    "must be a date as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD",
                );
                None
            }
        }
    }

    fn employers(
        &mut self,
        field: &List<rule::Employers, Obj<EmployerFields>>,
        today: NaiveDate,
    ) -> Vec<EmployerClaim> {
        let items = match field.get() {
            Ok(Some(items)) => items,
            Ok(None) => return Vec::new(),
            Err(_) => {
                self.fail("employers", "must be an array of employer objects");
                return Vec::new();
            }
        };
        if let Err(reason) = limits::EMPLOYERS.check(items.len()) {
            self.fail("employers", reason);
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Ok(Some(item)) = item.get() else {
                self.fail(&format!("employers[{i}]"), "must be an object");
                continue;
            };
            let before = self.errors.len();
            let mut nested = CandidateParser {
                index: self.index,
                errors: &mut *self.errors,
                prefix: format!("employers[{i}]."),
            };
            let name = nested.text(&item.employer_name);
            let designation = nested.text(&item.designation);
            let start = nested.date(&item.start_date, today);
            let end = nested.date(&item.end_date, today);
            let name_refused = self.errors[before..]
                .iter()
                .any(|e| e.field == format!("employers[{i}].employer_name"));
            match name {
                None if name_refused => {}
                None => self.fail(&format!("employers[{i}].employer_name"), "is required"),
                Some(employer_name) => {
                    if let (Some(s), Some(e)) = (start, end)
                        && s > e
                    {
                        self.fail(
                            &format!("employers[{i}].end_date"),
                            "must not be before start_date",
                        );
                        continue;
                    }
                    out.push(EmployerClaim {
                        employer_name,
                        designation,
                        start_date: start,
                        end_date: end,
                    });
                }
            }
        }
        out
    }

    fn sandbox_outcomes(
        &mut self,
        field: &Entries<rule::SandboxOutcomes, Given>,
        sandbox: bool,
    ) -> BTreeMap<String, SandboxOutcome> {
        let mut outcomes = BTreeMap::new();
        if !field.is_given() {
            return outcomes;
        }
        if !sandbox {
            self.fail(
                "sandbox_outcome",
                "is accepted only for sandbox organisations",
            );
            return outcomes;
        }
        let entries = match field.get() {
            Ok(Some(entries)) => entries,
            Ok(None) => return outcomes,
            Err(_) => {
                self.fail(
                    "sandbox_outcome",
                    "must be an object of check type → outcome",
                );
                return outcomes;
            }
        };
        if limits::SANDBOX_OUTCOMES.check(entries.len()).is_err() {
            self.fail(
                "sandbox_outcome",
                format!(
                    "must name at most {} check types",
                    limits::SANDBOX_OUTCOMES.max_items
                ),
            );
            return outcomes;
        }
        for (check, outcome) in entries {
            if !matches!(limits::CHECK_TYPE.parse(check), Ok(Some(_))) {
                self.fail("sandbox_outcome", "keys must be check types");
                continue;
            }
            let known = catalog::spec(check).is_some();
            match outcome.as_str().and_then(SandboxOutcome::parse) {
                Some(o) if known => {
                    outcomes.insert(check.clone(), o);
                }
                _ if !known => {
                    self.fail(&format!("sandbox_outcome.{check}"), "is not a check type")
                }
                _ => self.fail(
                    &format!("sandbox_outcome.{check}"),
                    format!(
                        "must be one of: {}",
                        SandboxOutcome::ALL
                            .iter()
                            .map(|o| o.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        outcomes
    }
}

/// Validates one candidate for the requested checks, recording every problem.
fn parse_candidate(
    index: usize,
    item: &Obj<CandidateFields>,
    checks: &[&'static CheckSpec],
    sandbox: bool,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<Candidate> {
    let Ok(Some(c)) = item.get() else {
        errors.push(FieldError {
            candidate_index: index,
            field: "candidate".into(),
            reason: "must be an object".into(),
        });
        return None;
    };
    let before = errors.len();
    let mut p = CandidateParser {
        index,
        errors,
        prefix: String::new(),
    };
    let name = p.parsed(&c.name, PersonName::parse);
    let email = p.text(&c.email);
    let phone = p.parsed(&c.phone, Mobile::parse);
    let dob = p.date(&c.dob, today);
    let father_name = p.parsed(&c.father_name, PersonName::parse);
    let permanent_address = p.text(&c.permanent_address);
    let address = p.text(&c.address);
    let pincode = p.text(&c.pincode);
    let pan = p.parsed(&c.pan, Pan::parse);
    let aadhaar = p.parsed(&c.aadhaar_number, Aadhaar::parse);
    let uan = p.parsed(&c.uan, Uan::parse);
    let photo = p.text(&c.photo);
    let employers = p.employers(&c.employers, today);
    let email = p.checked("email", email, Email::parse);
    let pincode = p.checked("pincode", pincode, Pincode::parse);
    if let Some(photo) = &photo
        && !(photo.starts_with("https://") || photo.starts_with("http://"))
    {
        p.fail("photo", "must be an http(s) URL");
    }
    let sandbox_outcome = p.sandbox_outcomes(&c.sandbox_outcome, sandbox);
    // What each requested check needs (the check type's own rule).
    let present = |d: Detail| match d {
        Detail::Name => name.is_some(),
        Detail::Dob => dob.is_some(),
        Detail::FatherName => father_name.is_some(),
        Detail::PermanentAddress => permanent_address.is_some(),
        Detail::Address => address.is_some(),
        Detail::Pincode => pincode.is_some(),
        Detail::Phone => phone.is_some(),
        Detail::Pan => pan.is_some(),
        Detail::AadhaarNumber => aadhaar.is_some(),
        Detail::Uan => uan.is_some(),
        Detail::Employers => !employers.is_empty(),
    };
    for spec in checks {
        for missing in spec.missing(present) {
            // A detail already refused for its value is not also reported missing.
            let already = p.errors[before..].iter().any(|e| e.field == missing.field);
            if !already {
                p.fail(&missing.field, missing.reason);
            }
        }
    }
    if p.errors.len() != before {
        return None;
    }
    let Some(name) = name else {
        p.fail("name", "is required");
        return None;
    };
    Some(Candidate {
        name,
        email,
        phone,
        dob,
        father_name,
        permanent_address,
        address,
        pincode,
        pan,
        aadhaar,
        uan,
        employers,
        photo,
        sandbox_outcome,
    })
}

fn parse_checks(field: &List<rule::Checks, Given>) -> Result<Vec<&'static CheckSpec>, String> {
    let items = match field.get() {
        Ok(Some(items)) => items,
        Ok(None) => return Err("checks is required.".into()),
        Err(_) => return Err("checks must be an array of check types.".into()),
    };
    if items.is_empty() {
        return Err("checks must contain at least one check type.".into());
    }
    if limits::CHECKS.check(items.len()).is_err() {
        return Err(format!(
            "checks must contain at most {} check types.",
            limits::CHECKS.max_items
        ));
    }
    let mut specs: Vec<&'static CheckSpec> = Vec::new();
    for item in items {
        let key = item.as_str().unwrap_or("");
        let spec = catalog::spec(key).ok_or_else(|| {
            // The value is echoed only when it reads as a check type could (short, no control
            // characters), so an answer never repeats an arbitrary blob.
            let shown = match &item.0 {
                Some(Scalar::Str(s)) if matches!(limits::CHECK_TYPE.parse(s), Ok(Some(_))) => {
                    format!(" '{s}'")
                }
                Some(scalar @ (Scalar::Number(_) | Scalar::Bool(_) | Scalar::Null)) => {
                    format!(" '{scalar}'")
                }
                _ => String::new(),
            };
            format!(
                "Unknown check type{shown}. Allowed values: {}.",
                catalog::keys().join(", ")
            )
        })?;
        if !specs.iter().any(|s| s.key == spec.key) {
            specs.push(spec);
        }
    }
    Ok(specs)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitData {
    pub recruiter_id: String,
    pub organization: String,
    pub candidates_processed: usize,
    pub total_cost: i64,
    pub cases_created: Vec<CaseCreated>,
}

/// The submit response carries the vendor's `success` flag beside the envelope's fields.
#[derive(Serialize, ToSchema)]
pub struct SubmitResponse {
    #[schema(value_type = String)]
    status: &'static str,
    code: u16,
    success: bool,
    message: String,
    data: SubmitData,
    credits_used: i64,
    credits_remaining: i64,
    credits_left: i64,
}

/// Submit candidates for BGV (bulk)
#[utoipa::path(
    post, path = "/api/recruiter/v2/bgv-submit/", tag = "recruiter",
    operation_id = "submitBgv", security(("bearerAuth" = [])),
    request_body(content = inline(SubmitRequest), example = json!({
        "checks": ["identity_pan", "aml_check"],
        "candidates": [{ "name": "Vivek Patel", "dob": "08-01-2001", "pan": "ABCPE1234F", "permanent_address": "12 MG Road, Pune 411001" }],
    })),
    responses(
        (status = 200, description = "Cases created; credits charged", body = SubmitResponse, links(
            ("reportJson" = (operation_id = "reportJson", parameters(("case_id" = "$response.body#/data/cases_created/0/case_id")))),
            ("downloadReport" = (operation_id = "downloadReport", parameters(("case_id" = "$response.body#/data/cases_created/0/case_id")))),
            ("auditCase" = (operation_id = "auditCase", parameters(("case_id" = "$response.body#/data/cases_created/0/case_id")))),
        )),
        (status = 400, description = "Every failing candidate, field and reason in `errors`; nothing created"),
        (status = 402, description = "Insufficient credits; nothing created"),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiBody(body): ApiBody<SubmitRequest>,
) -> Result<Response, ApiError> {
    let body = body.ok_or_else(|| ApiError::bad_request(NOT_AN_OBJECT))?;
    let checks = parse_checks(&body.checks).map_err(ApiError::bad_request)?;
    let candidates = match body.candidates.get() {
        Ok(None) => return Err(ApiError::bad_request("candidates is required.")),
        Ok(Some(items)) if (1..=MAX_CANDIDATES).contains(&items.len()) => items,
        _ => {
            return Err(ApiError::bad_request(format!(
                "candidates must be an array of 1 to {MAX_CANDIDATES} candidates."
            )));
        }
    };
    let today = chrono::Utc::now().date_naive();
    let mut errors = Vec::new();
    let parsed: Vec<Option<Candidate>> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| parse_candidate(i, c, &checks, auth.is_sandbox, today, &mut errors))
        .collect();
    if !errors.is_empty() {
        let failing = {
            let mut indexes: Vec<usize> = errors.iter().map(|e| e.candidate_index).collect();
            indexes.dedup();
            indexes.len()
        };
        return Err(ErrorKind::Validation {
            message: format!(
                "Validation failed for {failing} candidate(s); nothing was created. See errors."
            ),
            errors: json!(errors),
        }
        .into());
    }
    let candidates: Vec<Candidate> = parsed.into_iter().flatten().collect();
    let org = state
        .store
        .org(&auth.org_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("authenticated org vanished")))?;
    let settings = org.settings()?;
    let submitted = bgv::submit(
        &state.store,
        &state.vault,
        &auth.org_id,
        &settings,
        &checks,
        &candidates,
    )
    .await?;
    let body = SubmitResponse {
        status: "success",
        code: 200,
        success: true,
        message: "BGV initiation+submission successful. Checks triggered asynchronously."
            .to_string(),
        credits_used: submitted.total_cost,
        credits_remaining: submitted.balance,
        credits_left: submitted.balance,
        data: SubmitData {
            recruiter_id: auth.key_id.clone(),
            organization: auth.org_name.clone(),
            candidates_processed: submitted.cases.len(),
            total_cost: submitted.total_cost,
            cases_created: submitted.cases,
        },
    };
    Ok(axum::Json(body).into_response())
}

/// Parses `case_id` (a UUID) from the query: 400 otherwise.
pub(crate) fn case_id(params: &QueryParams) -> Result<String, ApiError> {
    params
        .get("case_id")
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
        .map(|u| u.to_string())
        .ok_or_else(|| ApiError::bad_request("Invalid case_id provided in query params"))
}

/// The report-poll limiter: one poll per (API key, case) per `interval_secs`, timed in
/// nanoseconds of a monotonic clock ([`poll_clock`]) so that a wall-clock step changes nothing.
pub fn poll_limiter(interval_secs: u64) -> Mutex<FixedWindow> {
    let window = i64::try_from(Duration::from_secs(interval_secs).as_nanos()).unwrap_or(i64::MAX);
    Mutex::new(FixedWindow::new(1, window))
}

/// Nanoseconds since this process first asked: the poll limiter's monotonic time.
fn poll_clock() -> i64 {
    static START: LazyLock<Instant> = LazyLock::new(Instant::now);
    i64::try_from(START.elapsed().as_nanos()).unwrap_or(i64::MAX)
}

/// At most one poll of a case per key per interval (the vendor asks for ≥ 15 s). Per process.
fn check_poll_rate(state: &AppState, key_id: &str, case_id: &str) -> Result<(), ApiError> {
    let interval = Duration::from_secs(state.config.report_poll_interval_secs);
    if interval.is_zero() {
        return Ok(());
    }
    let now = poll_clock();
    // A poisoned lock lets the poll through: the limit protects the vendor, not the data.
    let Ok(mut limiter) = state.poll_limiter.lock() else {
        return Ok(());
    };
    // A NUL never occurs in a key id or a UUID, so the joined key is unambiguous.
    let Err(exceeded) = limiter.admit(&format!("{key_id}\u{0}{case_id}"), now) else {
        return Ok(());
    };
    let remaining = u64::try_from(exceeded.reset_at.saturating_sub(now)).unwrap_or(0);
    let wait = Duration::from_nanos(remaining).as_secs_f64().ceil() as u64;
    Err(ErrorKind::TooManyRequests {
        message: format!(
            "Too many requests: poll a case at most once every {} seconds. Retry after {wait} seconds.",
            interval.as_secs()
        ),
        retry_after_secs: wait.max(1),
    }
    .into())
}

/// Fetch the BGV report for a case as JSON
#[utoipa::path(
    get, path = "/api/recruiter/v2/report-json/", tag = "recruiter",
    operation_id = "reportJson", security(("bearerAuth" = [])),
    params(("case_id" = String, Query, format = Uuid, description = "UUID from bgv-submit's cases_created[].case_id")),
    responses(
        (status = 200, description = "The report (data.status says whether it is complete)", body = Envelope<Report>),
        (status = 400, description = "Invalid case_id"),
        (status = 404, description = "No such case"),
        (status = 429, description = "Polled more often than the interval (Retry-After)"),
    )
)]
pub async fn report_json(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> ApiResult<Report> {
    let case_id = case_id(&params)?;
    let report = bgv::report(
        &state.store,
        &state.links,
        &state.reports,
        &auth.org_id,
        &case_id,
    )
    .await?;
    check_poll_rate(&state, &auth.key_id, &case_id)?;
    Ok(Envelope::ok("Report JSON fetched successfully.", report).with_null_errors())
}

/// The body of `POST /api/recruiter/v2/cases/{case_id}/audit`.
#[derive(Deserialize, ToSchema)]
pub struct AuditRequest {
    #[schema(schema_with = Word::<AuditDecision>::schema, required = true)]
    decision: Word<AuditDecision>,
    /// Why.
    #[schema(schema_with = Text::<rule::Note>::schema, required = true)]
    note: Text<rule::Note>,
    /// Per-check results that replace the computed ones.
    #[schema(schema_with = List::<rule::Overrides, Obj<OverrideFields>>::schema, required = false)]
    overrides: List<rule::Overrides, Obj<OverrideFields>>,
}

/// One check's result set by the reviewer.
#[derive(Deserialize, ToSchema)]
pub struct OverrideFields {
    /// The check type of the case to override.
    #[serde(rename = "type")]
    #[schema(schema_with = Text::<rule::OverrideType>::schema, required = false)]
    check_type: Text<rule::OverrideType>,
    /// A final result (not `pending`).
    #[schema(schema_with = Word::<CheckResult>::schema, required = true)]
    result: Word<CheckResult>,
    /// Shown in the report.
    #[schema(schema_with = Text::<rule::Remark>::schema, required = false)]
    remark: Text<rule::Remark>,
}

impl AuditRequest {
    /// The decision, the note and the overrides, or the first problem in the order of the fields.
    fn validate(&self) -> Result<(AuditDecision, String, Vec<Override>), String> {
        let decision = self
            .decision
            .parse()
            .ok_or("decision must be 'approve' or 'reject'.")?;
        let note = match self.note.value() {
            Ok(note) => note,
            Err(Problem::Text(e)) => return Err(limits::NOTE.message(e)),
            // A note that is not text is no reason.
            Err(Problem::WrongType) => None,
        }
        .ok_or("note is required: say why.")?;
        let items = match self.overrides.get() {
            Ok(items) => items.unwrap_or_default(),
            Err(_) => return Err("overrides must be an array.".into()),
        };
        if limits::OVERRIDES.check(items.len()).is_err() {
            return Err(format!(
                "overrides must contain at most {} items.",
                limits::OVERRIDES.max_items
            ));
        }
        let mut overrides = Vec::new();
        for (i, item) in items.iter().enumerate() {
            // A text inside an override, named by its position: `overrides[2].remark must …`.
            let text = |name: &str, value: Result<Option<String>, Problem>| match value {
                Ok(text) => Ok(text),
                Err(Problem::WrongType) => Err(format!("overrides[{i}].{name} must be a string.")),
                Err(Problem::Text(e)) => Err(format!("overrides[{i}].{name} {e}.")),
            };
            let item = item.get().ok().flatten();
            let check_type = match item {
                Some(item) => text("type", item.check_type.value())?,
                None => None,
            };
            let result = item
                .and_then(|item| item.result.parse())
                .filter(|r| *r != CheckResult::Pending)
                .ok_or_else(|| {
                    format!(
                        "overrides[{i}].result must be one of: clear, minor_discrepancy, discrepancy, unable_to_verify, not_available."
                    )
                })?;
            let remark = match item {
                Some(item) => text("remark", item.remark.value())?,
                None => None,
            };
            overrides.push(Override {
                check_type: check_type.unwrap_or_default(),
                result,
                remark: remark.map(|r| format!("{r} (reviewer)")),
            });
        }
        Ok((decision, note, overrides))
    }
}

/// Complete an audited case
#[utoipa::path(
    post, path = "/api/recruiter/v2/cases/{case_id}/audit", tag = "recruiter",
    operation_id = "auditCase", security(("bearerAuth" = [])),
    params(("case_id" = String, Path)),
    request_body(content = inline(AuditRequest), example = json!({ "decision": "approve", "note": "Documents verified by phone with the employer." })),
    responses(
        (status = 200, description = "Audited and completed", body = Envelope<Audited>),
        (status = 400, description = "Invalid case_id or body"),
        (status = 404, description = "No such case"),
        (status = 409, description = "The case is not awaiting audit"),
    )
)]
pub async fn audit(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(case_id): Path<String>,
    ApiBody(body): ApiBody<AuditRequest>,
) -> ApiResult<Audited> {
    let case_id = uuid::Uuid::parse_str(&case_id)
        .map_err(|_| ApiError::bad_request("Invalid case_id in the path."))?
        .to_string();
    let (decision, note, overrides) = match &body {
        Some(body) => body.validate(),
        None => Err("decision must be 'approve' or 'reject'.".to_string()),
    }
    .map_err(ApiError::bad_request)?;
    let audited = bgv::audit(
        &state.store,
        &auth.org_id,
        &case_id,
        &Audit {
            decision,
            note: note.as_str(),
            overrides: &overrides,
            actor: &format!("api_key:{}", auth.key_id),
        },
        state.webhook_attempts,
    )
    .await?;
    Ok(Envelope::ok("Case audited and completed.", audited))
}
