//! The screening data model: one [`Entity`] per listed person, organisation, vessel or aircraft,
//! whichever list it came from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which list an entity was loaded from. The string names (`ofac`, `un`, `senzing`, `csl`) are
/// stable: they are stored with screening results and used in API parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// US Treasury OFAC Specially Designated Nationals (legacy CSV files).
    #[serde(rename = "ofac")]
    OfacSdn,
    /// UN Security Council Consolidated List (XML).
    #[serde(rename = "un")]
    UnConsolidated,
    /// A PEP list published by OpenSanctions in Senzing JSON lines.
    #[serde(rename = "senzing")]
    OpenSanctionsPep,
    /// US Consolidated Screening List (CSV with header).
    #[serde(rename = "csl")]
    UsCsl,
}

impl ListKind {
    pub const ALL: [ListKind; 4] = [
        ListKind::OfacSdn,
        ListKind::UnConsolidated,
        ListKind::OpenSanctionsPep,
        ListKind::UsCsl,
    ];

    /// The stable short name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::OfacSdn => "ofac",
            ListKind::UnConsolidated => "un",
            ListKind::OpenSanctionsPep => "senzing",
            ListKind::UsCsl => "csl",
        }
    }
}

/// Stored as its short name (the store's column codec reads it back through `parse`).
impl crate::domain::state::TextState for ListKind {
    const NAME: &'static str = "ListKind";
    const ALL: &'static [Self] = &ListKind::ALL;
    fn as_str(self) -> &'static str {
        ListKind::as_str(self)
    }
    fn parse(text: &str) -> Option<Self> {
        ListKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for ListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list name that is not one of the stable short names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown list kind {0:?} (expected ofac, un, senzing or csl)")]
pub struct UnknownListKind(pub String);

impl FromStr for ListKind {
    type Err = UnknownListKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ListKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownListKind(s.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Person,
    Organization,
    Vessel,
    Aircraft,
    Unknown,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Vessel => "vessel",
            EntityType::Aircraft => "aircraft",
            EntityType::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
    Other,
}

impl Gender {
    /// `Male`, `M`, `female`, `F`, … Anything else non-empty is `Other`; empty is `None`.
    pub fn parse(s: &str) -> Option<Gender> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        Some(match s.to_ascii_lowercase().as_str() {
            "male" | "m" => Gender::Male,
            "female" | "f" => Gender::Female,
            _ => Gender::Other,
        })
    }
}

/// A date of which only the year may be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// How two partial dates relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRelation {
    /// Equal as far as both are known (same year, and month/day where both have them).
    Compatible,
    /// Same year but a known month or day differs.
    SameYearOnly,
    /// Different years.
    Disjoint,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl PartialDate {
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// A date with the given parts; a month or day out of range is dropped.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> PartialDate {
        let month = month.filter(|m| (1..=12).contains(m));
        let day = if month.is_some() {
            day.filter(|d| (1..=31).contains(d))
        } else {
            None
        };
        PartialDate { year, month, day }
    }

    /// Parses `1960`, `1960-03`, `1960-03-12`, `12 Mar 1960`, `Mar 1960`, `12 March 1960`,
    /// `12/03/1960` (day first). Returns `None` for anything else. Lenient, for the lists' own
    /// dates: a month or day out of range is dropped (`1960-13` is `1960`).
    pub fn parse(s: &str) -> Option<PartialDate> {
        Self::parse_with(s, false)
    }

    /// [`PartialDate::parse`] for what a client sends: every part given must exist — a month
    /// 1–12, a day the month has (`1999-02-30`, `1999-13-40`, `1999-13` and `30 Feb 1999` are
    /// `None`, not shortened to what is left).
    pub fn parse_exact(s: &str) -> Option<PartialDate> {
        Self::parse_with(s, true)
    }

    fn parse_with(s: &str, exact: bool) -> Option<PartialDate> {
        let s = s.trim().trim_end_matches('.');
        if s.is_empty() {
            return None;
        }
        if let Some(d) = Self::parse_iso(s, exact) {
            return Some(d);
        }
        // A part that is not a number: dropped when lenient, a refusal when exact.
        let number = |p: &str| -> Option<Option<u8>> {
            match p.parse::<u8>() {
                Ok(n) => Some(Some(n)),
                Err(_) if exact => None,
                Err(_) => Some(None),
            }
        };
        if s.contains('/') {
            let parts: Vec<&str> = s.split('/').map(str::trim).collect();
            if let [d, m, y] = parts.as_slice() {
                let year = parse_year(y)?;
                return Self::assemble(year, number(m)?, number(d)?, exact);
            }
            return None;
        }
        let parts: Vec<&str> = s.split_whitespace().collect();
        match parts.as_slice() {
            [d, m, y] => {
                let year = parse_year(y)?;
                let month = parse_month(m)?;
                Self::assemble(year, Some(month), number(d)?, exact)
            }
            [m, y] => {
                let year = parse_year(y)?;
                Some(PartialDate::new(year, Some(parse_month(m)?), None))
            }
            _ => None,
        }
    }

    /// The date of these parts: out-of-range parts dropped ([`PartialDate::new`]), or, when
    /// `exact`, `None` unless the month is 1–12 and the day exists in that month of that year.
    fn assemble(year: i32, month: Option<u8>, day: Option<u8>, exact: bool) -> Option<PartialDate> {
        if exact {
            match (month, day) {
                (Some(m), None) if !(1..=12).contains(&m) => return None,
                (Some(m), Some(d))
                    if chrono::NaiveDate::from_ymd_opt(year, u32::from(m), u32::from(d))
                        .is_none() =>
                {
                    return None;
                }
                (None, Some(_)) => return None,
                _ => {}
            }
        }
        Some(PartialDate::new(year, month, day))
    }

    fn parse_iso(s: &str, exact: bool) -> Option<PartialDate> {
        let mut it = s.split('-');
        let year = parse_year(it.next()?)?;
        // Exact: one or two digits per part (`1960-3-5`, `1960-03-05`).
        let digits = |p: &str| {
            !exact || ((1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        };
        let month = match it.next() {
            None => return Some(PartialDate::year(year)),
            Some(m) if digits(m) => m.parse::<u8>().ok()?,
            Some(_) => return None,
        };
        let day = match it.next() {
            None => None,
            Some(d) if exact && !digits(d) => return None,
            Some(d) if exact => Some(d.parse::<u8>().ok()?),
            // `1960-03-12T00:00:00` and the like: keep the date part.
            Some(d) => Some(d.get(..2).unwrap_or(d).parse::<u8>().ok()?),
        };
        if it.next().is_some() {
            return None;
        }
        Self::assemble(year, Some(month), day, exact)
    }

    /// How this date relates to another.
    pub fn relation(&self, other: &PartialDate) -> DateRelation {
        if self.year != other.year {
            return DateRelation::Disjoint;
        }
        let conflict =
            |a: Option<u8>, b: Option<u8>| matches!((a, b), (Some(x), Some(y)) if x != y);
        if conflict(self.month, other.month) || conflict(self.day, other.day) {
            DateRelation::SameYearOnly
        } else {
            DateRelation::Compatible
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

fn parse_year(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = s.parse().ok()?;
    (1800..=2100).contains(&y).then_some(y)
}

fn parse_month(s: &str) -> Option<u8> {
    let s = s.trim().trim_end_matches('.').to_ascii_lowercase();
    if let Ok(n) = s.parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let prefix = s.get(..3)?;
    MONTHS
        .iter()
        .position(|m| *m == prefix)
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// An identity document or registration number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Document {
    /// What the number is, as the list names it (`Passport`, `National ID No.`, `IMO`, …).
    pub kind: String,
    pub number: String,
}

impl Document {
    pub fn new(kind: impl Into<String>, number: impl Into<String>) -> Document {
        Document {
            kind: kind.into().trim().to_string(),
            number: number.into().trim().to_string(),
        }
    }

    /// The number with everything but ASCII letters and digits removed, upper case: the form
    /// compared when a query carries a document number.
    pub fn normalised_number(&self) -> String {
        normalise_document_number(&self.number)
    }
}

/// Document numbers compare without spaces, dashes, dots or case: `AB 850-901` = `ab850901`.
pub fn normalise_document_number(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// One listed person, organisation, vessel or aircraft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub list: ListKind,
    /// The list's own id (OFAC ent_num, UN reference number, Senzing RECORD_ID, CSL entity
    /// number or a row-based id).
    pub source_id: String,
    pub entity_type: EntityType,
    pub primary_name: String,
    pub aliases: Vec<String>,
    pub birth_dates: Vec<PartialDate>,
    /// ISO 3166-1 alpha-2 codes (upper case) where the name is known, otherwise the name in
    /// lower case (see [`super::countries::normalise_country`]).
    pub countries: Vec<String>,
    pub gender: Option<Gender>,
    pub programs: Vec<String>,
    pub documents: Vec<Document>,
    pub remarks: Option<String>,
}

impl Entity {
    /// An entity with only its identity and primary name set.
    pub fn new(
        list: ListKind,
        source_id: impl Into<String>,
        entity_type: EntityType,
        primary_name: impl Into<String>,
    ) -> Entity {
        Entity {
            list,
            source_id: source_id.into(),
            entity_type,
            primary_name: primary_name.into(),
            aliases: Vec::new(),
            birth_dates: Vec::new(),
            countries: Vec::new(),
            gender: None,
            programs: Vec::new(),
            documents: Vec::new(),
            remarks: None,
        }
    }

    /// The primary name followed by the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary_name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Adds an alias unless it is empty or already present (case-insensitively, also against the
    /// primary name).
    pub fn add_alias(&mut self, alias: &str) {
        let alias = alias.trim();
        if alias.is_empty() || self.names().any(|n| n.eq_ignore_ascii_case(alias)) {
            return;
        }
        self.aliases.push(alias.to_string());
    }

    /// Adds a country (normalised) unless already present.
    pub fn add_country(&mut self, country: &str) {
        if let Some(c) = super::countries::normalise_country(country)
            && !self.countries.contains(&c)
        {
            self.countries.push(c);
        }
    }

    pub fn add_birth_date(&mut self, date: PartialDate) {
        if !self.birth_dates.contains(&date) {
            self.birth_dates.push(date);
        }
    }

    pub fn add_program(&mut self, program: &str) {
        let p = program.trim();
        if !p.is_empty() && !self.programs.iter().any(|x| x == p) {
            self.programs.push(p.to_string());
        }
    }

    pub fn add_document(&mut self, doc: Document) {
        if !doc.number.is_empty() && !self.documents.contains(&doc) {
            self.documents.push(doc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_kind_names_are_stable_and_round_trip() {
        let names: Vec<&str> = ListKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["ofac", "un", "senzing", "csl"]);
        for k in ListKind::ALL {
            assert_eq!(k.as_str().parse::<ListKind>().unwrap(), k);
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert!("ofacs".parse::<ListKind>().is_err());
    }

    #[test]
    fn partial_dates_parse_in_list_formats() {
        let d = |y, m, d| PartialDate::new(y, m, d);
        assert_eq!(PartialDate::parse("1960"), Some(d(1960, None, None)));
        assert_eq!(PartialDate::parse("1960-03"), Some(d(1960, Some(3), None)));
        assert_eq!(
            PartialDate::parse("1960-03-12"),
            Some(d(1960, Some(3), Some(12)))
        );
        assert_eq!(
            PartialDate::parse("12 Mar 1960"),
            Some(d(1960, Some(3), Some(12)))
        );
        assert_eq!(
            PartialDate::parse("10 October 1969"),
            Some(d(1969, Some(10), Some(10)))
        );
        assert_eq!(PartialDate::parse("Sep 1938"), Some(d(1938, Some(9), None)));
        assert_eq!(
            PartialDate::parse("12/03/1960"),
            Some(d(1960, Some(3), Some(12)))
        );
        assert_eq!(PartialDate::parse("circa 1960"), None);
        assert_eq!(PartialDate::parse("19600"), None);
        assert_eq!(d(1960, Some(3), Some(12)).to_string(), "1960-03-12");
    }

    #[test]
    fn exact_dates_refuse_parts_that_do_not_exist() {
        let d = |y, m, d| Some(PartialDate::new(y, m, d));
        for (text, date) in [
            ("1999", d(1999, None, None)),
            ("1999-12", d(1999, Some(12), None)),
            ("1999-02-28", d(1999, Some(2), Some(28))),
            ("2000-02-29", d(2000, Some(2), Some(29))),
            ("1960-3-5", d(1960, Some(3), Some(5))),
            ("12 Mar 1960", d(1960, Some(3), Some(12))),
            ("Mar 1960", d(1960, Some(3), None)),
            ("31/12/1960", d(1960, Some(12), Some(31))),
        ] {
            assert_eq!(PartialDate::parse_exact(text), date, "{text}");
            assert_eq!(PartialDate::parse(text), date, "{text}");
        }
        for text in [
            "1999-02-30",
            "1999-02-29",
            "1999-13-40",
            "1999-13",
            "1999-00",
            "1999-04-31",
            "1999-01-00",
            "1999-01-01T00:00:00",
            "1999-001",
            "1999-01-",
            "30 Feb 1999",
            "xx Feb 1999",
            "31/02/1999",
            "01/13/1999",
            "aa/01/1999",
        ] {
            assert_eq!(PartialDate::parse_exact(text), None, "{text}");
        }
        // The lists' dates stay lenient: what is out of range is dropped.
        assert_eq!(PartialDate::parse("1999-13"), d(1999, None, None));
        assert_eq!(
            PartialDate::parse("1960-03-12T00:00:00"),
            d(1960, Some(3), Some(12))
        );
    }

    #[test]
    fn date_relations() {
        let a = PartialDate::new(1960, Some(3), Some(12));
        assert_eq!(
            a.relation(&PartialDate::year(1960)),
            DateRelation::Compatible
        );
        assert_eq!(
            a.relation(&PartialDate::new(1960, Some(4), None)),
            DateRelation::SameYearOnly
        );
        assert_eq!(a.relation(&PartialDate::year(1961)), DateRelation::Disjoint);
    }

    #[test]
    fn document_numbers_normalise() {
        assert_eq!(normalise_document_number("AB 850-901."), "AB850901");
        assert_eq!(
            Document::new(" Passport ", "ob 0243318").normalised_number(),
            "OB0243318"
        );
    }
}
