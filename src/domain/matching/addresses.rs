//! Postal-address comparison.
//!
//! Addresses are folded like names, a leading "C/O Name," segment is
//! dropped, common abbreviations are expanded ("Rd" → "road", "Ngr" →
//! "nagar"), house-number markers ("H.No.", "House No", "#", "No.") are
//! dropped so that only the number remains, and the pincode is taken out of
//! the text. What is left is compared as a set of words.
//!
//! The pincode carries the locality: two addresses can only be Strong or Exact
//! when both pincodes are known and equal.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::words;
use super::{Comparison, MatchLevel};

/// Word-set similarity (Dice coefficient over aligned words) at or above which
/// two addresses with the same pincode are Strong. Real pairs routinely differ
/// by a state name, a landmark or an omitted road number: "Flat 302, Sai
/// Residency, Madhapur, Hyderabad" against the same plus "Apartment,
/// Telangana" scores 0.86, and dropping "Road No 5" from an eight-word
/// address 0.77. Below 0.7 roughly a third of the words are unaccounted for,
/// which a reviewer should see.
const STRONG_SIMILARITY: f64 = 0.7;

/// Word-set similarity below which even a shared pincode does not make two
/// addresses partly the same: a pincode covers a whole locality, so two
/// addresses sharing it but almost no words are different homes.
const PARTIAL_FLOOR: f64 = 0.25;

/// Jaro-Winkler similarity (on phonetic keys) at or above which two address
/// words of at least `FUZZY_MIN_LEN` letters are the same word misspelt
/// ("Banjra"/"Banjara"). Same value and reasoning as for names.
const FUZZY_SIMILARITY: f64 = 0.92;
/// Shortest word that may be matched by spelling similarity.
const FUZZY_MIN_LEN: usize = 4;
/// Weight of a misspelt word in the similarity, against 1.0 for an equal one.
const FUZZY_WEIGHT: f64 = 0.9;

/// Abbreviations expanded before comparing, Indian and Indonesian.
static ABBREVIATIONS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    [
        ("rd", "road"),
        ("st", "street"),
        ("str", "street"),
        ("ln", "lane"),
        ("ngr", "nagar"),
        ("apt", "apartment"),
        ("apts", "apartment"),
        ("appt", "apartment"),
        ("apartments", "apartment"),
        ("bldg", "building"),
        ("opp", "opposite"),
        ("nr", "near"),
        ("dist", "district"),
        ("distt", "district"),
        ("dt", "district"),
        ("tq", "taluk"),
        ("tal", "taluk"),
        ("taluka", "taluk"),
        ("teh", "tehsil"),
        ("tahsil", "tehsil"),
        ("vill", "village"),
        ("vil", "village"),
        ("vpo", "village"),
        ("po", "post"),
        ("sec", "sector"),
        ("sect", "sector"),
        ("ph", "phase"),
        ("blk", "block"),
        ("soc", "society"),
        ("socy", "society"),
        ("col", "colony"),
        ("ext", "extension"),
        ("extn", "extension"),
        ("mkt", "market"),
        ("stn", "station"),
        ("flr", "floor"),
        ("jn", "junction"),
        ("jct", "junction"),
        ("ave", "avenue"),
        ("cir", "circle"),
        ("jl", "jalan"),
        ("jln", "jalan"),
        ("gg", "gang"),
        ("kel", "kelurahan"),
        ("kec", "kecamatan"),
        ("kab", "kabupaten"),
        ("prov", "provinsi"),
        ("rm", "room"),
        ("e", "east"),
        ("w", "west"),
        ("n", "north"),
        ("s", "south"),
    ]
    .into_iter()
    .collect()
});

/// Words that only mark a number: "No. 12", "Number 12", "H.No 12", "`HNo` 12".
const NUMBER_MARKERS: [&str; 5] = ["no", "nos", "num", "number", "hno"];
/// Words dropped when they come right before a number marker: "House No",
/// "Door No", "H No", "D No".
const NUMBER_MARKER_PREFIXES: [&str; 4] = ["house", "door", "h", "d"];

/// Country names, dropped: every address we compare is in one country, and
/// whether a record spells it out says nothing about the place.
const COUNTRY_WORDS: [&str; 2] = ["india", "indonesia"];

/// An address prepared for comparison.
struct PreparedAddress {
    words: Vec<String>,
    pincode: Option<String>,
}

/// A valid pincode from the separate field: six digits not starting with 0
/// (India), or five digits (Indonesian kode pos). Spaces and hyphens inside
/// are tolerated ("500 081").
fn field_pincode(field: Option<&str>) -> Option<String> {
    let compact: String = field?
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let valid = compact.bytes().all(|b| b.is_ascii_digit())
        && (compact.len() == 5 || (compact.len() == 6 && !compact.starts_with('0')));
    valid.then_some(compact)
}

fn is_text_pincode(token: &str) -> bool {
    token.len() == 6 && token.bytes().all(|b| b.is_ascii_digit()) && !token.starts_with('0')
}

fn is_three_digits(token: &str) -> bool {
    token.len() == 3 && token.bytes().all(|b| b.is_ascii_digit())
}

fn prepare(raw: &str, pincode_field: Option<&str>) -> PreparedAddress {
    let text = strip_care_of(raw);
    let mut toks = crate::domain::names::tokens(text);

    // Pincode from the text: the last six-digit number, or a final "500 081".
    let mut text_pincode = None;
    if let Some(pos) = toks.iter().rposition(|t| is_text_pincode(t)) {
        text_pincode = Some(toks.remove(pos));
    } else if let Some(last_num) = toks.iter().rposition(|t| words::has_digit(t))
        && last_num >= 1
        && is_three_digits(&toks[last_num])
        && is_three_digits(&toks[last_num - 1])
        && !toks[last_num - 1].starts_with('0')
    {
        let second = toks.remove(last_num);
        let first = toks.remove(last_num - 1);
        text_pincode = Some(first + &second);
    }
    // The separate field wins over the text when both are present.
    let pincode = field_pincode(pincode_field).or(text_pincode);
    if let Some(pin) = &pincode {
        toks.retain(|t| t != pin);
    }
    let toks: Vec<String> = toks.iter().flat_map(|t| split_digits(t)).collect();

    let mut words = Vec::with_capacity(toks.len());
    for (i, tok) in toks.iter().enumerate() {
        let next = toks.get(i + 1).map(String::as_str);
        if NUMBER_MARKERS.contains(&tok.as_str()) || COUNTRY_WORDS.contains(&tok.as_str()) {
            continue;
        }
        if NUMBER_MARKER_PREFIXES.contains(&tok.as_str())
            && next.is_some_and(|n| NUMBER_MARKERS.contains(&n))
        {
            continue;
        }
        // "P.O." folds to "p o": the post-office marker.
        if tok == "p" && next == Some("o") {
            continue;
        }
        if tok == "o" && i > 0 && toks[i - 1] == "p" {
            words.push("post".to_owned());
            continue;
        }
        let word = ABBREVIATIONS
            .get(tok.as_str())
            .map_or_else(|| tok.clone(), |w| (*w).to_owned());
        words.push(word);
    }
    PreparedAddress { words, pincode }
}

/// Splits a word where letters and digits meet, so "4B", "4-B" and "4 B"
/// agree, and drops leading zeros from numbers ("RT 001" / "RT 01").
fn split_digits(token: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in token.chars() {
        if let Some(last) = current.chars().last()
            && last.is_ascii_digit() != c.is_ascii_digit()
        {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    for part in &mut parts {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            let trimmed = part.trim_start_matches('0');
            *part = if trimmed.is_empty() { "0" } else { trimmed }.to_owned();
        }
    }
    parts
}

/// Joins two adjacent words on one side when the joined word appears on the
/// other side and neither half does ("Lake View" / "Lakeview").
fn merge_compounds(words: &[String], other: &[String]) -> Vec<String> {
    let mut merged = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if let Some(next) = words.get(i + 1) {
            let joined = format!("{}{next}", words[i]);
            if words::is_ascii_word(&joined)
                && other.contains(&joined)
                && !other.contains(&words[i])
                && !other.contains(next)
            {
                merged.push(joined);
                i += 2;
                continue;
            }
        }
        merged.push(words[i].clone());
        i += 1;
    }
    merged
}

/// Takes a pincode on one side from its text when the other side's known
/// pincode appears there: this finds five-digit Indonesian postcodes, which
/// are not extracted blindly because house numbers look the same.
fn adopt_pincode(side: &mut PreparedAddress, other_pincode: Option<&String>) {
    if side.pincode.is_none()
        && let Some(pin) = other_pincode
        && side.words.contains(pin)
    {
        side.words.retain(|w| w != pin);
        side.pincode = Some(pin.clone());
    }
}

/// Drops a leading "S/O Ramesh Kumar," / "C/O ...," segment, which names a
/// relative rather than a place. Without a comma we cannot tell where the
/// name ends, so the text is left alone.
fn strip_care_of(raw: &str) -> &str {
    let trimmed = raw.trim_start();
    if words::relation_marker_start(trimmed) == Some(0)
        && let Some(comma) = trimmed.find(',')
    {
        return &trimmed[comma + 1..];
    }
    trimmed
}

/// How two address words relate: `Some(weight)` if they match. Numbers must be
/// identical; words may differ by romanisation or a small misspelling.
fn match_words(a: &str, b: &str) -> Option<(f64, ())> {
    if a == b {
        return Some((1.0, ()));
    }
    if !words::is_ascii_word(a) || !words::is_ascii_word(b) {
        return None;
    }
    if a.len() < FUZZY_MIN_LEN || b.len() < FUZZY_MIN_LEN {
        return None;
    }
    let (ka, kb) = (words::phonetic_key(a), words::phonetic_key(b));
    if ka == kb {
        return Some((1.0, ()));
    }
    (words::similarity(&ka, &kb) >= FUZZY_SIMILARITY).then_some((FUZZY_WEIGHT, ()))
}

/// Compares a declared address with a source address. Pincodes come from the
/// separate fields when given and valid, otherwise from the text.
///
/// * **Exact** — same pincode and the same words in the same order after
///   normalisation.
/// * **Strong** — same pincode and word-set similarity of at least
///   `STRONG_SIMILARITY`, with no conflicting house numbers.
/// * **Partial** — same pincode and similarity of at least `PARTIAL_FLOOR`
///   (or strong text with conflicting numbers); or a pincode missing on either
///   side with similarity of at least `STRONG_SIMILARITY`.
/// * **Mismatch** — different pincodes (whatever the text), or too little
///   text in common.
#[must_use]
pub fn compare_addresses(
    declared: &str,
    declared_pincode: Option<&str>,
    source: &str,
    source_pincode: Option<&str>,
) -> Comparison {
    let mut d = prepare(declared, declared_pincode);
    let mut s = prepare(source, source_pincode);
    let (d_pin, s_pin) = (d.pincode.clone(), s.pincode.clone());
    adopt_pincode(&mut d, s_pin.as_ref());
    adopt_pincode(&mut s, d_pin.as_ref());
    let (d_words, s_words) = (
        merge_compounds(&d.words, &s.words),
        merge_compounds(&s.words, &d.words),
    );
    d.words = d_words;
    s.words = s_words;

    let pairs = words::align(d.words.len(), s.words.len(), |i, j| {
        match_words(&d.words[i], &s.words[j])
    });
    let total = d.words.len() + s.words.len();
    let similarity = if total == 0 {
        0.0
    } else {
        2.0 * words::total(pairs.iter().map(|p| p.score)) / total as f64
    };
    let percent = (similarity * 100.0).round();

    // A house/plot number present on each side but missing from the other.
    let unmatched_numbers = |words: &[String], matched: &dyn Fn(usize) -> bool| -> Vec<String> {
        words
            .iter()
            .enumerate()
            .filter(|(i, w)| words::has_digit(w) && !matched(*i))
            .map(|(_, w)| w.clone())
            .collect()
    };
    let d_numbers = unmatched_numbers(&d.words, &|i| pairs.iter().any(|p| p.a == i));
    let s_numbers = unmatched_numbers(&s.words, &|j| pairs.iter().any(|p| p.b == j));
    let numbers_conflict = !d_numbers.is_empty() && !s_numbers.is_empty();

    match (&d.pincode, &s.pincode) {
        (Some(dp), Some(sp)) if dp != sp => Comparison::new(
            MatchLevel::Mismatch,
            similarity,
            format!(
                "Pincodes differ (declared {dp}, source {sp}), so these are different localities"
            ),
        ),
        (Some(pin), Some(_)) => {
            if d.words.is_empty() || s.words.is_empty() {
                return Comparison::new(
                    MatchLevel::Partial,
                    0.5,
                    format!("Same pincode {pin}, but one side has no address text to compare"),
                );
            }
            if d.words == s.words {
                return Comparison::new(
                    MatchLevel::Exact,
                    1.0,
                    format!(
                        "Same pincode {pin} and the same address once abbreviations, spacing and punctuation are normalised"
                    ),
                );
            }
            if similarity >= STRONG_SIMILARITY && !numbers_conflict {
                return Comparison::new(
                    MatchLevel::Strong,
                    similarity,
                    format!("Same pincode {pin} and {percent}% of the address words agree"),
                );
            }
            if similarity >= STRONG_SIMILARITY {
                return Comparison::new(
                    MatchLevel::Partial,
                    similarity,
                    format!(
                        "Same pincode {pin} and {percent}% of the address words agree, but the numbers differ (declared {}, source {})",
                        d_numbers.join(", "),
                        s_numbers.join(", ")
                    ),
                );
            }
            if similarity >= PARTIAL_FLOOR {
                return Comparison::new(
                    MatchLevel::Partial,
                    similarity,
                    format!("Same pincode {pin} but only {percent}% of the address words agree"),
                );
            }
            Comparison::new(
                MatchLevel::Mismatch,
                similarity,
                format!(
                    "Same pincode {pin} but the addresses have almost nothing else in common ({percent}% of words agree)"
                ),
            )
        }
        (dp, sp) => {
            let missing = match (dp, sp) {
                (None, None) => "either side",
                (None, _) => "the declared side",
                _ => "the source side",
            };
            if similarity >= STRONG_SIMILARITY {
                Comparison::new(
                    MatchLevel::Partial,
                    similarity,
                    format!(
                        "{percent}% of the address words agree, but there is no pincode on {missing} to confirm the locality"
                    ),
                )
            } else {
                Comparison::new(
                    MatchLevel::Mismatch,
                    similarity,
                    format!(
                        "Only {percent}% of the address words agree and there is no pincode on {missing} to confirm the locality"
                    ),
                )
            }
        }
    }
}
