//! UN Security Council Consolidated List (XML): `INDIVIDUALS/INDIVIDUAL` and
//! `ENTITIES/ENTITY`, read as a stream.

use std::io::BufRead;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::super::model::{Document, Entity, EntityType, Gender, ListKind, PartialDate};
use super::{LoadError, LoadReport, file_label, open};

/// Loads the UN list from a file.
pub fn load(path: &Path) -> Result<LoadReport, LoadError> {
    parse(open(path)?, &file_label(path)).map_err(|(position, message)| LoadError::Xml {
        path: path.to_path_buf(),
        position,
        message,
    })
}

#[derive(Default)]
struct Record {
    entity_type: Option<EntityType>,
    dataid: String,
    names: [String; 4],
    list_type: String,
    reference: String,
    gender: String,
    comments: String,
    nationalities: Vec<String>,
    countries: Vec<String>,
    aliases: Vec<String>,
    dates: Vec<PartialDate>,
    documents: Vec<Document>,
    // The element being read.
    dob: DobParts,
    doc_type: String,
    doc_number: String,
}

#[derive(Default)]
struct DobParts {
    date: String,
    year: String,
    from_year: String,
    to_year: String,
}

impl DobParts {
    fn dates(&self) -> Vec<PartialDate> {
        if let Some(d) = PartialDate::parse(&self.date) {
            return vec![d];
        }
        if let Some(d) = PartialDate::parse(&self.year) {
            return vec![d];
        }
        match (
            self.from_year.trim().parse::<i32>(),
            self.to_year.trim().parse::<i32>(),
        ) {
            (Ok(a), Ok(b)) if a <= b && b - a <= 10 => (a..=b).map(PartialDate::year).collect(),
            (Ok(a), Ok(b)) => vec![PartialDate::year(a), PartialDate::year(b)],
            (Ok(a), Err(_)) | (Err(_), Ok(a)) => vec![PartialDate::year(a)],
            _ => Vec::new(),
        }
    }
}

/// Parses the XML from a reader. `label` names the source in `skipped`. A malformed document is
/// an error `(byte position, message)`.
pub fn parse(input: impl BufRead, label: &str) -> Result<LoadReport, (u64, String)> {
    let mut reader = Reader::from_reader(input);
    // Not trimmed per event: `B &amp; Co` arrives as three events. Values are trimmed at their end tag.
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut rec: Option<Record> = None;
    let mut report = LoadReport::default();
    let mut ordinal = 0usize;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| (reader.buffer_position(), e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                text.clear();
                match name.as_str() {
                    "INDIVIDUAL" | "ENTITY" if path.len() == 2 => {
                        rec = Some(Record {
                            entity_type: Some(if name == "INDIVIDUAL" {
                                EntityType::Person
                            } else {
                                EntityType::Organization
                            }),
                            ..Record::default()
                        });
                    }
                    "INDIVIDUAL_DATE_OF_BIRTH" => {
                        if let Some(r) = rec.as_mut() {
                            r.dob = DobParts::default();
                        }
                    }
                    "INDIVIDUAL_DOCUMENT" => {
                        if let Some(r) = rec.as_mut() {
                            r.doc_type.clear();
                            r.doc_number.clear();
                        }
                    }
                    _ => {}
                }
                path.push(name);
            }
            Event::Text(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|e| (reader.buffer_position(), e.to_string()))?;
                text.push_str(&s);
            }
            Event::CData(t) => {
                let s = t
                    .decode()
                    .map_err(|e| (reader.buffer_position(), e.to_string()))?;
                text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = r
                        .decode()
                        .map_err(|e| (reader.buffer_position(), e.to_string()))?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(v) => text.push_str(v),
                        None => {
                            text.push('&');
                            text.push_str(&name);
                            text.push(';');
                        }
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let parent = path.last().map(String::as_str).unwrap_or("");
                let value = text.trim().to_string();
                text.clear();
                if let Some(r) = rec.as_mut() {
                    if matches!(name.as_str(), "INDIVIDUAL" | "ENTITY") && path.len() == 2 {
                        ordinal += 1;
                        if let Some(done) = rec.take() {
                            finish_record(done, ordinal, label, &mut report);
                        }
                        continue;
                    }
                    collect(r, parent, &name, value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(report)
}

fn collect(r: &mut Record, parent: &str, name: &str, value: String) {
    match (parent, name) {
        ("INDIVIDUAL" | "ENTITY", field) => match field {
            "DATAID" => r.dataid = value,
            "FIRST_NAME" => r.names[0] = value,
            "SECOND_NAME" => r.names[1] = value,
            "THIRD_NAME" => r.names[2] = value,
            "FOURTH_NAME" => r.names[3] = value,
            "UN_LIST_TYPE" => r.list_type = value,
            "REFERENCE_NUMBER" => r.reference = value,
            "GENDER" => r.gender = value,
            "COMMENTS1" => r.comments = value,
            "INDIVIDUAL_DATE_OF_BIRTH" => {
                let dates = r.dob.dates();
                r.dates.extend(dates);
            }
            "INDIVIDUAL_DOCUMENT" if !r.doc_number.is_empty() => {
                let kind = if r.doc_type.is_empty() {
                    "Document".to_string()
                } else {
                    r.doc_type.clone()
                };
                r.documents.push(Document::new(kind, r.doc_number.clone()));
            }
            _ => {}
        },
        ("NATIONALITY", "VALUE") if !value.is_empty() => r.nationalities.push(value),
        ("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS", "ALIAS_NAME") if !value.is_empty() => {
            r.aliases.push(value)
        }
        ("INDIVIDUAL_ALIAS", "DATE_OF_BIRTH") => {
            if let Some(d) = PartialDate::parse(&value) {
                r.dates.push(d);
            }
        }
        ("INDIVIDUAL_DATE_OF_BIRTH", "DATE") => r.dob.date = value,
        ("INDIVIDUAL_DATE_OF_BIRTH", "YEAR") => r.dob.year = value,
        ("INDIVIDUAL_DATE_OF_BIRTH", "FROM_YEAR") => r.dob.from_year = value,
        ("INDIVIDUAL_DATE_OF_BIRTH", "TO_YEAR") => r.dob.to_year = value,
        ("INDIVIDUAL_DOCUMENT", "TYPE_OF_DOCUMENT") => r.doc_type = value,
        ("INDIVIDUAL_DOCUMENT", "NUMBER") => r.doc_number = value,
        ("INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" | "INDIVIDUAL_PLACE_OF_BIRTH", "COUNTRY")
            if !value.is_empty() =>
        {
            r.countries.push(value)
        }
        _ => {}
    }
}

fn finish_record(r: Record, ordinal: usize, label: &str, report: &mut LoadReport) {
    let name = r
        .names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let id = if r.reference.is_empty() {
        r.dataid.clone()
    } else {
        r.reference.clone()
    };
    let at = format!(
        "{label} record {ordinal} ({})",
        if id.is_empty() { "no id" } else { &id }
    );
    if name.is_empty() {
        report.skip(at, "no name");
        return;
    }
    if id.is_empty() {
        report.skip(at, "no REFERENCE_NUMBER or DATAID");
        return;
    }
    let entity_type = r.entity_type.unwrap_or(EntityType::Unknown);
    let mut e = Entity::new(ListKind::UnConsolidated, id, entity_type, name);
    for a in &r.aliases {
        e.add_alias(a);
    }
    for d in r.dates {
        e.add_birth_date(d);
    }
    for c in r.nationalities.iter().chain(&r.countries) {
        e.add_country(c);
    }
    e.gender = Gender::parse(&r.gender);
    e.add_program(&r.list_type);
    for d in r.documents {
        e.add_document(d);
    }
    if !r.comments.is_empty() {
        e.remarks = Some(r.comments);
    }
    report.entities.push(e);
}

#[cfg(test)]
mod tests {
    use super::super::super::data_dir::sanctions_dir;
    use super::super::UN_FILE;
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST><INDIVIDUALS>
 <INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>ERIC</FIRST_NAME><SECOND_NAME>BADEGE</SECOND_NAME>
  <UN_LIST_TYPE>DRC</UN_LIST_TYPE><REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER><GENDER>Male</GENDER>
  <NATIONALITY><VALUE>Democratic Republic of the Congo</VALUE></NATIONALITY>
  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Eric B &amp; Co</ALIAS_NAME><DATE_OF_BIRTH>1970-02-03</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1971</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1973</FROM_YEAR><TO_YEAR>1974</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>OB 0243318</NUMBER></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_ADDRESS><COUNTRY>Rwanda</COUNTRY></INDIVIDUAL_ADDRESS>
 </INDIVIDUAL>
 <INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME/></INDIVIDUAL>
</INDIVIDUALS><ENTITIES>
 <ENTITY><DATAID>3</DATAID><FIRST_NAME>ADF</FIRST_NAME><REFERENCE_NUMBER>CDe.001</REFERENCE_NUMBER>
  <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Allied Democratic Forces</ALIAS_NAME></ENTITY_ALIAS>
  <ENTITY_ADDRESS><COUNTRY>Uganda</COUNTRY></ENTITY_ADDRESS></ENTITY>
</ENTITIES></CONSOLIDATED_LIST>"#;

    #[test]
    fn parses_individuals_entities_and_reports_nameless_ones() {
        let r = parse(SAMPLE.as_bytes(), "sample.xml").unwrap();
        assert_eq!(r.entities.len(), 2);
        assert_eq!(
            r.skipped,
            [("sample.xml record 2 (2)".to_string(), "no name".to_string())]
        );
        let eric = &r.entities[0];
        assert_eq!(eric.primary_name, "ERIC BADEGE");
        assert_eq!(eric.source_id, "CDi.001");
        assert_eq!(eric.aliases, ["Eric B & Co"]);
        assert_eq!(
            eric.birth_dates,
            [
                PartialDate::new(1970, Some(2), Some(3)),
                PartialDate::year(1971),
                PartialDate::year(1973),
                PartialDate::year(1974)
            ]
        );
        assert_eq!(eric.countries, ["CD", "RW"]);
        assert_eq!(eric.gender, Some(Gender::Male));
        assert_eq!(eric.programs, ["DRC"]);
        assert_eq!(eric.documents, [Document::new("Passport", "OB 0243318")]);
        let adf = &r.entities[1];
        assert_eq!(adf.entity_type, EntityType::Organization);
        assert_eq!(adf.aliases, ["Allied Democratic Forces"]);
        assert_eq!(adf.countries, ["UG"]);
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse("<A><B></A>".as_bytes(), "bad.xml").is_err());
    }

    #[test]
    fn loads_the_real_un_list() {
        let dir = sanctions_dir().expect("shared lists");
        let r = load(&dir.join(UN_FILE)).unwrap();
        assert_eq!(r.entities.len(), 1003);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        let count = |t| r.entities.iter().filter(|e| e.entity_type == t).count();
        assert_eq!(count(EntityType::Person), 730);
        assert_eq!(count(EntityType::Organization), 273);
        assert_eq!(r.alias_count(), UN_ALIASES);
        let by_id = |id: &str| r.entities.iter().find(|e| e.source_id == id).unwrap();
        let frank = by_id("CDi.002");
        assert_eq!(frank.primary_name, "FRANK KAKOLELE BWAMBALE");
        assert_eq!(
            frank.aliases,
            ["FRANK KAKORERE", "FRANK KAKORERE BWAMBALE", "AIGLE BLANC"]
        );
        assert_eq!(frank.countries, ["CD"]);
        let adf = by_id("CDe.001");
        assert_eq!(adf.entity_type, EntityType::Organization);
        assert!(
            adf.aliases
                .contains(&"Allied Democratic Forces".to_string())
        );
    }

    /// 2,752 non-empty ALIAS_NAME elements, 16 of them repeating a name of the same record.
    const UN_ALIASES: usize = 2736;
}
