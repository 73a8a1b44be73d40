//! The screening engine as a check source: `aml_check` (and any check type whose
//! `CheckKind::source` is `SourceKind::Screening`) is answered by searching the process's
//! current index. Each hit becomes one item of the record's `records`: the matched name, the
//! date of birth that decides it, the list, the score and the programs.
//!
//! Sandbox rule (`docs/sandbox.md`): a candidate submitted with a `sandbox_outcome` for the
//! check gets the sandbox record, as before; so does a sandbox organisation's candidate while no
//! list has been imported. A live organisation's check is never answered without a list: it
//! waits (retried, then `unable_to_verify`).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Datelike;
use serde_json::json;

use super::ProviderError;
use super::check::{CheckInput, CheckProvider, SourceRecord};
use super::kyc::{Answered, ScreeningRun, StageInput};
use crate::domain::kyc::{PepMatch, StageAnswer};
use crate::screening::engine::Engine;
use crate::screening::index::{Index, Match, Query};
use crate::screening::model::{DateRelation, Entity, EntityType, PartialDate};

/// What screening records name as their source.
pub const SOURCE: &str = "SATYAPAN-SCREENING";

/// At most this many hits are reported per check.
pub const MAX_HITS: usize = 10;

/// The line a PEP stage reports matches from (the engine's 0–1 score).
pub const PEP_THRESHOLD: f64 = 0.80;

pub struct ScreeningProvider {
    engine: Arc<Engine>,
    sandbox: Arc<dyn CheckProvider>,
}

impl ScreeningProvider {
    pub fn new(engine: Arc<Engine>, sandbox: Arc<dyn CheckProvider>) -> Self {
        ScreeningProvider { engine, sandbox }
    }
}

/// The candidate's date of birth as a partial date.
pub fn partial_dob(dob: Option<chrono::NaiveDate>) -> Option<PartialDate> {
    dob.map(|d| {
        PartialDate::new(
            d.year(),
            u8::try_from(d.month()).ok(),
            u8::try_from(d.day()).ok(),
        )
    })
}

/// The listed birth date that decides a hit, as the `dob` of the record item: the date itself
/// when it confirms the candidate's (same full date); empty when a listed date is compatible but
/// not precise enough to confirm (a year only) or the entity has none; otherwise the first listed
/// date (which contradicts the candidate's).
fn deciding_dob(entity: &Entity, dob: Option<PartialDate>) -> String {
    let Some(dob) = dob else {
        return String::new();
    };
    if let Some(d) = entity
        .birth_dates
        .iter()
        .find(|d| d.day.is_some() && dob.relation(d) == DateRelation::Compatible)
    {
        return d.to_string();
    }
    if entity.birth_dates.is_empty()
        || entity
            .birth_dates
            .iter()
            .any(|d| dob.relation(d) == DateRelation::Compatible)
    {
        return String::new();
    }
    entity
        .birth_dates
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// One hit as a record item (also what a watched subject keeps as its matches).
pub fn hit_json(index: &Index, m: &Match, dob: Option<PartialDate>) -> serde_json::Value {
    let entity = index.entity(m.entity_idx);
    let list = index
        .source_of(m.entity_idx)
        .map_or_else(|| m.list.as_str().to_string(), |s| s.name.clone());
    json!({
        "name": m.matched_name,
        "primary_name": m.primary_name,
        "dob": entity.map(|e| deciding_dob(e, dob)).unwrap_or_default(),
        "birth_dates": entity.map(|e| e.birth_dates.iter().map(ToString::to_string).collect::<Vec<_>>()),
        "list": list,
        "list_kind": m.list.as_str(),
        "entity_id": m.source_id,
        "entity_type": entity.map(|e| e.entity_type.as_str()),
        "score": (m.score * 1000.0).round() / 1000.0,
        "programs": m.programs,
        "explanation": m.explanation,
    })
}

/// `ofac v3, un v1`: the list versions an index holds.
pub fn lists_searched(index: &Index) -> String {
    index
        .sources()
        .iter()
        .map(|s| format!("{} v{}", s.name, s.version))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl CheckProvider for ScreeningProvider {
    async fn fetch(&self, input: &CheckInput) -> Result<SourceRecord, ProviderError> {
        if input.sandbox_outcome.is_some() {
            return self.sandbox.fetch(input).await;
        }
        let Some(index) = self.engine.current() else {
            self.engine.refresh_soon();
            return Err(ProviderError::Unavailable(
                "the screening index is still being built".into(),
            ));
        };
        if index.sources().is_empty() {
            if input.sandbox_org {
                return self.sandbox.fetch(input).await;
            }
            return Err(ProviderError::Unavailable(
                "no screening list has been imported".into(),
            ));
        }
        let dob = partial_dob(input.dob);
        // A candidate is a person: organisations, vessels and aircraft score lower.
        let mut query = Query::new(input.name.clone())
            .with_limit(MAX_HITS)
            .with_entity_type(EntityType::Person);
        if let Some(d) = dob {
            query = query.with_dob(d);
        }
        let matches = index.search(&query);
        let mut record = SourceRecord {
            source: SOURCE.into(),
            ..SourceRecord::default()
        };
        record.push_field("lists_searched", lists_searched(&index));
        record.records = matches.iter().map(|m| hit_json(&index, m, dob)).collect();
        Ok(record)
    }
}

/// The PEP stage of AnyCheck verifications (`KTP_PEP`, `KTP_VERIFICATION`, `PEP_SCREENING`)
/// over the screening engine: the configuration's name (or the one the OCR read) and the birth
/// date as a qualifier, at the engine's 0.80 line; scores are reported 0–100, so a hit of 90 or
/// more is a PEP and 80–90 a possible match to review (`domain::kyc::decide`).
///
/// Sandbox rule (`docs/sandbox.md`), as for `aml_check`: a sandbox organisation's input steered
/// to the sandbox (`StageInput::sandbox_steered`) gets the sandbox's answer, and so does a sandbox
/// organisation's input while no list has been imported. A live organisation's screening is
/// never answered without a list: it is retried, then the stage fails.
pub struct PepStage {
    engine: Arc<Engine>,
    sandbox: crate::providers::kyc::SandboxStage,
}

impl PepStage {
    pub fn new(engine: Arc<Engine>) -> Self {
        PepStage {
            engine,
            sandbox: crate::providers::kyc::SandboxStage(
                crate::domain::verifications::StageKind::PepScreening,
            ),
        }
    }

    async fn sandbox_answer(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        use crate::providers::kyc::Stage as _;
        self.sandbox.answer(input).await
    }
}

/// One engine hit as a PEP match of the verification's output.
fn pep_match(index: &Index, m: &Match, dob: Option<PartialDate>) -> PepMatch {
    let hit = hit_json(index, m, dob);
    let entity = index.entity(m.entity_idx);
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut names = vec![m.primary_name.clone()];
    if let Some(e) = entity {
        names.extend(e.aliases.iter().cloned());
    }
    names.dedup();
    PepMatch {
        name: m.matched_name.clone(),
        score: (m.score * 1000.0).round() / 10.0,
        position: m.programs.join(", "),
        country: entity
            .and_then(|e| e.countries.first().cloned())
            .unwrap_or_default(),
        birth_date: entity
            .and_then(|e| e.birth_dates.first())
            .map(ToString::to_string),
        source: text(&hit["list"]),
        list: Some(text(&hit["list"])),
        entity_id: Some(m.source_id.clone()),
        names,
        programs: m.programs.clone(),
        explanation: Some(hit["explanation"].clone()),
    }
}

#[async_trait]
impl crate::providers::kyc::Stage for PepStage {
    fn source(&self) -> &str {
        SOURCE
    }

    fn is_sandbox(&self) -> bool {
        false
    }

    async fn run(&self, input: &StageInput) -> Result<StageAnswer, ProviderError> {
        Ok(self.answer(input).await?.answer)
    }

    async fn answer(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        if input.sandbox_steered() {
            return self.sandbox_answer(input).await;
        }
        let Some(index) = self.engine.current() else {
            self.engine.refresh_soon();
            return Err(ProviderError::Unavailable(
                "the screening index is still being built".into(),
            ));
        };
        if index.sources().is_empty() {
            if input.sandbox_org {
                return self.sandbox_answer(input).await;
            }
            return Err(ProviderError::Unavailable(
                "no screening list has been imported".into(),
            ));
        }
        let (name, birth_date) = input
            .screened()
            .ok_or_else(|| ProviderError::Unavailable("the name is missing".into()))?;
        let dob = partial_dob(birth_date);
        let mut query = Query::new(name.clone())
            .with_limit(MAX_HITS)
            .with_threshold(PEP_THRESHOLD)
            .with_entity_type(EntityType::Person);
        if let Some(d) = dob {
            query = query.with_dob(d);
        }
        let found = index.search(&query);
        let matches = found.iter().map(|m| pep_match(&index, m, dob)).collect();
        let hits = found.iter().map(|m| hit_json(&index, m, dob)).collect();
        Ok(Answered {
            answer: StageAnswer::Pep {
                screened_name: name.clone(),
                matches,
            },
            source: SOURCE.to_string(),
            sandbox: false,
            screening: Some(ScreeningRun {
                name,
                birth_date,
                hits,
                list_versions: index
                    .sources()
                    .iter()
                    .map(|s| s.version_id.clone())
                    .collect(),
                lists_searched: lists_searched(&index),
            }),
            fingerprint: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checks;
    use crate::domain::checks::CheckType;
    use crate::screening::index::ListSource;
    use crate::screening::model::ListKind;

    fn input(name: &str, dob: Option<chrono::NaiveDate>, sandbox_org: bool) -> CheckInput {
        CheckInput {
            kind: CheckType::parse("aml_check").unwrap(),
            reference: "chk".into(),
            name: name.into(),
            dob,
            father_name: None,
            address: None,
            pincode: None,
            phone: None,
            pan: None,
            aadhaar: None,
            uan: None,
            employers: Vec::new(),
            attempt: 1,
            sandbox_outcome: None,
            sandbox_org,
        }
    }

    fn engine() -> Arc<Engine> {
        let mut jorge = Entity::new(
            ListKind::OfacSdn,
            "12300",
            EntityType::Person,
            "CIFUENTES VILLA, Jorge Milton",
        );
        jorge.add_birth_date(PartialDate::new(1965, Some(5), Some(13)));
        jorge.add_program("SDNTK");
        let mut year_only = Entity::new(
            ListKind::UnConsolidated,
            "QDi.1",
            EntityType::Person,
            "Rahim Bakhsh Qureshi",
        );
        year_only.add_birth_date(PartialDate::year(1970));
        let source = |name: &str, kind| ListSource {
            version_id: format!("{name}-1"),
            kind,
            name: name.into(),
            version: 1,
            first_entity: 0,
            entity_count: 0,
        };
        Arc::new(Engine::with_index(Index::build_from_lists(vec![
            (source("ofac", ListKind::OfacSdn), vec![jorge]),
            (source("un", ListKind::UnConsolidated), vec![year_only]),
        ])))
    }

    fn sandbox() -> Arc<dyn CheckProvider> {
        Arc::new(crate::providers::sandbox::Sandbox::default())
    }

    #[tokio::test]
    async fn hits_carry_list_score_programs_and_the_deciding_dob() {
        let provider = ScreeningProvider::new(engine(), sandbox());
        let dob = chrono::NaiveDate::from_ymd_opt(1965, 5, 13);
        let record = provider
            .fetch(&input("Jorge Milton Cifuentes Villa", dob, false))
            .await
            .unwrap();
        assert_eq!(record.source, SOURCE);
        assert_eq!(record.field("lists_searched"), Some("ofac v1, un v1"));
        let hit = &record.records[0];
        assert_eq!(hit["list"], "ofac");
        assert_eq!(hit["entity_id"], "12300");
        assert_eq!(hit["dob"], "1965-05-13");
        assert_eq!(hit["programs"][0], "SDNTK");
        assert!(hit["score"].as_f64().unwrap() >= 0.99);
        let input = input("Jorge Milton Cifuentes Villa", dob, false);
        let decided = checks::decide(&input, &record);
        assert_eq!(decided.result.as_str(), "discrepancy", "{}", decided.remark);

        // A listed year only: a possible match for a reviewer.
        let dob = chrono::NaiveDate::from_ymd_opt(1970, 2, 1);
        let record = provider
            .fetch(&input_named("Rahim Bakhsh Qureshi", dob))
            .await
            .unwrap();
        assert_eq!(record.records[0]["dob"], "");
        let decided = checks::decide(&input_named("Rahim Bakhsh Qureshi", dob), &record);
        assert_eq!(decided.result.as_str(), "minor_discrepancy");

        // Nobody listed: clear.
        let record = provider.fetch(&input_named("Asha Rao", dob)).await.unwrap();
        assert!(record.records.is_empty());
        let decided = checks::decide(&input_named("Asha Rao", dob), &record);
        assert_eq!(decided.result.as_str(), "clear");
    }

    fn input_named(name: &str, dob: Option<chrono::NaiveDate>) -> CheckInput {
        input(name, dob, false)
    }

    #[tokio::test]
    async fn without_lists_sandbox_orgs_get_the_sandbox_and_live_orgs_wait() {
        let empty = Arc::new(Engine::with_index(Index::build(Vec::new())));
        let provider = ScreeningProvider::new(empty, sandbox());
        let record = provider
            .fetch(&input("Asha Rao", None, true))
            .await
            .unwrap();
        assert_eq!(record.source, "SANDBOX");
        assert!(matches!(
            provider.fetch(&input("Asha Rao", None, false)).await,
            Err(ProviderError::Unavailable(_))
        ));
        let building = ScreeningProvider::new(Arc::new(Engine::new()), sandbox());
        assert!(matches!(
            building.fetch(&input("Asha Rao", None, true)).await,
            Err(ProviderError::Unavailable(_))
        ));
    }

    #[tokio::test]
    async fn the_pep_stage_screens_with_the_engine_and_keeps_the_sandbox_rule() {
        use crate::providers::kyc::Stage as _;
        let stage = PepStage::new(engine());
        let input = |name: &str, sandbox_org| StageInput {
            name: Some(name.into()),
            birth_date: chrono::NaiveDate::from_ymd_opt(1965, 5, 13),
            sandbox_org,
            ..StageInput::default()
        };
        let answered = stage
            .answer(&input("Jorge Milton Cifuentes Villa", false))
            .await
            .unwrap();
        assert!(!answered.sandbox);
        let StageAnswer::Pep { matches, .. } = &answered.answer else {
            panic!("a PEP answer");
        };
        assert!(matches[0].score >= 99.0);
        assert_eq!(matches[0].list.as_deref(), Some("ofac"));
        assert_eq!(matches[0].entity_id.as_deref(), Some("12300"));
        assert_eq!(matches[0].programs, vec!["SDNTK".to_string()]);
        let run = answered.screening.unwrap();
        assert_eq!(run.lists_searched, "ofac v1, un v1");
        assert_eq!(run.hits.len(), matches.len());

        // A sandbox organisation's fictional PEP is steered to the sandbox; a live one's is not.
        let steered = stage
            .answer(&input("Hendra Wijaya Kusuma", true))
            .await
            .unwrap();
        assert!(steered.sandbox && steered.screening.is_none());
        let live = stage
            .answer(&input("Hendra Wijaya Kusuma", false))
            .await
            .unwrap();
        assert!(!live.sandbox);

        // No list: the sandbox for a sandbox organisation, never for a live one.
        let empty = PepStage::new(Arc::new(Engine::with_index(Index::build(Vec::new()))));
        assert!(
            empty
                .answer(&input("Asha Rao", true))
                .await
                .unwrap()
                .sandbox
        );
        assert!(matches!(
            empty.answer(&input("Asha Rao", false)).await,
            Err(ProviderError::Unavailable(_))
        ));
    }
}
