//! US Consolidated Screening List (CSV with header): `source, entity_number, type, programs,
//! name, …, alt_names, citizenships, dates_of_birth, nationalities, places_of_birth, …, ids`.
//! Multi-valued columns are `;`-separated; `ids` items are `country, number, kind` or
//! `number, kind`.

use std::io::Read;
use std::path::Path;

use super::super::model::{Document, Entity, EntityType, ListKind, PartialDate};
use super::{LoadError, LoadReport, file_label, open, split_list};

/// Loads a CSL CSV file.
pub fn load(path: &Path) -> Result<LoadReport, LoadError> {
    parse(open(path)?, &file_label(path)).map_err(|source| LoadError::Csv {
        path: path.to_path_buf(),
        source,
    })
}

/// The short name of a CSL source: `Denied Persons List (DPL) - Bureau …` → `DPL`.
pub fn source_abbreviation(source: &str) -> String {
    let head = source.split(" - ").next().unwrap_or(source);
    match (head.rfind('('), head.rfind(')')) {
        (Some(a), Some(b)) if a < b => head[a + 1..b].trim().to_string(),
        _ => head.trim().to_string(),
    }
}

/// Parses a CSL CSV from a reader; `label` names the source in `skipped`.
pub fn parse(input: impl Read, label: &str) -> Result<LoadReport, csv::Error> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers: Vec<String> = rdr
        .byte_headers()?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (c_source, c_number, c_type, c_programs, c_name) = (
        col("source"),
        col("entity_number"),
        col("type"),
        col("programs"),
        col("name"),
    );
    let (c_alt, c_cit, c_dob, c_nat, c_ids, c_remarks, c_flag) = (
        col("alt_names"),
        col("citizenships"),
        col("dates_of_birth"),
        col("nationalities"),
        col("ids"),
        col("remarks"),
        col("vessel_flag"),
    );
    let mut report = LoadReport::default();
    let Some(c_name) = c_name else {
        report.skip(format!("{label} header"), "no `name` column");
        return Ok(report);
    };
    let mut rec = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut rec)? {
        let line = rec.position().map_or(0, |p| p.line());
        let at = format!("{label} line {line}");
        let get = |c: Option<usize>| -> String {
            c.and_then(|i| rec.get(i))
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .unwrap_or_default()
        };
        let name = get(Some(c_name));
        if name.is_empty() {
            report.skip(at, "empty name");
            continue;
        }
        let source = source_abbreviation(&get(c_source));
        let number = get(c_number);
        let id = if number.is_empty() {
            format!("{}-{line}", if source.is_empty() { "CSL" } else { &source })
        } else {
            number
        };
        let entity_type = match get(c_type).to_ascii_lowercase().as_str() {
            "individual" => EntityType::Person,
            "entity" => EntityType::Organization,
            "vessel" => EntityType::Vessel,
            "aircraft" => EntityType::Aircraft,
            _ => EntityType::Unknown,
        };
        let mut e = Entity::new(ListKind::UsCsl, id, entity_type, name);
        for a in split_list(&get(c_alt), ';') {
            e.add_alias(a);
        }
        if !source.is_empty() {
            e.add_program(&source);
        }
        for p in split_list(&get(c_programs), ';') {
            e.add_program(p);
        }
        for d in split_list(&get(c_dob), ';') {
            if let Some(d) = PartialDate::parse(d) {
                e.add_birth_date(d);
            }
        }
        for c in split_list(&get(c_nat), ';').chain(split_list(&get(c_cit), ';')) {
            e.add_country(c);
        }
        let flag = get(c_flag);
        if !flag.is_empty() {
            e.add_country(&flag);
        }
        for item in split_list(&get(c_ids), ';') {
            if let Some(doc) = parse_id(item) {
                e.add_document(doc);
            }
        }
        let remarks = get(c_remarks);
        if !remarks.is_empty() {
            e.remarks = Some(remarks);
        }
        report.entities.push(e);
    }
    Ok(report)
}

/// `US, 80-0890696, Tax ID No.` / `21795618, Passport` / `IMO 8898831, Vessel Registration
/// Identification`. Items whose number has no digit are not documents.
fn parse_id(item: &str) -> Option<Document> {
    let parts: Vec<&str> = item.split(", ").map(str::trim).collect();
    let (number, kind) = match parts.as_slice() {
        [country, number, kind, ..] if country.len() == 2 => (*number, *kind),
        [number, kind, ..] => (*number, *kind),
        _ => return None,
    };
    let number = number.strip_prefix("IMO ").unwrap_or(number);
    let kind = if kind.starts_with("Vessel Registration") {
        "IMO"
    } else {
        kind
    };
    number
        .bytes()
        .any(|b| b.is_ascii_digit())
        .then(|| Document::new(kind, number))
}

#[cfg(test)]
mod tests {
    use super::super::super::data_dir::sanctions_dir;
    use super::super::CSL_FILE;
    use super::*;

    #[test]
    fn source_abbreviations() {
        assert_eq!(
            source_abbreviation("Denied Persons List (DPL) - Bureau of Industry and Security"),
            "DPL"
        );
        assert_eq!(source_abbreviation("Something"), "Something");
    }

    #[test]
    fn ids_parse() {
        assert_eq!(
            parse_id("US, 80-0890696, Tax ID No."),
            Some(Document::new("Tax ID No.", "80-0890696"))
        );
        assert_eq!(
            parse_id("21795618, Passport"),
            Some(Document::new("Passport", "21795618"))
        );
        assert_eq!(
            parse_id("IMO 8898831, Vessel Registration Identification"),
            Some(Document::new("IMO", "8898831"))
        );
        assert_eq!(
            parse_id("Subject to Secondary Sanctions, Additional Sanctions Information"),
            None
        );
    }

    #[test]
    fn loads_the_real_csl_sample() {
        let dir = sanctions_dir().expect("shared lists");
        let r = load(&dir.join(CSL_FILE)).unwrap();
        assert_eq!(r.entities.len(), 115);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        assert_eq!(r.alias_count(), 161);
        let count = |t| r.entities.iter().filter(|e| e.entity_type == t).count();
        assert_eq!(count(EntityType::Person), 20);
        assert_eq!(count(EntityType::Organization), 46);
        assert_eq!(count(EntityType::Vessel), 2);
        assert_eq!(count(EntityType::Unknown), 47);
        let by_name = |n: &str| r.entities.iter().find(|e| e.primary_name == n).unwrap();
        let akbari = by_name("AKBARI, Mohammadreza Ali");
        assert_eq!(
            akbari.birth_dates,
            [PartialDate::new(1967, Some(10), Some(31))]
        );
        assert_eq!(akbari.documents, [Document::new("Passport", "21795618")]);
        assert_eq!(akbari.aliases.len(), 3);
        let mazidih = by_name("AL MAZIDIH, Ghazy Fezza Hishan");
        assert_eq!(
            mazidih.birth_dates,
            [PartialDate::year(1974), PartialDate::year(1975)]
        );
        assert_eq!(mazidih.aliases.len(), 4);
        let sy = by_name("AL-AKHRAS, Safwan");
        assert_eq!(sy.countries, ["SY"]);
        let canada = by_name("2904977 CANADA, INC.");
        assert_eq!(canada.source_id, "8124");
        assert_eq!(canada.programs, ["SDN", "CUBA"]);
        assert_eq!(canada.aliases, ["CARIBE SOL", "HAVANTUR CANADA INC."]);
        let dpl = by_name("ADRIAN MANUEL HERNANDEZ");
        assert_eq!(dpl.source_id, "DPL-2");
        assert_eq!(dpl.entity_type, EntityType::Unknown);
    }
}
