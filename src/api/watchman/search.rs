//! `GET /v2/search` and `GET /v2/listinfo` in Moov Watchman v2's shapes (its `docs/api.yaml`:
//! `SearchResponse`, `SearchedEntity`, `Entity`, `ListInfoResponse`, `ErrorResponse`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{SecondsFormat, TimeZone, Utc};
use serde_json::{Value, json};

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

fn government_id(d: &Document) -> Value {
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
    json!({"name": d.kind, "type": id_type, "country": "", "identifier": d.number})
}

/// A listed entity as Watchman's `Entity`.
pub fn watchman_entity(index: &Index, idx: usize, entity: &Entity) -> Value {
    let source = index.source_of(idx);
    let list_name = source.map_or(entity.list.as_str(), |s| s.name.as_str());
    let ids: Vec<Value> = entity.documents.iter().map(government_id).collect();
    let person = (entity.entity_type == EntityType::Person).then(|| {
        json!({
            "name": entity.primary_name,
            "altNames": entity.aliases,
            "gender": match entity.gender {
                Some(Gender::Male) => "male",
                Some(Gender::Female) => "female",
                _ => "unknown",
            },
            "birthDate": entity.birth_dates.first().and_then(date_time),
            "placeOfBirth": "",
            "deathDate": null,
            "titles": [],
            "governmentIDs": ids,
        })
    });
    let business = (entity.entity_type == EntityType::Organization).then(|| {
        json!({
            "name": entity.primary_name,
            "altNames": entity.aliases,
            "created": null,
            "dissolved": null,
            "governmentIDs": ids,
        })
    });
    let vessel = (entity.entity_type == EntityType::Vessel).then(|| {
        json!({
            "name": entity.primary_name, "altNames": entity.aliases, "imoNumber": "", "type": "",
            "flag": entity.countries.first().cloned().unwrap_or_default(), "built": null,
            "model": "", "tonnage": 0, "mmsi": "", "callSign": "", "grossRegisteredTonnage": 0,
            "owner": "",
        })
    });
    let aircraft = (entity.entity_type == EntityType::Aircraft).then(|| {
        json!({
            "name": entity.primary_name, "altNames": entity.aliases, "type": "", "flag": "",
            "built": null, "icaoCode": "", "model": "", "serialNumber": "",
        })
    });
    json!({
        "name": entity.primary_name,
        "entityType": entity_type_word(entity.entity_type),
        "sourceList": source_list(entity.list, list_name),
        "sourceID": entity.source_id,
        "person": person,
        "business": business,
        "organization": null,
        "aircraft": aircraft,
        "vessel": vessel,
        "contact": {"emailAddresses": [], "phoneNumbers": [], "faxNumbers": [], "websites": []},
        "addresses": [],
        "cryptoAddresses": [],
        "affiliations": [],
        "sanctionsInfo": {
            "programs": entity.programs,
            "secondary": false,
            "description": entity.remarks.clone().unwrap_or_default(),
        },
        "historicalInfo": [],
        "sourceData": {
            "list": list_name,
            "listVersion": source.map(|s| s.version),
            "countries": entity.countries,
            "birthDates": entity.birth_dates.iter().map(ToString::to_string).collect::<Vec<_>>(),
        },
    })
}

/// The query as Watchman echoes it (`SearchResponse.query`, an `Entity`).
fn query_entity(name: &str, entity_type: Option<EntityType>, dob: Option<PartialDate>) -> Value {
    let t = entity_type.map_or("", entity_type_word);
    let person = (entity_type == Some(EntityType::Person)).then(|| {
        json!({
            "name": name, "altNames": null, "gender": "", "birthDate": dob.as_ref().and_then(date_time),
            "placeOfBirth": "", "deathDate": null, "titles": null, "governmentIDs": null,
        })
    });
    let business = (entity_type == Some(EntityType::Organization)).then(|| {
        json!({"name": name, "altNames": null, "created": null, "dissolved": null, "governmentIDs": null})
    });
    json!({
        "name": name,
        "entityType": t,
        "sourceList": "api-request",
        "sourceID": "",
        "person": person,
        "business": business,
        "organization": null,
        "aircraft": null,
        "vessel": null,
        "contact": {"emailAddresses": null, "phoneNumbers": null, "faxNumbers": null, "websites": null},
        "addresses": null,
        "cryptoAddresses": null,
        "affiliations": null,
        "sanctionsInfo": null,
        "historicalInfo": null,
        "sourceData": null,
    })
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
    params(
        ("name" = Option<String>, Query), ("type" = Option<String>, Query),
        ("birthDate" = Option<String>, Query), ("minMatch" = Option<f64>, Query),
        ("limit" = Option<i64>, Query), ("source" = Option<String>, Query)
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
    let entities: Vec<Value> = searched
        .matches
        .iter()
        .filter_map(|m| {
            let entity = index.entity(m.entity_idx)?;
            let mut e = watchman_entity(index, m.entity_idx, entity);
            if let Some(source) = &parsed.source
                && e["sourceList"].as_str() != Some(source.as_str())
            {
                return None;
            }
            if let Some(id) = &parsed.source_id
                && entity.source_id != *id
            {
                return None;
            }
            let score = (m.score * 10_000.0).round() / 10_000.0;
            if let Some(obj) = e.as_object_mut() {
                obj.insert("match".into(), json!(score));
                obj.insert("matchedName".into(), json!(m.matched_name));
                let mut pieces: Vec<Value> = vec![json!({
                    "score": score,
                    "weight": 1.0,
                    "matched": true,
                    "required": true,
                    "exact": score >= 0.9999,
                    "fieldsCompared": m.explanation.matched_tokens.len(),
                    "pieceType": "name",
                })];
                pieces.extend(m.explanation.qualifiers.iter().map(|q| {
                    json!({
                        "score": if q.contains("(-") { 0.0 } else { 1.0 },
                        "weight": 0.0,
                        "matched": !q.contains("(-"),
                        "required": false,
                        "exact": q.contains("match"),
                        "fieldsCompared": 1,
                        "pieceType": q,
                    })
                }));
                obj.insert(
                    "details".into(),
                    json!({"pieces": pieces, "finalScore": score}),
                );
            }
            Some(e)
        })
        .take(parsed.limit)
        .collect();
    let body = json!({
        "query": query_entity(
            &parsed.request.name,
            parsed.request.entity_type,
            parsed.request.dob,
        ),
        "entities": entities,
    });
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
#[utoipa::path(get, path = "/v2/listinfo", tag = "watchman")]
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
    let body = json!({
        "lists": lists,
        "listHashes": list_hashes,
        "startedAt": rfc3339(started),
        "endedAt": rfc3339(ended),
        "version": concat!("satyapan v", env!("CARGO_PKG_VERSION")),
    });
    Ok(([("Access-Control-Allow-Origin", "*")], Json(body)).into_response())
}
