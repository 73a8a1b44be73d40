//! Sanctions/PEP screening in the KonnectNXT envelope: `POST /api/v2/screening/search` (paid,
//! `credits_used`/`credits_remaining` on every answer), `GET /api/v2/screening/lists` and the
//! watched subjects `GET /api/v2/screening/subjects[/{id}]` (tenant-scoped).

use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::{Value, json};

use super::ApiKeyAuth;
use super::envelope::{ApiError, ApiResult, Envelope, ErrorKind};
use super::extract::{ApiJson, QueryParams};
use crate::api::AppState;
use crate::app::AppError;
use crate::app::screening::search::{MAX_LIMIT, parse_entity_type};
use crate::app::screening::{self, Hit, SearchRequest};
use crate::domain::names::is_default_ignorable;
use crate::domain::text::{TextRule, limits};
use crate::domain::time::format_timestamp;
use crate::screening::model::PartialDate;
use crate::screening::score::DEFAULT_THRESHOLD;
use crate::store::decode_json;
use crate::store::screening::SubjectRow;

/// A 400 naming the field: `message` is `<field> …`, `errors` is `[{field, message}]`.
fn field_error(field: &str, message: String) -> ApiError {
    ErrorKind::Validation {
        message: message.clone(),
        errors: json!([{ "field": field, "message": message }]),
    }
    .into()
}

/// A text field under the one text rule of the surface (`domain::text`: trimmed, no control
/// characters, at most its maximum); `None` when absent, null or blank.
fn optional_text(
    body: &serde_json::Map<String, Value>,
    rule: &TextRule,
) -> Result<Option<String>, ApiError> {
    let field = rule.field;
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(rule
            .parse_or_message(s)
            .map_err(|message| field_error(field, message))?
            .map(String::from)),
        Some(_) => Err(field_error(field, format!("{field} must be a string."))),
    }
}

/// Validates the search body, field by field in the documented order.
pub(crate) fn parse_search(value: Value) -> Result<SearchRequest, ApiError> {
    let Value::Object(body) = value else {
        return Err(ApiError::bad_request("Request body must be a JSON object."));
    };
    for key in body.keys() {
        if !matches!(
            key.as_str(),
            "name" | "dob" | "country" | "entity_type" | "threshold" | "limit"
        ) {
            return Err(field_error(key, format!("{key} is not a known field.")));
        }
    }
    let name = optional_text(&body, &limits::SCREENING_NAME)?
        .ok_or_else(|| field_error("name", "name is required.".into()))?;
    // Invisible characters are no name (the normaliser drops them).
    if !name
        .chars()
        .any(|c| c.is_alphanumeric() && !is_default_ignorable(c))
    {
        return Err(field_error("name", "name must contain letters.".into()));
    }
    let dob = match optional_text(&body, &limits::SCREENING_DOB)? {
        None => None,
        // A date that does not exist (`1999-02-30`, month 13) is refused, not shortened.
        Some(d) => Some(PartialDate::parse_exact(&d).ok_or_else(|| {
            field_error(
                "dob",
                "dob must be a date: YYYY-MM-DD, YYYY-MM or YYYY.".into(),
            )
        })?),
    };
    let country = optional_text(&body, &limits::SCREENING_COUNTRY)?;
    let entity_type = match optional_text(&body, &limits::SCREENING_ENTITY_TYPE)? {
        None => None,
        Some(t) => Some(parse_entity_type(&t).ok_or_else(|| {
            field_error(
                "entity_type",
                "entity_type must be one of person, organization, vessel, aircraft.".into(),
            )
        })?),
    };
    let threshold = match body.get("threshold") {
        None | Some(Value::Null) => DEFAULT_THRESHOLD,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(t) if (0.0..=1.0).contains(&t) => t,
            _ => {
                return Err(field_error(
                    "threshold",
                    "threshold must be a number from 0 to 1.".into(),
                ));
            }
        },
        Some(_) => {
            return Err(field_error(
                "threshold",
                "threshold must be a number from 0 to 1.".into(),
            ));
        }
    };
    let limit = match body.get("limit") {
        None | Some(Value::Null) => 10,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(l) if (1..=MAX_LIMIT as u64).contains(&l) => l as usize,
            _ => {
                return Err(field_error(
                    "limit",
                    format!("limit must be a whole number from 1 to {MAX_LIMIT}."),
                ));
            }
        },
        Some(_) => {
            return Err(field_error(
                "limit",
                format!("limit must be a whole number from 1 to {MAX_LIMIT}."),
            ));
        }
    };
    Ok(SearchRequest {
        name,
        dob,
        country,
        entity_type,
        document: None,
        threshold,
        limit,
    })
}

#[derive(Debug, Serialize)]
pub struct SearchResult {
    pub search_id: String,
    pub query: Value,
    /// The list versions searched.
    pub lists: Vec<Value>,
    pub matches: Vec<Hit>,
}

/// Screen a name against the sanctions and PEP lists
#[utoipa::path(post, path = "/api/v2/screening/search", tag = "screening")]
pub async fn search(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiJson(value): ApiJson<Value>,
) -> ApiResult<SearchResult> {
    let request = match parse_search(value) {
        Ok(request) => request,
        Err(error) => return Err(error.with_balance(&state, &auth.org_id).await),
    };
    let searched = match screening::search(
        &state.store,
        &state.providers.engine,
        state.config.screening_search_cost,
        &auth.org_id,
        &request,
    )
    .await
    {
        Ok(searched) => searched,
        Err(error @ (AppError::InsufficientCredits { .. } | AppError::NotReady(_))) => {
            return Err(ApiError::from(error)
                .with_balance(&state, &auth.org_id)
                .await);
        }
        Err(error) => return Err(error.into()),
    };
    let lists = searched
        .index
        .sources()
        .iter()
        .map(|s| json!({"list": s.name, "kind": s.kind, "version": s.version}))
        .collect();
    let result = SearchResult {
        search_id: searched.search_id.clone(),
        query: json!({
            "name": request.name,
            "dob": request.dob.map(|d| d.to_string()),
            "country": request.country,
            "entity_type": request.entity_type.map(|t| t.as_str()),
            "threshold": request.threshold,
            "limit": request.limit,
        }),
        lists,
        matches: searched.hits(),
    };
    let message = match result.matches.len() {
        0 => "Screening completed: no match.".to_string(),
        1 => "Screening completed: 1 match.".to_string(),
        n => format!("Screening completed: {n} matches."),
    };
    Ok(Envelope::ok(message, result).with_credits(searched.used, searched.balance))
}

#[derive(Debug, Serialize)]
pub struct ListView {
    pub name: String,
    pub version_id: String,
    pub kind: &'static str,
    pub version: i64,
    pub versions: i64,
    pub entity_count: i64,
    pub alias_count: i64,
    pub skipped_count: i64,
    pub file_sha256: String,
    pub imported_at: String,
    pub serving: bool,
}

/// The loaded screening lists
#[utoipa::path(get, path = "/api/v2/screening/lists", tag = "screening")]
pub async fn lists(State(state): State<AppState>, _auth: ApiKeyAuth) -> ApiResult<Vec<ListView>> {
    let lists = screening::summary(&state.store, &state.providers.engine).await?;
    Ok(Envelope::ok(
        "Screening lists fetched successfully.",
        lists
            .into_iter()
            .map(|l| ListView {
                name: l.name,
                version_id: l.version_id,
                kind: l.kind.as_str(),
                version: l.version,
                versions: l.versions,
                entity_count: l.entity_count,
                alias_count: l.alias_count,
                skipped_count: l.skipped_count,
                file_sha256: l.file_sha256,
                imported_at: format_timestamp(l.imported_at),
                serving: l.serving,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize)]
pub struct SubjectView {
    pub id: String,
    pub check_id: String,
    pub case_id: String,
    pub name: String,
    pub dob: Option<String>,
    pub country: Option<String>,
    pub matches: Vec<Value>,
    pub list_versions: Vec<String>,
    pub created_at: String,
    pub last_screened_at: String,
    pub last_change_at: Option<String>,
}

impl SubjectView {
    fn new(row: SubjectRow) -> Result<Self, ApiError> {
        Ok(SubjectView {
            matches: decode_json("screening subject matches", &row.matches)?,
            list_versions: decode_json("screening subject list versions", &row.list_versions)?,
            created_at: format_timestamp(row.created_at),
            last_screened_at: format_timestamp(row.last_screened_at),
            last_change_at: row.last_change_at.map(format_timestamp),
            id: row.id,
            check_id: row.check_id,
            case_id: row.case_id,
            name: row.name,
            dob: row.dob,
            country: row.country,
        })
    }
}

/// A watched subject and its current matches
#[utoipa::path(get, path = "/api/v2/screening/subjects/{id}", tag = "screening", params(("id" = String, Path)))]
pub async fn subject(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(id): Path<String>,
) -> ApiResult<SubjectView> {
    let row = crate::app::screening::subjects::subject(&state.store, &auth.org_id, &id).await?;
    Ok(Envelope::ok(
        "Screening subject fetched successfully.",
        SubjectView::new(row)?,
    ))
}

/// The organisation's watched subjects, newest first (`case_id`, `page_offset`, `page_size`)
#[utoipa::path(get, path = "/api/v2/screening/subjects", tag = "screening")]
pub async fn subjects(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> ApiResult<Vec<SubjectView>> {
    let number = |name: &str, default: i64, max: i64| -> Result<i64, ApiError> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=max).contains(n))
                .ok_or_else(|| {
                    field_error(
                        name,
                        format!("{name} must be a whole number from 0 to {max}."),
                    )
                }),
        }
    };
    let offset = number("page_offset", 0, i64::MAX)?;
    let size = number("page_size", 50, 200)?.max(1);
    let case_id = params.get("case_id");
    let rows = crate::app::screening::subjects::subjects(
        &state.store,
        &auth.org_id,
        case_id,
        size,
        offset,
    )
    .await?;
    let views = rows
        .into_iter()
        .map(SubjectView::new)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Envelope::ok(
        "Screening subjects fetched successfully.",
        views,
    ))
}
