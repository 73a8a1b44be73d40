//! Scoring one query against one listed name of one entity.
//!
//! The name part pairs tokens by Jaro-Winkler similarity (best pairs first, each token used at
//! most once), with phonetic-key and skeleton equality as floors and penalties for a different
//! first letter and a large length difference. The weighted mean similarity of the pairs is then
//! scaled down by the share of the listed name (and, more gently, of the query) left unmatched.
//!
//! Qualifiers follow the spirit of OpenSanctions' logic-v2: a conflicting birth year or date, a
//! disjoint country or a different entity type lowers the score; an exact document number match
//! makes it 1.0.

use serde::Serialize;

use super::countries::normalise_country;
use super::model::{DateRelation, Entity, EntityType, PartialDate, normalise_document_number};
use crate::domain::names::NormalisedName;
use crate::domain::names::distance::osa_distance;

/// Scores at or above this are reported as matches unless a query says otherwise.
pub const DEFAULT_THRESHOLD: f64 = 0.80;

/// Token pairs below this similarity are not paired at all.
const MIN_PAIR_SIM: f64 = 0.70;
/// Weight of the unmatched share of the listed name.
const LISTED_UNMATCHED_WEIGHT: f64 = 0.35;
/// Weight of the unmatched share of the query.
const QUERY_UNMATCHED_WEIGHT: f64 = 0.60;
/// Multiplier when only one token pairs up but either name has more tokens.
const SINGLE_TOKEN_PENALTY: f64 = 0.90;

const DOB_YEAR_DISJOINT: f64 = 0.15;
const DOB_DAY_DISJOINT: f64 = 0.08;
const COUNTRY_DISJOINT: f64 = 0.10;
const TYPE_MISMATCH_PERSON: f64 = 0.20;
const TYPE_MISMATCH_OTHER: f64 = 0.10;
/// Document numbers shorter than this never count as an exact match.
const MIN_DOCUMENT_LEN: usize = 5;

/// Why a score is what it is.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Explanation {
    /// `(query token, listed token, similarity)` for each paired token.
    pub matched_tokens: Vec<(String, String, f64)>,
    /// Qualifiers applied, e.g. `dob_year_disjoint(-0.15)`, `document_match(=1.0)`.
    pub qualifiers: Vec<String>,
}

/// The non-name facts of a query, normalised once.
#[derive(Debug, Clone, Default)]
pub struct QueryFacts {
    pub dob: Option<PartialDate>,
    /// Normalised as [`Entity::countries`] are.
    pub country: Option<String>,
    pub entity_type: Option<EntityType>,
    /// Normalised with [`normalise_document_number`].
    pub document: Option<String>,
}

impl QueryFacts {
    pub fn new(
        dob: Option<PartialDate>,
        country: Option<&str>,
        entity_type: Option<EntityType>,
        document: Option<&str>,
    ) -> QueryFacts {
        QueryFacts {
            dob,
            country: country.and_then(normalise_country),
            entity_type: entity_type.filter(|t| *t != EntityType::Unknown),
            document: document
                .map(normalise_document_number)
                .filter(|d| d.len() >= MIN_DOCUMENT_LEN),
        }
    }
}

/// Jaro-Winkler similarity of two ASCII strings (byte-wise; prefix scale 0.1, at most 4 prefix
/// characters, boost only above 0.7, as in Winkler's definition).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    jaro_winkler_bytes(a.as_bytes(), b.as_bytes())
}

fn jaro_winkler_bytes(a: &[u8], b: &[u8]) -> f64 {
    let jaro = jaro(a, b);
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    // Names are short: fixed arrays avoid an allocation per comparison.
    if a.len() <= 64 && b.len() <= 64 {
        let mut a_flags = [false; 64];
        let mut b_flags = [false; 64];
        jaro_with(a, b, &mut a_flags, &mut b_flags)
    } else {
        jaro_with(a, b, &mut vec![false; a.len()], &mut vec![false; b.len()])
    }
}

fn jaro_with(a: &[u8], b: &[u8], a_flags: &mut [bool], b_flags: &mut [bool]) -> f64 {
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_flags[j] && b[j] == ca {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags[i] {
            while !b_flags[k] {
                k += 1;
            }
            if ca != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Edits (insertions, deletions, substitutions, adjacent transpositions) a token of this many
/// letters may have and still count as the same name spelt wrongly.
fn edit_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Similarity of token `i` of `q` and token `j` of `l`, in 0–1.
///
/// Equal tokens score 1; equal phonetic keys 0.95; a spelling within the edit budget of the
/// longer token (one edit up to seven letters, two from eight) `1 - 0.6 × edits / length`; equal
/// consonant skeletons (of tokens of similar length) 0.88. Anything else falls back to Jaro-Winkler, lowered for a different
/// first letter and a large length difference and then pushed down steeply below 0.92, so that
/// merely similar names (`Radha`/`Radwan`, `Tanjung`/`Tann`) do not add up to a match.
pub fn token_similarity(q: &NormalisedName, i: usize, l: &NormalisedName, j: usize) -> f64 {
    let (a, b) = (q.tokens[i].as_str(), l.tokens[j].as_str());
    if a == b {
        return 1.0;
    }
    let (la, lb) = (a.len(), b.len());
    // An initial against a name with that initial.
    if la == 1 || lb == 1 {
        return if a.as_bytes()[0] == b.as_bytes()[0] {
            0.8
        } else {
            0.0
        };
    }
    if q.keys[i] == l.keys[j] && !q.keys[i].is_empty() {
        return 0.95;
    }
    let first_differs = a.as_bytes()[0] != b.as_bytes()[0]
        && q.keys[i].as_bytes().first() != l.keys[j].as_bytes().first();
    let longest = la.max(lb);
    // A misspelt variant (`moamed`) is closer to what was written (`mohamed`) than to the
    // canonical form (`muhammad`), so the spellings get a try too.
    let (sa, sb) = (q.spellings[i].as_str(), l.spellings[j].as_str());
    let within_budget = |x: &str, y: &str| -> Option<(usize, usize)> {
        let len = x.len().max(y.len());
        let budget = edit_budget(len);
        if budget == 0 {
            return None;
        }
        let d = osa_distance(x.as_bytes(), y.as_bytes(), budget);
        (d <= budget).then_some((d, len))
    };
    let close = within_budget(a, b).or_else(|| {
        if sa != a || sb != b {
            within_budget(sa, sb)
        } else {
            None
        }
    });
    if let Some((d, len)) = close {
        let sim = 1.0 - 0.6 * d as f64 / len as f64;
        return if first_differs { sim * 0.9 } else { sim };
    }
    let ratio = la.min(lb) as f64 / longest as f64;
    if q.skeletons[i] == l.skeletons[j] && q.skeletons[i].len() >= 3 && ratio >= 0.75 {
        return 0.88;
    }
    let mut sim = jaro_winkler(a, b);
    // A different first letter (that the phonetic keys do not explain) is a strong signal.
    if first_differs {
        sim *= 0.88;
    }
    if ratio < 0.7 {
        sim *= 1.0 - (0.7 - ratio) * 0.6;
    }
    if sim < 0.92 {
        sim = (0.92 - (0.92 - sim) * 3.0).max(0.0);
    }
    sim
}

/// One candidate pairing: query tokens `qi..qi+qn` with listed tokens `lj..lj+ln` (one side
/// spans two tokens when they are glued on the other: `nurhaliza` / `nur haliza`).
#[derive(Clone, Copy)]
struct Pair {
    qi: usize,
    qn: usize,
    lj: usize,
    ln: usize,
    sim: f64,
}

/// Similarity of `a` with `b1` and `b2` glued together: at most one edit (two from ten
/// letters) apart, scored as a spelling within the edit budget.
fn glued_similarity(a: &str, b1: &str, b2: &str) -> Option<f64> {
    let glued_len = b1.len() + b2.len();
    if a.len() < 6
        || b1.len() < 2
        || b2.len() < 2
        || glued_len > 63
        || a.len().abs_diff(glued_len) > 1
    {
        return None;
    }
    let mut buf = [0u8; 64];
    buf[..b1.len()].copy_from_slice(b1.as_bytes());
    buf[b1.len()..glued_len].copy_from_slice(b2.as_bytes());
    let len = a.len().max(glued_len);
    let budget = if len >= 10 { 2 } else { 1 };
    let d = osa_distance(a.as_bytes(), &buf[..glued_len], budget);
    (d <= budget).then(|| 1.0 - 0.6 * d as f64 / len as f64)
}

/// The name similarity of a query and a listed name, with the token pairs `(i, j, sim)` (for a
/// glued pair, the first token of the two).
pub fn name_similarity(q: &NormalisedName, l: &NormalisedName) -> (f64, Vec<(usize, usize, f64)>) {
    let (nq, nl) = (q.tokens.len().min(32), l.tokens.len().min(32));
    if nq == 0 || nl == 0 {
        return (0.0, Vec::new());
    }
    let mut pairs: Vec<Pair> = Vec::with_capacity(nq * nl + 4);
    for i in 0..nq {
        for j in 0..nl {
            let sim = token_similarity(q, i, l, j);
            if sim >= MIN_PAIR_SIM {
                pairs.push(Pair {
                    qi: i,
                    qn: 1,
                    lj: j,
                    ln: 1,
                    sim,
                });
            }
            if j + 1 < nl
                && let Some(sim) = glued_similarity(&q.tokens[i], &l.tokens[j], &l.tokens[j + 1])
            {
                pairs.push(Pair {
                    qi: i,
                    qn: 1,
                    lj: j,
                    ln: 2,
                    sim,
                });
            }
            if i + 1 < nq
                && let Some(sim) = glued_similarity(&l.tokens[j], &q.tokens[i], &q.tokens[i + 1])
            {
                pairs.push(Pair {
                    qi: i,
                    qn: 2,
                    lj: j,
                    ln: 1,
                    sim,
                });
            }
        }
    }
    // Best first; among equals, the pair closest in position.
    pairs.sort_by(|x, y| {
        y.sim
            .total_cmp(&x.sim)
            .then_with(|| x.qi.abs_diff(x.lj).cmp(&y.qi.abs_diff(y.lj)))
    });
    let mut q_used = [false; 32];
    let mut l_used = [false; 32];
    let mut chosen: Vec<(usize, usize, f64)> = Vec::with_capacity(nq.min(nl));
    let mut weighted = 0.0;
    let mut weights = 0.0;
    let (mut q_matched, mut l_matched) = (0usize, 0usize);
    for p in pairs {
        let (qs, ls) = (p.qi..p.qi + p.qn, p.lj..p.lj + p.ln);
        if qs.clone().any(|i| q_used[i]) || ls.clone().any(|j| l_used[j]) {
            continue;
        }
        let q_len: usize = qs.clone().map(|i| q.tokens[i].len()).sum();
        let l_len: usize = ls.clone().map(|j| l.tokens[j].len()).sum();
        qs.for_each(|i| q_used[i] = true);
        ls.for_each(|j| l_used[j] = true);
        // An initial covers one letter of the name it stands for.
        let (q_len, l_len) = if q_len == 1 || l_len == 1 {
            (1, 1)
        } else {
            (q_len, l_len)
        };
        q_matched += q_len;
        l_matched += l_len;
        let w = (q_len + l_len) as f64;
        weighted += p.sim * w;
        weights += w;
        chosen.push((p.qi, p.lj, p.sim));
    }
    if chosen.is_empty() {
        return (0.0, chosen);
    }
    let q_total: usize = q.tokens.iter().map(String::len).sum();
    let l_total: usize = l.tokens.iter().map(String::len).sum();
    let q_cover = q_matched as f64 / q_total.max(1) as f64;
    let l_cover = l_matched as f64 / l_total.max(1) as f64;
    let mut score = (weighted / weights)
        * (1.0 - LISTED_UNMATCHED_WEIGHT * (1.0 - l_cover))
        * (1.0 - QUERY_UNMATCHED_WEIGHT * (1.0 - q_cover));
    if chosen.len() == 1 && (q.tokens.len() > 1 || l.tokens.len() > 1) {
        score *= SINGLE_TOKEN_PENALTY;
    }
    (score.clamp(0.0, 1.0), chosen)
}

/// Applies the qualifiers to a name score. Returns the new score and the qualifiers applied.
pub fn apply_qualifiers(
    name_score: f64,
    facts: &QueryFacts,
    entity: &Entity,
) -> (f64, Vec<String>) {
    let mut notes = Vec::new();
    if let Some(doc) = &facts.document
        && entity
            .documents
            .iter()
            .any(|d| d.normalised_number() == *doc)
    {
        notes.push("document_match(=1.0)".to_string());
        return (1.0, notes);
    }
    let mut score = name_score;
    if let Some(dob) = &facts.dob
        && !entity.birth_dates.is_empty()
    {
        let best = entity
            .birth_dates
            .iter()
            .map(|d| dob.relation(d))
            .min_by_key(|r| match r {
                DateRelation::Compatible => 0,
                DateRelation::SameYearOnly => 1,
                DateRelation::Disjoint => 2,
            });
        match best {
            Some(DateRelation::Disjoint) => {
                score -= DOB_YEAR_DISJOINT;
                notes.push(format!("dob_year_disjoint(-{DOB_YEAR_DISJOINT})"));
            }
            Some(DateRelation::SameYearOnly) => {
                score -= DOB_DAY_DISJOINT;
                notes.push(format!("dob_day_disjoint(-{DOB_DAY_DISJOINT})"));
            }
            Some(DateRelation::Compatible) => notes.push("dob_match".to_string()),
            None => {}
        }
    }
    if let Some(country) = &facts.country
        && !entity.countries.is_empty()
    {
        if entity.countries.contains(country) {
            notes.push("country_match".to_string());
        } else {
            score -= COUNTRY_DISJOINT;
            notes.push(format!("country_disjoint(-{COUNTRY_DISJOINT})"));
        }
    }
    if let Some(t) = facts.entity_type
        && entity.entity_type != EntityType::Unknown
        && entity.entity_type != t
    {
        let penalty = if t == EntityType::Person || entity.entity_type == EntityType::Person {
            TYPE_MISMATCH_PERSON
        } else {
            TYPE_MISMATCH_OTHER
        };
        score -= penalty;
        notes.push(format!(
            "type_mismatch:{}/{}(-{penalty})",
            t.as_str(),
            entity.entity_type.as_str()
        ));
    }
    (score.clamp(0.0, 1.0), notes)
}

/// Scores a normalised query name with its facts against one listed name of an entity.
pub fn score(
    query: &NormalisedName,
    facts: &QueryFacts,
    entity: &Entity,
    listed: &NormalisedName,
) -> (f64, Explanation) {
    let (name_score, pairs) = name_similarity(query, listed);
    let (score, qualifiers) = apply_qualifiers(name_score, facts, entity);
    let matched_tokens = pairs
        .into_iter()
        .map(|(i, j, s)| (query.tokens[i].clone(), listed.tokens[j].clone(), round3(s)))
        .collect();
    (
        score,
        Explanation {
            matched_tokens,
            qualifiers,
        },
    )
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::super::model::{Document, ListKind};
    use super::*;
    use crate::domain::names::normalise;

    fn sim(a: &str, b: &str) -> f64 {
        name_similarity(&normalise(a), &normalise(b)).0
    }

    #[test]
    fn jaro_winkler_matches_published_values() {
        let close = |a: f64, b: f64| (a - b).abs() < 0.001;
        assert!(close(jaro_winkler("martha", "marhta"), 0.961));
        assert!(close(jaro_winkler("dwayne", "duane"), 0.84));
        assert!(close(jaro_winkler("dixon", "dicksonx"), 0.813));
        assert!(close(jaro_winkler("abc", "abc"), 1.0));
        assert!(close(jaro_winkler("abc", "xyz"), 0.0));
        assert!(close(jaro_winkler("", ""), 1.0));
        assert_eq!(osa_distance(b"jorge", b"jroge", 2), 1);
        assert_eq!(osa_distance(b"verma", b"varma", 2), 1);
        assert_eq!(osa_distance(b"radha", b"radwan", 1), 2);
        assert_eq!(osa_distance(b"tanjung", b"tann", 1), 2);
        assert_eq!(osa_distance(b"", b"ab", 2), 2);
        let long_a = "a".repeat(70) + "b";
        let long_b = "a".repeat(70) + "c";
        assert!(jaro_winkler(&long_a, &long_b) > 0.95);
    }

    #[test]
    fn identical_reordered_and_transliterated_names_score_high() {
        assert!((sim("Rahul Sharma", "SHARMA, Rahul") - 1.0).abs() < 1e-9);
        assert!(sim("Mohammed Yousuf", "Muhammad Yusuf") > 0.99);
        assert!(sim("Anil Verma", "Anil Varma") > 0.85);
        assert!(sim("Venkata Naidu", "Venkata Nayudu") > 0.85);
        assert!(sim("Abdelrahman Khaled", "Abd al-Rahman Khalid") > 0.95);
        assert!(sim("Siti Nurhaliza", "Siti Nur Haliza") > 0.9);
    }

    #[test]
    fn names_in_other_scripts_are_scored_in_their_latin_form() {
        // The one normaliser's policy (`domain::names`): screening compares the Latin form, so a
        // name typed in Cyrillic or Devanagari finds its listed Latin spelling.
        assert!((sim("Владимир Путин", "PUTIN, Vladimir") - 1.0).abs() < 1e-9);
        assert!(sim("विवेक शर्मा", "Vivek Sharma") >= DEFAULT_THRESHOLD);
    }

    #[test]
    fn partial_and_different_names_score_low() {
        // One shared given name is not a match.
        assert!(sim("Rahul Sharma", "Rahul Gandhi") < 0.8);
        assert!(sim("Priya Nair", "Priya") < 0.8);
        assert!(sim("Budi Santoso", "Budi Gunawan Sadikin") < 0.8);
        // A dropped middle name still matches; two of four listed tokens do not.
        assert!(sim("Jorge Cifuentes Villa", "CIFUENTES VILLA, Jorge Milton") > 0.8);
        assert!(sim("Jorge Villa", "CIFUENTES VILLA, Jorge Milton") < 0.8);
        assert!(sim("", "x") == 0.0);
    }

    #[test]
    fn qualifiers_lower_or_fix_the_score() {
        let mut e = Entity::new(ListKind::OfacSdn, "1", EntityType::Person, "Test Person");
        e.birth_dates
            .push(PartialDate::new(1960, Some(3), Some(12)));
        e.countries.push("IN".into());
        e.documents.push(Document::new("Passport", "Z 1234567"));
        let q = normalise("Test Person");
        let l = normalise(&e.primary_name);

        let facts = QueryFacts::new(
            Some(PartialDate::year(1960)),
            Some("India"),
            Some(EntityType::Person),
            None,
        );
        let (s, ex) = score(&q, &facts, &e, &l);
        assert!((s - 1.0).abs() < 1e-9, "{ex:?}");
        assert!(ex.qualifiers.contains(&"dob_match".to_string()));

        let facts = QueryFacts::new(Some(PartialDate::year(1971)), None, None, None);
        let (s, ex) = score(&q, &facts, &e, &l);
        assert!((s - 0.85).abs() < 1e-9, "{ex:?}");

        let facts = QueryFacts::new(
            Some(PartialDate::new(1960, Some(4), None)),
            Some("Pakistan"),
            Some(EntityType::Organization),
            None,
        );
        let (s, ex) = score(&q, &facts, &e, &l);
        assert!((s - (1.0 - 0.08 - 0.10 - 0.20)).abs() < 1e-9, "{ex:?}");
        assert_eq!(ex.qualifiers.len(), 3);

        let other = normalise("Completely Different");
        let facts = QueryFacts::new(None, None, None, Some("z1234567"));
        let (s, ex) = score(&other, &facts, &e, &l);
        assert!((s - 1.0).abs() < 1e-9);
        assert_eq!(ex.qualifiers, ["document_match(=1.0)"]);
    }
}
