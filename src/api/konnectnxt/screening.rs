//! Sanctions/PEP screening in the KonnectNXT envelope: `POST /api/v2/screening/search` (paid,
//! `credits_used`/`credits_remaining` on every answer), `GET /api/v2/screening/lists` and the
//! watched subjects `GET /api/v2/screening/subjects[/{id}]` (tenant-scoped).

use std::fmt;

use axum::extract::{Path, State};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

use super::ApiKeyAuth;
use super::envelope::{ApiError, ApiResult, Envelope, ErrorKind};
use super::extract::{ApiBody, NOT_AN_OBJECT, QueryParams};
use crate::api::AppState;
use crate::api::common::fields::{Number, Problem, Rule, Text, rule};
use crate::app::AppError;
use crate::app::screening::search::{MAX_LIMIT, parse_entity_type};
use crate::app::screening::{self, Hit, SearchRequest};
use crate::domain::names::is_default_ignorable;
use crate::domain::time::format_timestamp;
use crate::screening::model::{ListKind, PartialDate};
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

/// A search: the name, and what narrows it. A field not listed here is refused.
//
// `deny_unknown_fields` only describes the refusal (`additionalProperties: false`): the body is
// read by the `Deserialize` below, which keeps the names of unknown fields so that `validate`
// words the refusal.
#[derive(Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    /// Must contain a letter or digit.
    #[schema(schema_with = Text::<rule::ScreeningName>::schema, required = true)]
    name: Text<rule::ScreeningName>,
    /// YYYY-MM-DD, YYYY-MM or YYYY.
    #[schema(schema_with = Text::<rule::ScreeningDob>::schema, required = false)]
    dob: Text<rule::ScreeningDob>,
    #[schema(schema_with = Text::<rule::ScreeningCountry>::schema, required = false)]
    country: Text<rule::ScreeningCountry>,
    #[schema(schema_with = entity_type_schema, required = false)]
    entity_type: Text<rule::ScreeningEntityType>,
    /// Default 0.80.
    #[schema(schema_with = Number::<rule::Threshold>::schema, required = false)]
    threshold: Number<rule::Threshold>,
    /// Default 10.
    #[schema(schema_with = Number::<rule::ScreeningLimit>::schema, required = false)]
    limit: Number<rule::ScreeningLimit>,
    /// The names of the fields sent that are none of the above.
    #[schema(ignore)]
    unknown: Vec<String>,
}

/// `entity_type`: one of the four words (case-insensitive), or `null`.
fn entity_type_schema() -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .enum_values(Some([
                json!("person"),
                json!("organization"),
                json!("vessel"),
                json!("aircraft"),
                Value::Null,
            ]))
            .build(),
    ))
}

impl<'de> Deserialize<'de> for SearchBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SearchBody;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SearchBody, A::Error> {
                let mut body = SearchBody::default();
                // A repeated field keeps its last value, as a JSON object reader does.
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => body.name = map.next_value()?,
                        "dob" => body.dob = map.next_value()?,
                        "country" => body.country = map.next_value()?,
                        "entity_type" => body.entity_type = map.next_value()?,
                        "threshold" => body.threshold = map.next_value()?,
                        "limit" => body.limit = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            body.unknown.push(key);
                        }
                    }
                }
                Ok(body)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// A text field under the one text rule of the surface (`domain::text`: trimmed, no control
/// characters, at most its maximum); `None` when absent, null or blank.
fn optional_text<R: Rule>(field: &Text<R>) -> Result<Option<String>, ApiError> {
    let name = field.field();
    field.value().map_err(|problem| match problem {
        Problem::WrongType => field_error(name, format!("{name} must be a string.")),
        Problem::Text(e) => field_error(name, R::RULE.message(e)),
    })
}

impl SearchBody {
    /// The search, or the first problem in the documented order of the fields.
    fn validate(&self) -> Result<SearchRequest, ApiError> {
        // The first unknown field in the order of their names.
        if let Some(key) = self.unknown.iter().min() {
            return Err(field_error(key, format!("{key} is not a known field.")));
        }
        let name = optional_text(&self.name)?
            .ok_or_else(|| field_error("name", "name is required.".into()))?;
        // Invisible characters are no name (the normaliser drops them).
        if !name
            .chars()
            .any(|c| c.is_alphanumeric() && !is_default_ignorable(c))
        {
            return Err(field_error("name", "name must contain letters.".into()));
        }
        let dob = match optional_text(&self.dob)? {
            None => None,
            // A date that does not exist (`1999-02-30`, month 13) is refused, not shortened.
            Some(d) => Some(PartialDate::parse_exact(&d).ok_or_else(|| {
                field_error(
                    "dob",
                    "dob must be a date: YYYY-MM-DD, YYYY-MM or YYYY.".into(),
                )
            })?),
        };
        let country = optional_text(&self.country)?;
        let entity_type = match optional_text(&self.entity_type)? {
            None => None,
            Some(t) => Some(parse_entity_type(&t).ok_or_else(|| {
                field_error(
                    "entity_type",
                    "entity_type must be one of person, organization, vessel, aircraft.".into(),
                )
            })?),
        };
        let threshold = self
            .threshold
            .bounded()
            .map_err(|_| {
                field_error(
                    "threshold",
                    "threshold must be a number from 0 to 1.".into(),
                )
            })?
            .unwrap_or(DEFAULT_THRESHOLD);
        let limit = self
            .limit
            .bounded()
            .map_err(|_| {
                field_error(
                    "limit",
                    format!("limit must be a whole number from 1 to {MAX_LIMIT}."),
                )
            })?
            // Whole and within 1..=MAX_LIMIT: exact as a usize.
            .map_or(10, |l| l as usize);
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
}

/// The search as understood (fields in the order of their names, as the surface writes them).
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchQuery {
    pub country: Option<String>,
    /// As given, when it was a date.
    pub dob: Option<String>,
    #[schema(value_type = Option<String>)]
    pub entity_type: Option<&'static str>,
    pub limit: usize,
    pub name: String,
    pub threshold: f64,
}

/// A list version searched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchedList {
    #[schema(value_type = String)]
    pub kind: ListKind,
    pub list: String,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ScreeningSearch)]
pub struct SearchResult {
    pub search_id: String,
    pub query: SearchQuery,
    /// The list versions searched.
    pub lists: Vec<SearchedList>,
    /// Best first.
    pub matches: Vec<Hit>,
}

/// Screen a name against the sanctions and PEP lists
#[utoipa::path(
    post, path = "/api/v2/screening/search", tag = "screening",
    operation_id = "screeningSearch", security(("bearerAuth" = [])),
    request_body(content = inline(SearchBody), example = json!({
        "name": "Vladimir Putin", "dob": "1952-10-07", "threshold": 0.8, "limit": 10,
    })),
    responses(
        (status = 200, description = "Matches, best first; 1 credit", body = Envelope<SearchResult>),
        (status = 400, description = "Invalid input (the field is named); no credit"),
        (status = 402, description = "Insufficient credits"),
        (status = 503, description = "The screening index is still being built, or no list is loaded; no credit"),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiBody(body): ApiBody<SearchBody>,
) -> ApiResult<SearchResult> {
    let parsed = match &body {
        Some(body) => body.validate(),
        None => Err(ApiError::bad_request(NOT_AN_OBJECT)),
    };
    let request = match parsed {
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
        .map(|s| SearchedList {
            kind: s.kind,
            list: s.name.clone(),
            version: s.version,
        })
        .collect();
    let result = SearchResult {
        search_id: searched.search_id.clone(),
        query: SearchQuery {
            dob: request.dob.map(|d| d.to_string()),
            entity_type: request.entity_type.map(|t| t.as_str()),
            threshold: request.threshold,
            limit: request.limit,
            country: request.country,
            name: request.name,
        },
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

/// A screening list's newest version.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ScreeningList)]
pub struct ListView {
    pub name: String,
    pub version_id: String,
    #[schema(value_type = String)]
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
#[utoipa::path(
    get, path = "/api/v2/screening/lists", tag = "screening",
    operation_id = "screeningLists", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The newest version of every list", body = Envelope<Vec<ListView>>),
    )
)]
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

/// A watched subject.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ScreeningSubject)]
pub struct SubjectView {
    pub id: String,
    pub check_id: String,
    pub case_id: String,
    pub name: String,
    pub dob: Option<String>,
    pub country: Option<String>,
    /// The subject's current matches, as the search reports them.
    #[schema(value_type = Vec<Object>)]
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
#[utoipa::path(
    get, path = "/api/v2/screening/subjects/{id}", tag = "screening",
    operation_id = "screeningSubject", security(("bearerAuth" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The subject", body = Envelope<SubjectView>),
        (status = 404, description = "No such subject"),
    )
)]
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
#[utoipa::path(
    get, path = "/api/v2/screening/subjects", tag = "screening",
    operation_id = "screeningSubjects", security(("bearerAuth" = [])),
    params(
        ("case_id" = Option<String>, Query, description = "Only the subjects of this case."),
        ("page_offset" = Option<i64>, Query, minimum = 0, description = "Default 0."),
        ("page_size" = Option<i64>, Query, minimum = 0, maximum = 200, description = "Default 50."),
    ),
    responses(
        (status = 200, description = "Watched subjects", body = Envelope<Vec<SubjectView>>, links(
            ("screeningSubject" = (operation_id = "screeningSubject", parameters(("id" = "$response.body#/data/0/id")))),
        )),
        (status = 400, description = "A query parameter is invalid"),
    )
)]
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
