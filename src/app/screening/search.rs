//! A paid screening search: the engine answers from the current index, and the charge is one
//! ledger movement (`screening.search`) in its own transaction — no answer without the charge.

use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use crate::app::{AppError, AppResult};
use crate::domain::credits::LedgerKind;
use crate::screening::engine::Engine;
use crate::screening::index::{Index, Match, Query};
use crate::screening::model::{EntityType, PartialDate};
use crate::screening::score::Explanation;
use crate::store::Store;
use crate::store::credits::Movement;

pub const SERVICE: &str = "screening.search";
/// Longest name accepted (in characters).
pub const MAX_NAME_CHARS: usize = crate::domain::text::limits::SCREENING_NAME.max_chars;
/// Most matches one search returns.
pub const MAX_LIMIT: usize = 100;

/// `person`, `organization` (or `organisation`, `business`, `entity`), `vessel`, `aircraft`;
/// `individual` is a person.
pub fn parse_entity_type(s: &str) -> Option<EntityType> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => EntityType::Person,
        "organization" | "organisation" | "business" | "entity" | "company" => {
            EntityType::Organization
        }
        "vessel" => EntityType::Vessel,
        "aircraft" => EntityType::Aircraft,
        _ => return None,
    })
}

/// A validated search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub name: String,
    pub dob: Option<PartialDate>,
    pub country: Option<String>,
    pub entity_type: Option<EntityType>,
    /// A document number (passport, national id): an exact match scores 1.0.
    pub document: Option<String>,
    pub threshold: f64,
    pub limit: usize,
}

/// One match as the search APIs report it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ScreeningMatch)]
pub struct Hit {
    /// The list's name (`ofac`, `un`, … or the operator's own name for it).
    pub list: String,
    #[schema(value_type = String)]
    pub list_kind: &'static str,
    pub list_version: i64,
    pub entity_id: String,
    #[schema(value_type = String)]
    pub entity_type: &'static str,
    pub primary_name: String,
    pub matched_name: String,
    pub score: f64,
    pub programs: Vec<String>,
    pub birth_dates: Vec<String>,
    pub countries: Vec<String>,
    /// `matched_tokens` (`[query token, listed token, similarity]`) and `qualifiers`.
    #[schema(value_type = Object)]
    pub explanation: Explanation,
}

impl Hit {
    pub fn new(index: &Index, m: &Match) -> Hit {
        let entity = index.entity(m.entity_idx);
        let source = index.source_of(m.entity_idx);
        Hit {
            list: source.map_or_else(|| m.list.as_str().to_string(), |s| s.name.clone()),
            list_kind: m.list.as_str(),
            list_version: source.map_or(0, |s| s.version),
            entity_id: m.source_id.clone(),
            entity_type: entity.map_or("unknown", |e| e.entity_type.as_str()),
            primary_name: m.primary_name.clone(),
            matched_name: m.matched_name.clone(),
            score: (m.score * 1000.0).round() / 1000.0,
            programs: m.programs.clone(),
            birth_dates: entity
                .map(|e| e.birth_dates.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
            countries: entity.map(|e| e.countries.clone()).unwrap_or_default(),
            explanation: m.explanation.clone(),
        }
    }
}

/// What a search found, and what it cost.
#[derive(Debug, Clone)]
pub struct Searched {
    pub search_id: String,
    pub index: Arc<Index>,
    pub matches: Vec<Match>,
    pub used: i64,
    pub balance: i64,
}

impl Searched {
    pub fn hits(&self) -> Vec<Hit> {
        self.matches
            .iter()
            .map(|m| Hit::new(&self.index, m))
            .collect()
    }
}

/// The query a request asks for.
pub fn query(request: &SearchRequest) -> Query {
    Query {
        name: request.name.clone(),
        dob: request.dob,
        country: request.country.clone(),
        entity_type: request.entity_type,
        document: request.document.clone(),
        threshold: request.threshold,
        limit: request.limit,
    }
}

/// The refusal while a process's first index is being built.
pub const INDEX_BUILDING: &str = "The screening index is being built; try again in a few seconds.";
/// The refusal while no list is loaded: an empty index would answer "no match" to everyone.
pub const NO_LIST: &str = "No screening list is loaded, so nothing can be screened; an operator \
imports one with 'satyapan lists import FILE --format ofac|un|senzing|csl' or \
POST /admin/screening/lists.";

/// The index a search answers from: `NotReady` while the first one is being built, and while it
/// holds no list.
pub fn serving_index(engine: &Engine) -> AppResult<Arc<Index>> {
    let index = engine.current().ok_or(AppError::NotReady(INDEX_BUILDING))?;
    if index.is_empty() {
        return Err(AppError::NotReady(NO_LIST));
    }
    Ok(index)
}

/// What a search would answer before it runs: the index is serving a list and the balance
/// covers `cost` (a `HEAD` checks this and stops; nothing is searched or charged). Returns the
/// balance.
pub async fn can_search(store: &Store, engine: &Engine, cost: i64, org_id: &str) -> AppResult<i64> {
    serving_index(engine)?;
    let balance = store.balance(org_id).await?;
    if cost > 0 && balance < cost {
        return Err(AppError::InsufficientCredits {
            required: cost,
            remaining: balance,
        });
    }
    Ok(balance)
}

/// Searches and charges `cost` credits. `NotReady` (nothing charged) while the first index is
/// being built or no list is loaded; `InsufficientCredits` (nothing charged, nothing answered)
/// when short.
pub async fn search(
    store: &Store,
    engine: &Engine,
    cost: i64,
    org_id: &str,
    request: &SearchRequest,
) -> AppResult<Searched> {
    let index = serving_index(engine)?;
    let matches = index.search(&query(request));
    let search_id = uuid::Uuid::new_v4().to_string();
    let mut balance = store.balance(org_id).await?;
    if cost > 0 {
        let input = json!({
            "name": request.name,
            "dob": request.dob.map(|d| d.to_string()),
            "country": request.country,
            "entity_type": request.entity_type.map(EntityType::as_str),
            "threshold": request.threshold,
            "limit": request.limit,
        });
        let output = json!({
            "matches": matches.len(),
            "top_score": matches.first().map(|m| (m.score * 1000.0).round() / 1000.0),
        });
        let charge = Movement {
            org_id,
            kind: LedgerKind::Debit,
            amount: cost,
            service: SERVICE,
            reference_id: Some(&search_id),
            input: Some(&input),
            output: Some(&output),
        };
        let mut tx = store.begin().await?;
        balance = tx.apply_movement(&charge).await??;
        tx.commit().await?;
    }
    Ok(Searched {
        search_id,
        index,
        matches,
        used: cost.max(0),
        balance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::model::{Entity, EntityType, ListKind};

    #[test]
    fn no_search_is_served_while_building_or_with_no_list() {
        let building = Engine::new();
        assert!(
            matches!(serving_index(&building), Err(AppError::NotReady(m)) if m == INDEX_BUILDING)
        );
        let empty = Engine::with_index(Index::build(Vec::new()));
        assert!(matches!(serving_index(&empty), Err(AppError::NotReady(m)) if m == NO_LIST));
        let listed = Engine::with_index(Index::build(vec![Entity::new(
            ListKind::OfacSdn,
            "1",
            EntityType::Person,
            "Jorge Cifuentes",
        )]));
        assert!(serving_index(&listed).is_ok());
    }
}
