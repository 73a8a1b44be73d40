//! Senzing JSON lines as OpenSanctions publishes them (here: PEPs). One JSON object a line with
//! `NAMES` (`NAME_FULL`, or `NAME_FIRST`/`NAME_MIDDLE`/`NAME_LAST`, or `NAME_ORG`; `NAME_TYPE`
//! `PRIMARY` or an alias type), `DATES` (`DATE_OF_BIRTH`), `COUNTRIES`, `RISKS` (`TOPIC`),
//! `GENDER` and `IDENTIFIERS`.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::super::model::{Document, Entity, EntityType, Gender, ListKind, PartialDate};
use super::{LoadError, LoadReport, file_label, open};

/// Loads a Senzing JSON lines file.
pub fn load(path: &Path) -> Result<LoadReport, LoadError> {
    parse(open(path)?, &file_label(path)).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

type Attrs = BTreeMap<String, Value>;

#[derive(Debug, Deserialize)]
struct Record {
    #[serde(rename = "RECORD_ID", default)]
    record_id: Option<Value>,
    #[serde(rename = "RECORD_TYPE", default)]
    record_type: Option<String>,
    #[serde(rename = "NAMES", default)]
    names: Vec<Attrs>,
    #[serde(rename = "DATES", default)]
    dates: Vec<Attrs>,
    #[serde(rename = "COUNTRIES", default)]
    countries: Vec<Attrs>,
    #[serde(rename = "RISKS", default)]
    risks: Vec<Attrs>,
    #[serde(rename = "GENDER", default)]
    gender: Option<String>,
    #[serde(rename = "IDENTIFIERS", default)]
    identifiers: Vec<Attrs>,
}

fn text<'a>(attrs: &'a Attrs, key: &str) -> Option<&'a str> {
    attrs
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn full_name(n: &Attrs) -> Option<String> {
    if let Some(full) = text(n, "NAME_FULL").or_else(|| text(n, "NAME_ORG")) {
        return Some(full.to_string());
    }
    let parts: Vec<&str> = ["NAME_FIRST", "NAME_MIDDLE", "NAME_LAST"]
        .iter()
        .filter_map(|k| text(n, k))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Identifier types that are record ids, not documents.
const NOT_DOCUMENTS: &[&str] = &["OPEN_SANCTIONS", "WIKIDATA"];

/// Parses JSON lines from a reader; `label` names the source in `skipped`. Only an I/O error
/// fails; a bad line is reported.
pub fn parse(input: impl BufRead, label: &str) -> Result<LoadReport, std::io::Error> {
    let mut report = LoadReport::default();
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        let at = format!("{label} line {}", n + 1);
        if line.trim().is_empty() {
            continue;
        }
        let rec: Record = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => {
                report.skip(at, format!("invalid JSON: {e}"));
                continue;
            }
        };
        let entity_type = match rec
            .record_type
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("PERSON") => EntityType::Person,
            Some("ORGANIZATION") => EntityType::Organization,
            Some("VESSEL") => EntityType::Vessel,
            Some("AIRCRAFT") => EntityType::Aircraft,
            Some(other) => {
                report.skip(at, format!("RECORD_TYPE {other} is not screened"));
                continue;
            }
            None => {
                report.skip(at, "no RECORD_TYPE (a position or other non-entity record)");
                continue;
            }
        };
        let id = match &rec.record_id {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                report.skip(at, "no RECORD_ID");
                continue;
            }
        };
        let mut primary = None;
        let mut aliases = Vec::new();
        for n in &rec.names {
            let Some(name) = full_name(n) else { continue };
            let is_primary = text(n, "NAME_TYPE").is_none_or(|t| t.eq_ignore_ascii_case("PRIMARY"));
            if is_primary && primary.is_none() {
                primary = Some(name);
            } else {
                aliases.push(name);
            }
        }
        let primary = match primary {
            Some(p) => p,
            None if !aliases.is_empty() => aliases.remove(0),
            None => {
                report.skip(at, "no name");
                continue;
            }
        };
        let mut e = Entity::new(ListKind::OpenSanctionsPep, id, entity_type, primary);
        for a in &aliases {
            e.add_alias(a);
        }
        for d in &rec.dates {
            if let Some(dob) = text(d, "DATE_OF_BIRTH").and_then(PartialDate::parse) {
                e.add_birth_date(dob);
            }
        }
        for c in &rec.countries {
            for v in c.values().filter_map(Value::as_str) {
                e.add_country(v);
            }
        }
        for r in &rec.risks {
            if let Some(topic) = text(r, "TOPIC") {
                e.add_program(topic);
            }
        }
        e.gender = rec.gender.as_deref().and_then(Gender::parse);
        for ident in &rec.identifiers {
            for (k, v) in ident {
                let Some(number) = v.as_str() else { continue };
                let Some(base) = k.strip_suffix("_NUMBER") else {
                    continue;
                };
                let type_key = format!("{base}_TYPE");
                let kind = text(ident, &type_key).unwrap_or(base);
                if NOT_DOCUMENTS.contains(&kind) {
                    continue;
                }
                e.add_document(Document::new(kind, number));
            }
        }
        report.entities.push(e);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::super::super::data_dir::sanctions_dir;
    use super::super::SENZING_FILE;
    use super::*;

    #[test]
    fn parses_names_dates_countries_risks_and_documents() {
        let input = r#"{"RECORD_ID":"A1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_TYPE":"PRIMARY","NAME_FULL":"Jennifer L. McClellan"},{"NAME_TYPE":"ALIAS","NAME_FIRST":"Jen","NAME_LAST":"McClellan"}],"RISKS":[{"TOPIC":"role.pep"}],"DATES":[{"DATE_OF_BIRTH":"1972"},{"DATE_OF_DEATH":"2020"}],"COUNTRIES":[{"NATIONALITY":"us"}],"GENDER":"F","IDENTIFIERS":[{"OTHER_ID_TYPE":"OPEN_SANCTIONS","OTHER_ID_NUMBER":"A1"},{"PASSPORT_NUMBER":"X123","PASSPORT_COUNTRY":"US"}]}

{"RECORD_ID":"Q1","RECORD_TYPE":null,"NAMES":[{"NAME_TYPE":"PRIMARY","NAME_FULL":"United States senator"}]}
not json
{"RECORD_ID":"O1","RECORD_TYPE":"ORGANIZATION","NAMES":[{"NAME_TYPE":"PRIMARY","NAME_ORG":"Acme Corp"}]}"#;
        let r = parse(input.as_bytes(), "s.json").unwrap();
        assert_eq!(r.entities.len(), 2);
        let j = &r.entities[0];
        assert_eq!(j.primary_name, "Jennifer L. McClellan");
        assert_eq!(j.aliases, ["Jen McClellan"]);
        assert_eq!(j.birth_dates, [PartialDate::year(1972)]);
        assert_eq!(j.countries, ["US"]);
        assert_eq!(j.programs, ["role.pep"]);
        assert_eq!(j.gender, Some(Gender::Female));
        assert_eq!(j.documents, [Document::new("PASSPORT", "X123")]);
        assert_eq!(r.entities[1].entity_type, EntityType::Organization);
        let at: Vec<&str> = r.skipped.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(at, ["s.json line 3", "s.json line 4"]);
    }

    #[test]
    fn loads_the_real_senzing_file() {
        let dir = sanctions_dir().expect("shared lists");
        let r = load(&dir.join(SENZING_FILE)).unwrap();
        assert_eq!(r.entities.len(), 1317);
        assert_eq!(r.alias_count(), 33);
        assert_eq!(r.skipped.len(), 2, "{:?}", r.skipped);
        assert!(
            r.skipped
                .iter()
                .all(|(_, why)| why.starts_with("no RECORD_TYPE"))
        );
        assert!(
            r.entities
                .iter()
                .all(|e| e.entity_type == EntityType::Person)
        );
        assert!(
            r.entities
                .iter()
                .all(|e| e.programs == ["role.pep"] && e.countries == ["US"])
        );
        assert_eq!(
            r.entities
                .iter()
                .filter(|e| !e.birth_dates.is_empty())
                .count(),
            1316
        );
        let by_id = |id: &str| r.entities.iter().find(|e| e.source_id == id).unwrap();
        let m = by_id("NK-AQ4HymsADSK2D63MkyTqfC");
        assert_eq!(m.primary_name, "Jennifer L. McClellan");
        assert_eq!(m.birth_dates, [PartialDate::year(1972)]);
        let britt = by_id("Q111285444");
        assert_eq!(britt.primary_name, "Katie Boyd Britt");
        assert_eq!(britt.aliases, ["Katie Britt"]);
        assert!(m.documents.is_empty());
    }
}
