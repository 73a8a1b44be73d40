//! `GET /v2/search` and `GET /v2/listinfo` in Moov Watchman v2's shapes (its `docs/api.yaml`:
//! `SearchResponse`, `SearchedEntity`, `Entity`, `ListInfoResponse`, `ErrorResponse`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{SecondsFormat, TimeZone, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiKeyAuth;
use super::error::WatchmanError;
use crate::api::AppState;
use crate::app::screening::search::{MAX_LIMIT, MAX_NAME_CHARS, parse_entity_type};
use crate::app::screening::{self, SearchRequest};
use crate::domain::text::limits;
use crate::screening::index::Index;
use crate::screening::model::{Document, Entity, EntityType, Gender, ListKind, PartialDate};

/// Query parameters Watchman documents for `/v2/search`. The ones this server scores are
/// `name`, `type`, `birthDate`, `minMatch`, `limit`, `source`, `sourceID` and the `gov_*`
/// identifiers; the others are accepted and ignored. Any other parameter is an error, as in
/// Watchman ("extra/unused query parameters").
const KNOWN: &[&str] = &[
    "name",
    "source",
    "sourceID",
    "type",
    "altNames",
    "limit",
    "minMatch",
    "requestID",
    "debug",
    "debugSourceIDs",
    "format",
    "gender",
    "birthDate",
    "deathDate",
    "titles",
    "created",
    "dissolved",
    "aircraftType",
    "icaoCode",
    "model",
    "serialNumber",
    "built",
    "flag",
    "imoNumber",
    "vesselType",
    "mmsi",
    "callSign",
    "owner",
    "tonnage",
    "grossRegisteredTonnage",
    "email",
    "emailAddress",
    "emailAddresses",
    "phone",
    "phoneNumber",
    "phoneNumbers",
    "fax",
    "faxNumber",
    "faxNumbers",
    "website",
    "websites",
    "domain",
    "address",
    "addresses",
    "cryptoAddress",
    "cryptoAddresses",
];

/// Watchman's name of a list's source (`sourceList`).
pub fn source_list(kind: ListKind, name: &str) -> String {
    if name != kind.as_str() {
        return name.to_string();
    }
    match kind {
        ListKind::OfacSdn => "us_ofac",
        ListKind::UnConsolidated => "un_csl",
        ListKind::UsCsl => "us_csl",
        ListKind::OpenSanctionsPep => "opensanctions_peps",
    }
    .to_string()
}

fn entity_type_word(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "person",
        EntityType::Organization => "business",
        EntityType::Vessel => "vessel",
        EntityType::Aircraft => "aircraft",
        EntityType::Unknown => "unknown",
    }
}

/// `1965-05-13T00:00:00Z`: a partial date at its first day, as Watchman's `date-time`.
fn date_time(d: &PartialDate) -> Option<String> {
    let date = chrono::NaiveDate::from_ymd_opt(
        d.year,
        u32::from(d.month.unwrap_or(1)),
        u32::from(d.day.unwrap_or(1)),
    )?;
    Some(format!("{}T00:00:00Z", date.format("%Y-%m-%d")))
}

/// Watchman's `GovernmentID`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = WatchmanGovernmentId)]
pub struct GovernmentId {
    #[schema(value_type = String)]
    pub country: &'static str,
    pub identifier: String,
    pub name: String,
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub id_type: &'static str,
}

fn government_id(d: &Document) -> GovernmentId {
    let kind = d.kind.to_ascii_lowercase();
    let id_type = if kind.contains("passport") {
        if kind.contains("diplomatic") {
            "diplomatic-passport"
        } else {
            "passport"
        }
    } else if kind.contains("cedula") {
        "cedula"
    } else if kind.contains("curp") {
        "curp"
    } else if kind.contains("tax") || kind.contains("rfc") || kind.contains("nit") {
        "tax-id"
    } else if kind.contains("driver") {
        "drivers-license"
    } else if kind.contains("registration") {
        "business-registration"
    } else if kind.contains("ssn") || kind.contains("social security") {
        "ssn"
    } else if kind.contains("national") || kind.contains("identification") || kind.contains("id") {
        "national-id"
    } else {
        "personal-id"
    };
    GovernmentId {
        country: "",
        identifier: d.number.clone(),
        name: d.kind.clone(),
        id_type,
    }
}

/// Nothing this server lists (Watchman's addresses, affiliations, crypto addresses, historical
/// information, organizations): always empty or `null`.
#[derive(Debug, Serialize)]
pub enum Unlisted {}

/// Watchman's `Person`. The fields of every Watchman object are in the order of their names, as
/// this surface has always written them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanPerson)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub alt_names: Option<Vec<String>>,
    /// `YYYY-MM-DDT00:00:00Z`.
    pub birth_date: Option<String>,
    pub death_date: Option<String>,
    #[schema(value_type = String)]
    pub gender: &'static str,
    #[serde(rename = "governmentIDs")]
    pub government_ids: Option<Vec<GovernmentId>>,
    pub name: String,
    #[schema(value_type = String)]
    pub place_of_birth: &'static str,
    pub titles: Option<Vec<String>>,
}

/// Watchman's `Business`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanBusiness)]
#[serde(rename_all = "camelCase")]
pub struct Business {
    pub alt_names: Option<Vec<String>>,
    pub created: Option<String>,
    pub dissolved: Option<String>,
    #[serde(rename = "governmentIDs")]
    pub government_ids: Option<Vec<GovernmentId>>,
    pub name: String,
}

/// Watchman's `Vessel`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanVessel)]
#[serde(rename_all = "camelCase")]
pub struct Vessel {
    pub alt_names: Vec<String>,
    pub built: Option<String>,
    #[schema(value_type = String)]
    pub call_sign: &'static str,
    pub flag: String,
    pub gross_registered_tonnage: u64,
    #[schema(value_type = String)]
    pub imo_number: &'static str,
    #[schema(value_type = String)]
    pub mmsi: &'static str,
    #[schema(value_type = String)]
    pub model: &'static str,
    pub name: String,
    #[schema(value_type = String)]
    pub owner: &'static str,
    pub tonnage: u64,
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub vessel_type: &'static str,
}

/// Watchman's `Aircraft`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanAircraft)]
#[serde(rename_all = "camelCase")]
pub struct Aircraft {
    pub alt_names: Vec<String>,
    pub built: Option<String>,
    #[schema(value_type = String)]
    pub flag: &'static str,
    #[schema(value_type = String)]
    pub icao_code: &'static str,
    #[schema(value_type = String)]
    pub model: &'static str,
    pub name: String,
    #[schema(value_type = String)]
    pub serial_number: &'static str,
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub aircraft_type: &'static str,
}

/// Watchman's `Contact`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanContact)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub email_addresses: Option<Vec<String>>,
    pub fax_numbers: Option<Vec<String>>,
    pub phone_numbers: Option<Vec<String>>,
    pub websites: Option<Vec<String>>,
}

impl Contact {
    fn of(empty: Option<Vec<String>>) -> Contact {
        Contact {
            email_addresses: empty.clone(),
            fax_numbers: empty.clone(),
            phone_numbers: empty.clone(),
            websites: empty,
        }
    }
}

/// Watchman's `SanctionsInfo`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanSanctionsInfo)]
pub struct SanctionsInfo {
    pub description: String,
    pub programs: Vec<String>,
    pub secondary: bool,
}

/// The listed record this entity was read from.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanSourceData)]
#[serde(rename_all = "camelCase")]
pub struct SourceData {
    pub birth_dates: Vec<String>,
    pub countries: Vec<String>,
    pub list: String,
    pub list_version: Option<i64>,
}

/// One compared piece of a match (`SearchedEntity.details.pieces`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanPiece)]
#[serde(rename_all = "camelCase")]
pub struct Piece {
    pub exact: bool,
    pub fields_compared: usize,
    pub matched: bool,
    pub piece_type: String,
    pub required: bool,
    pub score: f64,
    pub weight: f64,
}

/// Why a match scored what it did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanDetails)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub final_score: f64,
    pub pieces: Vec<Piece>,
}

/// Watchman's `Entity`, and (with `details`, `match` and `matchedName`) its `SearchedEntity`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WatchmanEntity {
    #[schema(value_type = Option<Vec<Object>>)]
    pub addresses: Option<Vec<Unlisted>>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub affiliations: Option<Vec<Unlisted>>,
    pub aircraft: Option<Aircraft>,
    pub business: Option<Business>,
    pub contact: Contact,
    #[schema(value_type = Option<Vec<Object>>)]
    pub crypto_addresses: Option<Vec<Unlisted>>,
    /// Search results only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    /// `person`, `business`, `vessel`, `aircraft`, `unknown` (the query's: empty when not given).
    #[schema(value_type = String)]
    pub entity_type: &'static str,
    #[schema(value_type = Option<Vec<Object>>)]
    pub historical_info: Option<Vec<Unlisted>>,
    /// Search results only: the score, 0 to 1.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_score: Option<f64>,
    /// Search results only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_name: Option<String>,
    pub name: String,
    #[schema(value_type = Option<Object>)]
    pub organization: Option<Unlisted>,
    pub person: Option<Person>,
    pub sanctions_info: Option<SanctionsInfo>,
    pub source_data: Option<SourceData>,
    #[serde(rename = "sourceID")]
    pub source_id: String,
    pub source_list: String,
    pub vessel: Option<Vessel>,
}

/// A listed entity as Watchman's `Entity`.
pub fn watchman_entity(index: &Index, idx: usize, entity: &Entity) -> WatchmanEntity {
    let source = index.source_of(idx);
    let list_name = source.map_or(entity.list.as_str(), |s| s.name.as_str());
    let ids: Vec<GovernmentId> = entity.documents.iter().map(government_id).collect();
    let person = (entity.entity_type == EntityType::Person).then(|| Person {
        alt_names: Some(entity.aliases.clone()),
        birth_date: entity.birth_dates.first().and_then(date_time),
        death_date: None,
        gender: match entity.gender {
            Some(Gender::Male) => "male",
            Some(Gender::Female) => "female",
            _ => "unknown",
        },
        government_ids: Some(ids.clone()),
        name: entity.primary_name.clone(),
        place_of_birth: "",
        titles: Some(Vec::new()),
    });
    let business = (entity.entity_type == EntityType::Organization).then(|| Business {
        alt_names: Some(entity.aliases.clone()),
        created: None,
        dissolved: None,
        government_ids: Some(ids.clone()),
        name: entity.primary_name.clone(),
    });
    let vessel = (entity.entity_type == EntityType::Vessel).then(|| Vessel {
        alt_names: entity.aliases.clone(),
        built: None,
        call_sign: "",
        flag: entity.countries.first().cloned().unwrap_or_default(),
        gross_registered_tonnage: 0,
        imo_number: "",
        mmsi: "",
        model: "",
        name: entity.primary_name.clone(),
        owner: "",
        tonnage: 0,
        vessel_type: "",
    });
    let aircraft = (entity.entity_type == EntityType::Aircraft).then(|| Aircraft {
        alt_names: entity.aliases.clone(),
        built: None,
        flag: "",
        icao_code: "",
        model: "",
        name: entity.primary_name.clone(),
        serial_number: "",
        aircraft_type: "",
    });
    WatchmanEntity {
        addresses: Some(Vec::new()),
        affiliations: Some(Vec::new()),
        aircraft,
        business,
        contact: Contact::of(Some(Vec::new())),
        crypto_addresses: Some(Vec::new()),
        details: None,
        entity_type: entity_type_word(entity.entity_type),
        historical_info: Some(Vec::new()),
        match_score: None,
        matched_name: None,
        name: entity.primary_name.clone(),
        organization: None,
        person,
        sanctions_info: Some(SanctionsInfo {
            description: entity.remarks.clone().unwrap_or_default(),
            programs: entity.programs.clone(),
            secondary: false,
        }),
        source_data: Some(SourceData {
            birth_dates: entity.birth_dates.iter().map(ToString::to_string).collect(),
            countries: entity.countries.clone(),
            list: list_name.to_string(),
            list_version: source.map(|s| s.version),
        }),
        source_id: entity.source_id.clone(),
        source_list: source_list(entity.list, list_name),
        vessel,
    }
}

/// The query as Watchman echoes it (`SearchResponse.query`, an `Entity`).
fn query_entity(
    name: &str,
    entity_type: Option<EntityType>,
    dob: Option<PartialDate>,
) -> WatchmanEntity {
    let person = (entity_type == Some(EntityType::Person)).then(|| Person {
        alt_names: None,
        birth_date: dob.as_ref().and_then(date_time),
        death_date: None,
        gender: "",
        government_ids: None,
        name: name.to_string(),
        place_of_birth: "",
        titles: None,
    });
    let business = (entity_type == Some(EntityType::Organization)).then(|| Business {
        alt_names: None,
        created: None,
        dissolved: None,
        government_ids: None,
        name: name.to_string(),
    });
    WatchmanEntity {
        addresses: None,
        affiliations: None,
        aircraft: None,
        business,
        contact: Contact::of(None),
        crypto_addresses: None,
        details: None,
        entity_type: entity_type.map_or("", entity_type_word),
        historical_info: None,
        match_score: None,
        matched_name: None,
        name: name.to_string(),
        organization: None,
        person,
        sanctions_info: None,
        source_data: None,
        source_id: String::new(),
        source_list: "api-request".to_string(),
        vessel: None,
    }
}

/// Watchman's `SearchResponse`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanSearchResponse)]
pub struct SearchResponse {
    /// Best first.
    pub entities: Vec<WatchmanEntity>,
    /// The query, as an `Entity`.
    pub query: WatchmanEntity,
}

/// Watchman's `ListInfoResponse`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WatchmanListInfo)]
#[serde(rename_all = "camelCase")]
pub struct ListInfo {
    /// When the index being served was last rebuilt (RFC 3339).
    pub ended_at: Option<String>,
    /// The SHA-256 of each list's file.
    pub list_hashes: BTreeMap<String, String>,
    /// Entities per list.
    pub lists: BTreeMap<String, usize>,
    pub started_at: Option<String>,
    #[schema(value_type = String)]
    pub version: &'static str,
}

/// The validated Watchman query.
struct Parsed {
    request: SearchRequest,
    source: Option<String>,
    source_id: Option<String>,
    /// Entities to answer with (the request may look further when filtering).
    limit: usize,
}

fn parse(pairs: &[(String, String)]) -> Result<Parsed, WatchmanError> {
    // The one text rule of query parameters (`domain::text`): no control characters, a bounded
    // length, for every name and value.
    for (key, value) in pairs {
        if limits::QUERY_NAME.parse(key).is_err() {
            return Err(WatchmanError::bad_request(format!(
                "query parameter names must be at most {} characters, without control characters",
                limits::QUERY_NAME.max_chars
            )));
        }
        limits::QUERY_VALUE
            .parse(value)
            .map_err(|e| WatchmanError::bad_request(format!("{key} {e}")))?;
    }
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut extra: Vec<&str> = pairs
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !KNOWN.contains(k) && !k.starts_with("gov_"))
        .collect();
    extra.dedup();
    if !extra.is_empty() {
        return Err(WatchmanError::bad_request(format!(
            "extra/unused query parameters in request: {}",
            extra.join(",")
        )));
    }
    if let Some(format) = get("format")
        && !format.eq_ignore_ascii_case("watchman")
    {
        return Err(WatchmanError::bad_request(format!(
            "unsupported format {format:?}: only watchman is served"
        )));
    }
    let name = get("name").unwrap_or("");
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(WatchmanError::bad_request(format!(
            "name must be at most {MAX_NAME_CHARS} characters"
        )));
    }
    let document = pairs
        .iter()
        .filter(|(k, v)| k.starts_with("gov_") && !v.trim().is_empty())
        .map(|(_, v)| {
            let v = v.trim();
            v.split_once(':').map_or(v, |(_, id)| id).to_string()
        })
        .next();
    if name.is_empty() && document.is_none() {
        return Err(WatchmanError::bad_request(
            "name (or a gov_* identifier) is required",
        ));
    }
    let entity_type = match get("type") {
        None => None,
        Some(t) => Some(parse_entity_type(t).ok_or_else(|| {
            WatchmanError::bad_request(format!(
                "invalid type {t:?}: expected person, business, organization, aircraft or vessel"
            ))
        })?),
    };
    let dob = match get("birthDate") {
        None => None,
        // Watchman's formats only: YYYY-MM-DD, YYYY-MM, YYYY, and a date that exists.
        Some(d) => Some(
            PartialDate::parse_exact(d)
                .filter(|_| d.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
                .ok_or_else(|| {
                    WatchmanError::bad_request("birthDate must be YYYY-MM-DD, YYYY-MM or YYYY")
                })?,
        ),
    };
    let threshold = match get("minMatch") {
        None => 0.0,
        Some(m) => m
            .parse::<f64>()
            .ok()
            .filter(|m| (0.0..=1.0).contains(m))
            .ok_or_else(|| WatchmanError::bad_request("minMatch must be a number from 0 to 1"))?,
    };
    // As Watchman: absent, unreadable or non-positive → 10; more than 100 → 100.
    let limit = get("limit")
        .and_then(|l| l.parse::<i64>().ok())
        .filter(|l| *l > 0)
        .map_or(10, |l| {
            usize::try_from(l).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)
        });
    let source = get("source").map(str::to_string);
    let source_id = get("sourceID").map(str::to_string);
    let filtered = source.is_some() || source_id.is_some();
    Ok(Parsed {
        request: SearchRequest {
            name: name.to_string(),
            dob,
            country: None,
            entity_type,
            document,
            threshold,
            // A filtered search looks further, then keeps `limit`.
            limit: if filtered { MAX_LIMIT } else { limit },
        },
        source,
        source_id,
        limit,
    })
}

/// Search the lists (Watchman v2)
#[utoipa::path(
    get, path = "/v2/search", tag = "watchman",
    operation_id = "watchmanSearch", security(("bearerAuth" = [])),
    params(
        ("name" = Option<String>, Query, max_length = 200, description = "Required unless a gov_* identifier is given."),
        ("type" = Option<String>, Query, description = "person, business, organization, aircraft or vessel."),
        ("birthDate" = Option<String>, Query, description = "YYYY-MM-DD, YYYY-MM or YYYY."),
        ("minMatch" = Option<f64>, Query, minimum = 0, maximum = 1, description = "Default 0."),
        ("limit" = Option<i64>, Query, description = "Default 10; at most 100 are answered."),
        ("source" = Option<String>, Query, description = "Only entities of this sourceList."),
    ),
    responses(
        (status = 200, description = "Watchman SearchResponse; 1 credit", body = SearchResponse),
        (status = 400, description = "Invalid parameter"),
        (status = 402, description = "Insufficient credits"),
        (status = 503, description = "The index is being built, or no list is loaded; no credit"),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, WatchmanError> {
    let Query(pairs) =
        query.map_err(|_| WatchmanError::bad_request("query string could not be parsed"))?;
    let parsed = parse(&pairs)?;
    let searched = screening::search(
        &state.store,
        &state.providers.engine,
        state.config.screening_search_cost,
        &auth.org_id,
        &parsed.request,
    )
    .await?;
    let index = &searched.index;
    let entities: Vec<WatchmanEntity> = searched
        .matches
        .iter()
        .filter_map(|m| {
            let entity = index.entity(m.entity_idx)?;
            let mut e = watchman_entity(index, m.entity_idx, entity);
            if let Some(source) = &parsed.source
                && e.source_list != *source
            {
                return None;
            }
            if let Some(id) = &parsed.source_id
                && entity.source_id != *id
            {
                return None;
            }
            let score = (m.score * 10_000.0).round() / 10_000.0;
            e.match_score = Some(score);
            e.matched_name = Some(m.matched_name.clone());
            let mut pieces = vec![Piece {
                score,
                weight: 1.0,
                matched: true,
                required: true,
                exact: score >= 0.9999,
                fields_compared: m.explanation.matched_tokens.len(),
                piece_type: "name".to_string(),
            }];
            pieces.extend(m.explanation.qualifiers.iter().map(|q| Piece {
                score: if q.contains("(-") { 0.0 } else { 1.0 },
                weight: 0.0,
                matched: !q.contains("(-"),
                required: false,
                exact: q.contains("match"),
                fields_compared: 1,
                piece_type: q.clone(),
            }));
            e.details = Some(Details {
                pieces,
                final_score: score,
            });
            Some(e)
        })
        .take(parsed.limit)
        .collect();
    let body = SearchResponse {
        query: query_entity(
            &parsed.request.name,
            parsed.request.entity_type,
            parsed.request.dob,
        ),
        entities,
    };
    Ok((
        [
            ("Access-Control-Allow-Origin", "*".to_string()),
            ("X-Credits-Remaining", searched.balance.to_string()),
        ],
        Json(body),
    )
        .into_response())
}

/// `HEAD /v2/search`: what a `GET` would answer — its status and headers, the balance it would
/// start from — without searching or charging.
pub async fn head(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, WatchmanError> {
    let Query(pairs) =
        query.map_err(|_| WatchmanError::bad_request("query string could not be parsed"))?;
    parse(&pairs)?;
    let balance = screening::search::can_search(
        &state.store,
        &state.providers.engine,
        state.config.screening_search_cost,
        &auth.org_id,
    )
    .await?;
    Ok(([
        (header::CONTENT_TYPE, "application/json".to_string()),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
        (
            header::HeaderName::from_static("x-credits-remaining"),
            balance.to_string(),
        ),
    ],)
        .into_response())
}

fn rfc3339(ms: i64) -> Option<String> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// The lists served (Watchman v2 `ListInfoResponse`)
#[utoipa::path(
    get, path = "/v2/listinfo", tag = "watchman",
    operation_id = "watchmanListInfo", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The lists served", body = ListInfo),
        (status = 503, description = "The index is being built"),
    )
)]
pub async fn listinfo(
    State(state): State<AppState>,
    _auth: ApiKeyAuth,
) -> Result<Response, WatchmanError> {
    let engine = &state.providers.engine;
    let Some(index) = engine.current() else {
        return Err(crate::app::AppError::NotReady(
            "the screening index is being built; try again in a few seconds",
        )
        .into());
    };
    let hashes: BTreeMap<String, String> =
        crate::app::screening::lists::latest_versions(&state.store)
            .await?
            .into_iter()
            .map(|v| (v.id, v.file_sha256))
            .collect();
    let mut lists = BTreeMap::new();
    let mut list_hashes = BTreeMap::new();
    for s in index.sources() {
        let key = source_list(s.kind, &s.name);
        lists.insert(key.clone(), s.entity_count);
        if let Some(h) = hashes.get(&s.version_id) {
            list_hashes.insert(key, h.clone());
        }
    }
    let (started, ended) = engine.build_times();
    let body = ListInfo {
        lists,
        list_hashes,
        started_at: rfc3339(started),
        ended_at: rfc3339(ended),
        version: concat!("satyapan v", env!("CARGO_PKG_VERSION")),
    };
    Ok(([("Access-Control-Allow-Origin", "*")], Json(body)).into_response())
}
