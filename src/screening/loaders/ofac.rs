//! OFAC SDN legacy CSV files: `sdn` (one row an entry), `alt` (aliases), `add` (addresses) and
//! `sdn_comments` (remarks overflow), joined by `ent_num`. No header; `-0-` means empty; each
//! file may end with a `^Z` (0x1A) line.
//!
//! The Remarks field carries most of the detail: `DOB 12 Mar 1960; alt. DOB 1961; POB …;
//! nationality Iran; citizen Iraq; Gender Male; Passport A1234 (Iran); National ID No. …;
//! a.k.a. 'X'; …`. [`parse_remarks`] pulls out birth dates, countries, gender, documents and
//! aliases.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::super::model::{Document, Entity, EntityType, Gender, ListKind, PartialDate};
use super::{
    LoadError, LoadReport, OFAC_ADD_FILE, OFAC_ALT_FILE, OFAC_COMMENTS_FILE, OFAC_SDN_FILE,
    file_label, open,
};

/// Loads the four OFAC files from a directory. `ofac_sdn_comments.csv` may be absent.
pub fn load(dir: &Path) -> Result<LoadReport, LoadError> {
    let sdn = dir.join(OFAC_SDN_FILE);
    let alt = dir.join(OFAC_ALT_FILE);
    let add = dir.join(OFAC_ADD_FILE);
    let comments = dir.join(OFAC_COMMENTS_FILE);
    let csv_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Csv { path, source }
    };
    let mut loader = Loader::default();
    loader
        .read_sdn(open(&sdn)?, &file_label(&sdn))
        .map_err(csv_err(&sdn))?;
    if comments.is_file() {
        loader
            .read_comments(open(&comments)?, &file_label(&comments))
            .map_err(csv_err(&comments))?;
    }
    loader
        .read_alt(open(&alt)?, &file_label(&alt))
        .map_err(csv_err(&alt))?;
    loader
        .read_add(open(&add)?, &file_label(&add))
        .map_err(csv_err(&add))?;
    Ok(loader.finish())
}

/// Parses the four files from readers (the comments reader may be empty).
pub fn parse(
    sdn: impl Read,
    alt: impl Read,
    add: impl Read,
    comments: impl Read,
) -> Result<LoadReport, csv::Error> {
    let mut loader = Loader::default();
    loader.read_sdn(sdn, OFAC_SDN_FILE)?;
    loader.read_comments(comments, OFAC_COMMENTS_FILE)?;
    loader.read_alt(alt, OFAC_ALT_FILE)?;
    loader.read_add(add, OFAC_ADD_FILE)?;
    Ok(loader.finish())
}

#[derive(Default)]
struct Loader {
    report: LoadReport,
    by_ent_num: HashMap<String, usize>,
    /// Remarks text per entity, completed with the comments file before it is parsed.
    remarks: Vec<String>,
}

fn reader(r: impl Read) -> csv::Reader<impl Read> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(r)
}

/// The fields of one row, trimmed, `-0-` as empty, invalid UTF-8 replaced.
fn fields(rec: &csv::ByteRecord) -> Vec<String> {
    rec.iter()
        .map(|f| {
            let s = String::from_utf8_lossy(f);
            let t = s.trim();
            if t == "-0-" {
                String::new()
            } else {
                t.to_string()
            }
        })
        .collect()
}

fn is_eof_marker(f: &[String]) -> bool {
    f.len() == 1 && f[0].trim_matches(['\u{1a}', ' ']).is_empty()
}

fn line_of(rec: &csv::ByteRecord) -> u64 {
    rec.position().map_or(0, |p| p.line())
}

impl Loader {
    fn read_sdn(&mut self, r: impl Read, label: &str) -> Result<(), csv::Error> {
        let mut rdr = reader(r);
        let mut rec = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut rec)? {
            let at = format!("{label} line {}", line_of(&rec));
            let f = fields(&rec);
            if is_eof_marker(&f) {
                self.report.skip(at, "end-of-file marker");
                continue;
            }
            if f.len() < 12 {
                self.report
                    .skip(at, format!("expected 12 fields, found {}", f.len()));
                continue;
            }
            let ent_num = f[0].clone();
            if ent_num.is_empty() || !ent_num.bytes().all(|b| b.is_ascii_digit()) {
                self.report.skip(at, format!("bad ent_num {ent_num:?}"));
                continue;
            }
            if f[1].is_empty() {
                self.report.skip(at, "empty SDN_Name");
                continue;
            }
            if self.by_ent_num.contains_key(&ent_num) {
                self.report.skip(at, format!("duplicate ent_num {ent_num}"));
                continue;
            }
            let entity_type = match f[2].to_ascii_lowercase().as_str() {
                "individual" => EntityType::Person,
                "vessel" => EntityType::Vessel,
                "aircraft" => EntityType::Aircraft,
                "" | "entity" => EntityType::Organization,
                _ => EntityType::Unknown,
            };
            let mut e = Entity::new(
                ListKind::OfacSdn,
                ent_num.clone(),
                entity_type,
                f[1].clone(),
            );
            for p in f[3].split("] [") {
                e.add_program(p.trim_matches(['[', ']', ' ']));
            }
            // Vess_flag (index 9) is a country.
            if !f[9].is_empty() {
                e.add_country(&f[9]);
            }
            if !f[5].is_empty() {
                e.add_document(Document::new("Call Sign", f[5].clone()));
            }
            self.by_ent_num.insert(ent_num, self.report.entities.len());
            self.report.entities.push(e);
            self.remarks.push(f[11].clone());
        }
        Ok(())
    }

    fn read_comments(&mut self, r: impl Read, label: &str) -> Result<(), csv::Error> {
        let mut rdr = reader(r);
        let mut rec = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut rec)? {
            let at = format!("{label} line {}", line_of(&rec));
            // Keep the continuation untrimmed at the front: it goes on mid-word.
            let raw: Vec<String> = rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            if raw.len() == 1 && raw[0].trim_matches(['\u{1a}', ' ']).is_empty() {
                self.report.skip(at, "end-of-file marker");
                continue;
            }
            if raw.len() < 2 {
                self.report.skip(at, "expected ent_num and remarks");
                continue;
            }
            let ent_num = raw[0].trim();
            match self.by_ent_num.get(ent_num) {
                Some(&i) => self.remarks[i].push_str(raw[1].trim_end()),
                None => self.report.skip(at, format!("unknown ent_num {ent_num}")),
            }
        }
        Ok(())
    }

    /// The fields of a row of a file keyed by `ent_num` (alt, add) and the index of its entity;
    /// `None` after reporting an end-of-file marker, a short row or an unknown `ent_num`.
    fn entity_row(
        &mut self,
        rec: &csv::ByteRecord,
        label: &str,
        min_fields: usize,
        expected: usize,
    ) -> Option<(String, Vec<String>, usize)> {
        let at = format!("{label} line {}", line_of(rec));
        let f = fields(rec);
        if is_eof_marker(&f) {
            self.report.skip(at, "end-of-file marker");
            return None;
        }
        if f.len() < min_fields {
            self.report
                .skip(at, format!("expected {expected} fields, found {}", f.len()));
            return None;
        }
        let Some(&i) = self.by_ent_num.get(&f[0]) else {
            self.report.skip(at, format!("unknown ent_num {}", f[0]));
            return None;
        };
        Some((at, f, i))
    }

    fn read_alt(&mut self, r: impl Read, label: &str) -> Result<(), csv::Error> {
        let mut rdr = reader(r);
        let mut rec = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut rec)? {
            let Some((at, f, i)) = self.entity_row(&rec, label, 4, 5) else {
                continue;
            };
            if f[3].is_empty() {
                self.report.skip(at, "empty alt_name");
                continue;
            }
            self.report.entities[i].add_alias(&f[3]);
        }
        Ok(())
    }

    fn read_add(&mut self, r: impl Read, label: &str) -> Result<(), csv::Error> {
        let mut rdr = reader(r);
        let mut rec = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut rec)? {
            let Some((_, f, i)) = self.entity_row(&rec, label, 5, 6) else {
                continue;
            };
            if !f[4].is_empty() {
                self.report.entities[i].add_country(&f[4]);
            }
        }
        Ok(())
    }

    fn finish(mut self) -> LoadReport {
        for (e, remarks) in self.report.entities.iter_mut().zip(&self.remarks) {
            if !remarks.trim().is_empty() {
                parse_remarks(remarks, e);
                e.remarks = Some(remarks.trim().to_string());
            }
        }
        self.report
    }
}

/// Remark prefixes that introduce a document number, with the kind recorded for it.
const DOCUMENT_PREFIXES: &[(&str, &str)] = &[
    ("Diplomatic Passport", "Diplomatic Passport"),
    ("Passport No.", "Passport"),
    ("Passport", "Passport"),
    ("National ID No.", "National ID"),
    ("National ID", "National ID"),
    ("Personal ID Card", "Personal ID Card"),
    ("Identification Number", "Identification Number"),
    ("Cedula No.", "Cedula"),
    ("C.U.R.P. #", "CURP"),
    ("C.U.R.P.", "CURP"),
    ("CURP #", "CURP"),
    ("R.F.C. #", "RFC"),
    ("R.F.C.", "RFC"),
    ("RFC #", "RFC"),
    ("RFC", "RFC"),
    ("D.N.I.", "DNI"),
    ("NIT #", "NIT"),
    ("SSN", "SSN"),
    ("Tax ID No.", "Tax ID"),
    ("Registration ID", "Registration ID"),
    ("Registration Number", "Registration Number"),
    ("Company Number", "Company Number"),
    ("UK Company Number", "Company Number"),
    ("Commercial Registry Number", "Commercial Registry Number"),
    ("Business Registration Document #", "Business Registration"),
    ("Business Registration Number", "Business Registration"),
    ("Trade License No.", "Trade License"),
    ("Chamber of Commerce Number", "Chamber of Commerce Number"),
    ("Government Gazette Number", "Government Gazette Number"),
    ("Folio Mercantil No.", "Folio Mercantil"),
    ("Matricula Mercantil No", "Matricula Mercantil"),
    ("Electoral Registry No.", "Electoral Registry"),
    ("Credencial electoral", "Credencial electoral"),
    ("Driver's License No.", "Driver's License"),
    ("Italian Fiscal Code", "Italian Fiscal Code"),
    ("US FEIN", "US FEIN"),
    ("D-U-N-S Number", "D-U-N-S"),
    ("SWIFT/BIC", "SWIFT/BIC"),
    ("C.R. No.", "C.R. No."),
    ("V.A.T. Number", "VAT"),
    (
        "Public Security and Immigration No.",
        "Public Security and Immigration No.",
    ),
    ("Birth Certificate Number", "Birth Certificate"),
    ("Residency Number", "Residency Number"),
    ("Legal Entity Number", "Legal Entity Number"),
    ("Vessel Registration Identification IMO", "IMO"),
    ("MMSI", "MMSI"),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        "Aircraft Manufacturer's Serial Number",
    ),
];

/// Pulls birth dates, countries, gender, documents and aliases out of an OFAC Remarks field.
pub fn parse_remarks(remarks: &str, e: &mut Entity) {
    for seg in remarks.split(';') {
        let seg = seg.trim().trim_end_matches('.').trim();
        let seg = seg.strip_prefix("alt. ").unwrap_or(seg);
        if let Some(rest) = seg.strip_prefix("DOB ") {
            for d in parse_ofac_dob(rest) {
                e.add_birth_date(d);
            }
        } else if let Some(rest) = seg
            .strip_prefix("nationality ")
            .or_else(|| seg.strip_prefix("citizen "))
        {
            e.add_country(rest);
        } else if let Some(rest) = seg.strip_prefix("Gender ") {
            if e.gender.is_none() {
                e.gender = Gender::parse(rest);
            }
        } else if let Some(rest) = seg
            .strip_prefix("a.k.a. ")
            .or_else(|| seg.strip_prefix("f.k.a. "))
            .or_else(|| seg.strip_prefix("n.k.a. "))
        {
            let alias = rest.trim().trim_matches(['\'', '"']).trim();
            if !alias.is_empty() {
                e.add_alias(alias);
            }
        } else if let Some(doc) = parse_document(seg) {
            e.add_document(doc);
        }
    }
}

fn parse_document(seg: &str) -> Option<Document> {
    let (prefix, kind) = DOCUMENT_PREFIXES
        .iter()
        .find(|(p, _)| seg.starts_with(p) && seg[p.len()..].starts_with([' ', '#']))?;
    let rest = seg[prefix.len()..].trim_start_matches([' ', '#', ':']);
    let end = [" (", " issued", " expires", " Expires", " Issued"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    let number = rest[..end].trim().trim_end_matches(',');
    (number.bytes().any(|b| b.is_ascii_digit()) && number.len() <= 40)
        .then(|| Document::new(*kind, number))
}

/// Parses what follows `DOB `: `12 Mar 1960`, `1960`, `Mar 1960`, `circa 1960`,
/// `1960 to 1962`, `01 Jan 1961 to 31 Dec 1962`, `circa 1979-1982`. Ranges and `circa` give
/// each year (at most 11).
pub fn parse_ofac_dob(s: &str) -> Vec<PartialDate> {
    let s = s.trim();
    let (circa, s) = match s.strip_prefix("circa ") {
        Some(rest) => (true, rest.trim()),
        None => (false, s),
    };
    let range = s.split_once(" to ").or_else(|| {
        let (a, b) = s.split_once('-')?;
        (a.len() == 4 && b.len() == 4).then_some((a, b))
    });
    if let Some((from, to)) = range {
        let (Some(a), Some(b)) = (PartialDate::parse(from), PartialDate::parse(to)) else {
            return Vec::new();
        };
        if a.year > b.year || b.year - a.year > 10 {
            return vec![PartialDate::year(a.year), PartialDate::year(b.year)];
        }
        return (a.year..=b.year).map(PartialDate::year).collect();
    }
    let Some(d) = PartialDate::parse(s) else {
        return Vec::new();
    };
    if circa {
        return (d.year - 1..=d.year + 1).map(PartialDate::year).collect();
    }
    vec![d]
}

#[cfg(test)]
mod tests {
    use super::super::super::data_dir::sanctions_dir;
    use super::*;

    #[test]
    fn remarks_yield_dates_countries_gender_documents_and_aliases() {
        let mut e = Entity::new(ListKind::OfacSdn, "1", EntityType::Person, "X, Y");
        parse_remarks(
            "DOB 12 Mar 1960; alt. DOB 1961; DOB circa 1950; POB Cairo, Egypt; nationality Egypt; \
             alt. nationality Korea, North; citizen Iraq; Gender Male; Passport A1234 (Egypt) issued 2001; \
             National ID No. 660000 73767 (Belgium); Vessel Registration Identification IMO 9187629; \
             a.k.a. 'ABU HAFS'; Linked To: SOMETHING.",
            &mut e,
        );
        assert_eq!(
            e.birth_dates,
            [
                PartialDate::new(1960, Some(3), Some(12)),
                PartialDate::year(1961),
                PartialDate::year(1949),
                PartialDate::year(1950),
                PartialDate::year(1951),
            ]
        );
        assert_eq!(e.countries, ["EG", "KP", "IQ"]);
        assert_eq!(e.gender, Some(Gender::Male));
        assert_eq!(
            e.documents,
            [
                Document::new("Passport", "A1234"),
                Document::new("National ID", "660000 73767"),
                Document::new("IMO", "9187629"),
            ]
        );
        assert_eq!(e.aliases, ["ABU HAFS"]);
    }

    #[test]
    fn dob_ranges() {
        assert_eq!(parse_ofac_dob("1951 to 1953").len(), 3);
        assert_eq!(parse_ofac_dob("01 Jan 1961 to 31 Dec 1962").len(), 2);
        assert_eq!(parse_ofac_dob("circa 1979-1982").len(), 4);
        assert_eq!(parse_ofac_dob("Mar 1962 to Feb 1963").len(), 2);
        assert!(parse_ofac_dob("unknown").is_empty());
    }

    #[test]
    fn parses_small_files_with_eof_markers_and_orphans() {
        let sdn = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                   12300,\"CIFUENTES VILLA, Jorge Milton\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 13 May 1965; Passport AB12\"\r\n\
                   bad,\"X\"\r\n\u{1a}";
        let alt =
            "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n999,1,\"aka\",\"NOBODY\",-0- \r\n\u{1a}";
        let add = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n\u{1a}";
        let comments = "12300,\"3456 (Colombia); Gender Male.\"\r\n";
        let r = parse(
            sdn.as_bytes(),
            alt.as_bytes(),
            add.as_bytes(),
            comments.as_bytes(),
        )
        .unwrap();
        assert_eq!(r.entities.len(), 2);
        let air = &r.entities[0];
        assert_eq!(air.entity_type, EntityType::Organization);
        assert_eq!(air.aliases, ["AERO-CARIBBEAN"]);
        assert_eq!(air.countries, ["CU"]);
        assert_eq!(air.programs, ["CUBA"]);
        let jorge = &r.entities[1];
        assert_eq!(jorge.documents, [Document::new("Passport", "AB123456")]);
        assert_eq!(jorge.gender, Some(Gender::Male));
        let reasons: Vec<&str> = r.skipped.iter().map(|(_, why)| why.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "expected 12 fields, found 2",
                "end-of-file marker",
                "unknown ent_num 999",
                "end-of-file marker",
                "end-of-file marker"
            ]
        );
    }

    #[test]
    fn loads_the_real_ofac_files() {
        let dir = sanctions_dir().expect("shared lists");
        let r = load(&dir).unwrap();
        assert_eq!(r.entities.len(), 8976);
        assert_eq!(r.alias_count(), OFAC_ALIASES);
        assert_eq!(r.skipped.len(), 3, "{:?}", r.skipped);
        assert!(r.skipped.iter().all(|(_, why)| why == "end-of-file marker"));
        let count = |t| r.entities.iter().filter(|e| e.entity_type == t).count();
        assert_eq!(count(EntityType::Person), 4620);
        assert_eq!(count(EntityType::Vessel), 406);
        assert_eq!(count(EntityType::Aircraft), 277);
        assert_eq!(count(EntityType::Organization), 3673);

        let by_id = |id: &str| r.entities.iter().find(|e| e.source_id == id).unwrap();
        let cuba = by_id("306");
        assert_eq!(cuba.primary_name, "BANCO NACIONAL DE CUBA");
        assert!(cuba.aliases.contains(&"NATIONAL BANK OF CUBA".to_string()));
        assert!(cuba.aliases.contains(&"BNC".to_string()));
        assert!(cuba.countries.contains(&"CH".to_string()));

        let jorge = by_id("12300");
        assert_eq!(jorge.primary_name, "CIFUENTES VILLA, Jorge Milton");
        assert_eq!(jorge.entity_type, EntityType::Person);
        assert!(
            jorge
                .birth_dates
                .contains(&PartialDate::new(1965, Some(5), Some(13)))
        );
        // The remark continues in ofac_sdn_comments.csv.
        assert!(jorge.remarks.as_deref().unwrap().ends_with("R D I S.A."));

        let tian = by_id("28263");
        assert_eq!(tian.programs, ["DPRK3", "CYBER2"]);
        assert_eq!(tian.gender, Some(Gender::Male));
        assert!(tian.countries.contains(&"CN".to_string()));
        // The alias that straddles the sdn/comments boundary is whole.
        assert!(
            tian.aliases.iter().any(|a| a == "snowsjohn"),
            "{:?}",
            tian.aliases
        );

        let andreyev = by_id("29703");
        assert!(
            andreyev
                .documents
                .contains(&Document::new("Passport", "4005504207"))
        );

        let djibo = by_id("32391");
        assert_eq!(djibo.birth_dates, [PartialDate::year(1984)]);
        assert!(djibo.aliases.contains(&"TCHAPORI, Petit".to_string()));
        // Address countries (Mali, Niger), then the nationality from the remarks (Niger).
        assert_eq!(djibo.countries, ["ML", "NE"]);
    }

    /// Aliases over all OFAC entities: 11,904 distinct alt.csv names (of 11,910 rows) plus 2,441
    /// `a.k.a.`/`f.k.a.`/`n.k.a.` names from the remarks that alt.csv does not have.
    const OFAC_ALIASES: usize = 14345;
}
