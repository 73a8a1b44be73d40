//! Person-name comparison.
//!
//! Both names are folded by the one name normaliser (`domain::names::tokens`: case,
//! punctuation, accents; other scripts kept as written), stripped of leading
//! honorifics and of any "S/O …" relation part, and split into words. Words
//! are then aligned one-to-one, each pair being one of:
//!
//! * equal — the same word;
//! * variant — the same name in another romanisation ("Mohd"/"Mohammed",
//!   "Laxmi"/"Lakshmi"), found through a small table or the phonetic key;
//! * initial — a single letter standing for a word ("N" for "Nallala");
//! * typo — a close but unexplained spelling ("Vivke"/"Vivek").
//!
//! The level follows from which kinds of pair occur and which words are left
//! over; see [`compare_names`] and `docs/matching.md`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::words::{self, Pair};
use super::{Comparison, MatchLevel};
use crate::domain::names as normaliser;

/// Jaro-Winkler similarity (on phonetic keys) at or above which two words are
/// taken as the same word misspelt. 0.92 accepts a single transposition in a
/// five-letter name (Vivek/Vivke ≈ 0.95) but keeps different names apart
/// that share a long prefix: Patel/Patil ≈ 0.91, Ramesh/Rakesh ≈ 0.89.
const TYPO_SIMILARITY: f64 = 0.92;

/// Shortest word (in letters) that may be called a typo of another. Two-
/// letter words are too short for spelling similarity to mean anything. At
/// three letters the threshold above already rejects any substitution
/// (Ram/Rao ≈ 0.82) and only lets through a dropped final letter, which in
/// Indian names is usually the written schwa (Ram/Rama ≈ 0.94).
const TYPO_MIN_LEN: usize = 3;

/// When one name has words the other lacks, the share of the longer name's
/// words that must still be matched for the result to be Partial rather than
/// Mismatch. At 0.5 a missing middle name ("Vivek Patel" / "Vivek Kumar
/// Patel", 2 of 3) and a mononym against a two-word name ("Siti" / "Siti
/// Nurhaliza", 1 of 2) are Partial, while "Vivek" against "Vivek Kumar Patel"
/// (1 of 3) is too little to call the same person.
const MIN_COVERAGE: f64 = 0.5;

/// Full words (two letters or more, matched equal or as variants) needed
/// before an initial may stand in for a word in a Strong match. With two,
/// "N Vivek Patel" / "Nallala Vivek Patel" is Strong (South Indian names
/// routinely shorten the family name to an initial), but "N. Vivek" /
/// "Nallala Vivek" is only Partial: one full word is too little to lean on.
const MIN_ANCHORS_FOR_INITIALS: usize = 2;

/// Pair scores that feed the similarity score. Equal words count fully; a
/// romanisation variant almost fully; an initial carries little information.
const EQUAL_WEIGHT: f64 = 1.0;
const VARIANT_WEIGHT: f64 = 0.95;
const INITIAL_WEIGHT: f64 = 0.6;
/// A typo counts as its spelling similarity, discounted because it is
/// unexplained.
const TYPO_DISCOUNT: f64 = 0.9;

/// Score for names that differ only in where the spaces are.
const SPACING_SCORE: f64 = 0.97;

/// Titles and honorifics dropped from the start of a name: English, Indian
/// (including Tamil and military/professional ones) and Indonesian. "Md" is
/// deliberately absent: it abbreviates Mohammed, which is a name.
static HONORIFICS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mst",
        "mstr",
        "master",
        "mx",
        "dr",
        "prof",
        "professor",
        "shri",
        "sri",
        "shree",
        "sh",
        "smt",
        "shrimati",
        "srimati",
        "sushri",
        "kumari",
        "km",
        "kum",
        "late",
        "lt",
        "sir",
        "madam",
        "capt",
        "col",
        "maj",
        "gen",
        "brig",
        "adv",
        "er",
        "thiru",
        "thirumathi",
        "tmt",
        "selvi",
        "rev",
        "fr",
        "bapak",
        "bpk",
        "ibu",
        "sdr",
        "sdri",
        "hj",
        "haji",
        "hajjah",
        "drs",
        "dra",
        "ir",
    ]
    .into_iter()
    .collect()
});

/// Words that, followed by "of", start a relation part ("son of Ramesh").
const RELATION_WORDS: [&str; 5] = ["son", "daughter", "wife", "husband", "care"];

/// Patronymic connectors (Malay/Indonesian "bin"/"binti") ignored when they
/// sit between two words. At either end they are kept, since "Bin" is also a
/// given name.
const CONNECTORS: [&str; 3] = ["bin", "binti", "binte"];

/// Romanisation variants that the phonetic key cannot unify on its own,
/// mapped to one canonical spelling.
static VARIANTS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    const GROUPS: &[(&str, &[&str])] = &[
        (
            "muhammad",
            &[
                "mohd", "md", "mhd", "muhd", "mohammed", "mohammad", "muhammed", "mohamed",
                "mohamad", "muhamad", "muhamed", "mohammod", "mohmmad", "mohmad", "mahomed",
            ],
        ),
        ("kumar", &["kr", "kmr"]),
        (
            "chaudhary",
            &[
                "chaudhari",
                "chaudhry",
                "chaudhri",
                "chaudhury",
                "chaudary",
                "choudhary",
                "choudhari",
                "choudhury",
                "choudary",
                "chowdhury",
                "chowdhary",
                "chowdhari",
                "chowdary",
            ],
        ),
        ("syed", &["sayed", "sayyed", "saiyed", "sayyid", "syyed"]),
        ("shaikh", &["sheikh", "shaik", "sheik", "shk"]),
        ("hussain", &["husain", "hussein", "hossain", "hussian"]),
        ("ahmad", &["ahmed", "ahamed", "ahmmed"]),
        ("rahman", &["rehman", "rahaman", "rehaman"]),
        ("prasad", &["pd", "prashad"]),
        ("devi", &["debi"]),
        ("siddiqui", &["siddiqi", "siddique", "siddiki", "sidiqui"]),
    ];
    GROUPS
        .iter()
        .flat_map(|(canonical, variants)| {
            variants
                .iter()
                .map(move |v| (*v, *canonical))
                .chain(std::iter::once((*canonical, *canonical)))
        })
        .collect()
});

/// One word of a name in the forms we compare it in.
#[derive(Debug)]
struct Word {
    /// Folded spelling.
    text: String,
    /// Spelling after the variant table.
    canonical: String,
    /// Phonetic key of the canonical spelling.
    key: String,
}

impl Word {
    fn new(text: String) -> Self {
        // This table, then the shared name model's transliteration variants (`domain::names`:
        // Yusuf/Yousuf/Youssef, Abdel/Abdul, Verma/Varma, Naidu/Nayudu …).
        let own = VARIANTS
            .get(text.as_str())
            .copied()
            .unwrap_or(text.as_str());
        let canonical = normaliser::canonical_word(own).to_owned();
        let key = words::phonetic_key(&canonical);
        Word {
            text,
            canonical,
            key,
        }
    }

    fn letters(&self) -> usize {
        self.text.chars().count()
    }
}

/// A name ready for comparison, with what was removed from it.
struct PreparedName {
    words: Vec<Word>,
    honorifics: Vec<String>,
    /// Patronymic connectors removed from the middle ("bin").
    connectors: Vec<String>,
    /// The marker that introduced a removed relation part ("S/O", "son of").
    relation: Option<String>,
}

fn prepare(raw: &str) -> PreparedName {
    let mut relation = None;
    let mut name_part = raw;
    if let Some(start) = words::relation_marker_start(raw) {
        // Only cut when a name precedes the marker; "S/O Ramesh" alone is
        // left as it is rather than emptied.
        if !normaliser::tokens(&raw[..start]).is_empty() {
            let marker: String = raw[start..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(3)
                .collect();
            relation = Some(marker.to_uppercase());
            name_part = &raw[..start];
        }
    }

    let mut toks = normaliser::tokens(name_part);
    if let Some(pos) = toks
        .windows(2)
        .position(|w| RELATION_WORDS.contains(&w[0].as_str()) && w[1] == "of")
        && pos > 0
    {
        relation = Some(format!("{} of", toks[pos]));
        toks.truncate(pos);
    }

    let mut honorifics = Vec::new();
    // Strip leading titles, but never the last word: "Sri" and "Kumari" are
    // also names, and a one-word name must survive.
    while toks.len() > 1 && HONORIFICS.contains(toks[0].as_str()) {
        honorifics.push(toks.remove(0));
    }

    let last = toks.len().saturating_sub(1);
    let mut connectors = Vec::new();
    let mut words = Vec::with_capacity(toks.len());
    for (i, tok) in toks.into_iter().enumerate() {
        if i > 0 && i < last && CONNECTORS.contains(&tok.as_str()) {
            connectors.push(tok);
        } else {
            words.push(Word::new(tok));
        }
    }

    PreparedName {
        words,
        honorifics,
        connectors,
        relation,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairKind {
    Equal,
    Variant,
    Initial,
    Typo,
}

/// How two words relate, if at all. Symmetric in its arguments.
fn match_words(a: &Word, b: &Word) -> Option<(f64, PairKind)> {
    if a.text == b.text {
        return Some((EQUAL_WEIGHT, PairKind::Equal));
    }
    // Masculine and feminine forms of one name (Ankit/Ankita, Kumar/Kumari) are different
    // names, however close their spelling.
    if normaliser::gender_marked(&a.text, &b.text) {
        return None;
    }
    let (la, lb) = (a.letters(), b.letters());
    if la >= 2 && lb >= 2 && (a.canonical == b.canonical || a.key == b.key) {
        return Some((VARIANT_WEIGHT, PairKind::Variant));
    }
    let is_initial_of = |short: &Word, long: &Word| {
        short.letters() == 1
            && long.letters() >= 2
            && words::is_ascii_word(&short.text)
            && long.text.starts_with(short.text.as_str())
    };
    if is_initial_of(a, b) || is_initial_of(b, a) {
        return Some((INITIAL_WEIGHT, PairKind::Initial));
    }
    if la >= TYPO_MIN_LEN
        && lb >= TYPO_MIN_LEN
        && words::is_ascii_word(&a.text)
        && words::is_ascii_word(&b.text)
    {
        let similarity = words::similarity(&a.key, &b.key);
        if similarity >= TYPO_SIMILARITY {
            return Some((similarity * TYPO_DISCOUNT, PairKind::Typo));
        }
    }
    None
}

/// Compares a declared name with a source name.
///
/// * **Exact** — the same words in the same order once case, punctuation,
///   accents, leading honorifics and any S/O-style relation part are ignored.
/// * **Strong** — every word on each side is paired, allowing for word order,
///   spacing ("Nur Haliza"/"Nurhaliza"), romanisation variants, and initials
///   when at least `MIN_ANCHORS_FOR_INITIALS` full words also agree.
/// * **Partial** — the same person is likely but a reviewer should look: a
///   word (e.g. a middle name) is missing on one side, an initial stands for a
///   word with too few full words around it, or a word looks misspelt.
/// * **Mismatch** — each side has a word the other lacks (a different
///   surname or given name), too little of the longer name is matched, or
///   only initials agree.
///
/// The level is the same whichever argument is the declared one.
#[must_use]
pub fn compare_names(declared: &str, source: &str) -> Comparison {
    // Invisible characters are not part of a name (`domain::names::without_ignorables`).
    let (declared, source) = (
        normaliser::without_ignorables(declared),
        normaliser::without_ignorables(source),
    );
    let (declared, source) = (declared.as_ref(), source.as_ref());
    let d = prepare(declared);
    let s = prepare(source);

    match (d.words.is_empty(), s.words.is_empty()) {
        (true, true) => {
            return Comparison::new(
                MatchLevel::Mismatch,
                0.0,
                "Neither name contains any letters to compare",
            );
        }
        (true, false) => {
            return Comparison::new(
                MatchLevel::Mismatch,
                0.0,
                "The declared name contains no letters to compare",
            );
        }
        (false, true) => {
            return Comparison::new(
                MatchLevel::Mismatch,
                0.0,
                "The source name contains no letters to compare",
            );
        }
        (false, false) => {}
    }

    let mut ignored = ignored_parts(&d, &s);
    let d_texts: Vec<&str> = d.words.iter().map(|w| w.text.as_str()).collect();
    let s_texts: Vec<&str> = s.words.iter().map(|w| w.text.as_str()).collect();

    if d_texts == s_texts {
        let reason = if declared.trim() == source.trim() {
            "Names are identical".to_owned()
        } else if ignored.is_empty() {
            "Names match once case, spacing, punctuation and accents are ignored".to_owned()
        } else {
            format!("Names match after ignoring {}", join_phrases(&ignored))
        };
        return Comparison::new(MatchLevel::Exact, 1.0, reason);
    }

    if d_texts.concat() == s_texts.concat() {
        ignored.push("the spacing between words".to_owned());
        return Comparison::new(
            MatchLevel::Strong,
            SPACING_SCORE,
            format!("Names match after ignoring {}", join_phrases(&ignored)),
        );
    }

    let pairs = words::align(d.words.len(), s.words.len(), |i, j| {
        match_words(&d.words[i], &s.words[j])
    });
    judge(&d, &s, &pairs, ignored)
}

/// The short and long word of an initial pair, for display.
fn initial_words(d: &PreparedName, s: &PreparedName, p: &Pair<PairKind>) -> (String, String) {
    let (a, b) = (&d.words[p.a], &s.words[p.b]);
    let (short, long) = if a.letters() == 1 { (a, b) } else { (b, a) };
    (words::display(&short.text), words::display(&long.text))
}

/// Decides the level once words are aligned.
fn judge(
    d: &PreparedName,
    s: &PreparedName,
    pairs: &[Pair<PairKind>],
    ignored: Vec<String>,
) -> Comparison {
    let (n, m) = (d.words.len(), s.words.len());
    let raw_score = 2.0 * words::total(pairs.iter().map(|p| p.score)) / (n + m) as f64;

    let extra_d: Vec<&str> = (0..n)
        .filter(|i| !pairs.iter().any(|p| p.a == *i))
        .map(|i| d.words[i].text.as_str())
        .collect();
    let extra_s: Vec<&str> = (0..m)
        .filter(|j| !pairs.iter().any(|p| p.b == *j))
        .map(|j| s.words[j].text.as_str())
        .collect();
    let full_anchors = pairs
        .iter()
        .filter(|p| {
            matches!(p.kind, PairKind::Equal | PairKind::Variant)
                && d.words[p.a].letters() >= 2
                && s.words[p.b].letters() >= 2
        })
        .count();
    let typos = pairs.iter().filter(|p| p.kind == PairKind::Typo).count();

    if pairs.is_empty() {
        return Comparison::new(
            MatchLevel::Mismatch,
            0.0,
            "Names do not match: they have no word in common",
        );
    }
    if !extra_d.is_empty() && !extra_s.is_empty() {
        // A different surname or given name on each side: sharing the other
        // word is not enough ("Nallala Vivek" / "Vivek Patel").
        let shared: Vec<&str> = pairs.iter().map(|p| s.words[p.b].text.as_str()).collect();
        let verb = if shared.len() == 1 { "agrees" } else { "agree" };
        return Comparison::new(
            MatchLevel::Mismatch,
            raw_score,
            format!(
                "Names do not match: declared {} and source {} differ, only {} {verb}",
                words::quoted_list(&extra_d),
                words::quoted_list(&extra_s),
                words::quoted_list(&shared),
            ),
        );
    }
    if full_anchors + typos == 0 {
        return Comparison::new(
            MatchLevel::Mismatch,
            raw_score,
            "Names do not match: only initials agree, no full word is shared",
        );
    }

    // From here on at least one side has every word paired.
    let mut problems: Vec<String> = Vec::new();
    let (extra, side) = if extra_d.is_empty() {
        (&extra_s, "source")
    } else {
        (&extra_d, "declared")
    };
    if !extra.is_empty() {
        let coverage = pairs.len() as f64 / n.max(m) as f64;
        let verb = if extra.len() == 1 {
            "appears"
        } else {
            "appear"
        };
        let extra = words::quoted_list(extra);
        if coverage < MIN_COVERAGE {
            return Comparison::new(
                MatchLevel::Mismatch,
                raw_score,
                format!(
                    "Names do not match: {extra} {verb} only in the {side} name, too much to be a missing middle name"
                ),
            );
        }
        problems.push(format!("{extra} {verb} only in the {side} name"));
    }
    for p in pairs.iter().filter(|p| p.kind == PairKind::Typo) {
        problems.push(format!(
            "'{}' and '{}' differ slightly (possible misspelling)",
            words::display(&d.words[p.a].text),
            words::display(&s.words[p.b].text)
        ));
    }
    let initials: Vec<(String, String)> = pairs
        .iter()
        .filter(|p| p.kind == PairKind::Initial)
        .map(|p| initial_words(d, s, p))
        .collect();
    if !initials.is_empty() && full_anchors < MIN_ANCHORS_FOR_INITIALS {
        problems.extend(
            initials
                .iter()
                .map(|(short, long)| format!("'{short}' is only an initial of '{long}'")),
        );
    }
    if !problems.is_empty() {
        return Comparison::new(
            MatchLevel::Partial,
            raw_score,
            format!("Names partly match: {}", join_phrases(&problems)),
        );
    }

    // Every word is paired, without typos, and initials are well anchored.
    let reason = strong_reason(d, s, pairs, &initials, ignored);
    Comparison::new(MatchLevel::Strong, raw_score, reason)
}

/// The sentence for a Strong name match: what was ignored and what was
/// allowed for.
fn strong_reason(
    d: &PreparedName,
    s: &PreparedName,
    pairs: &[Pair<PairKind>],
    initials: &[(String, String)],
    mut ignored: Vec<String>,
) -> String {
    let mut in_order: Vec<&Pair<PairKind>> = pairs.iter().collect();
    in_order.sort_by_key(|p| p.a);
    if in_order.windows(2).any(|w| w[0].b > w[1].b) {
        ignored.push("word order".to_owned());
    }
    let mut allowed: Vec<String> = pairs
        .iter()
        .filter(|p| p.kind == PairKind::Variant)
        .map(|p| {
            format!(
                "'{}'/'{}' as spellings of one name",
                words::display(&d.words[p.a].text),
                words::display(&s.words[p.b].text)
            )
        })
        .collect();
    allowed.extend(
        initials
            .iter()
            .map(|(short, long)| format!("'{short}' as the initial of '{long}'")),
    );
    match (ignored.is_empty(), allowed.is_empty()) {
        (false, true) => format!("Names match after ignoring {}", join_phrases(&ignored)),
        (true, false) => format!("Names match taking {}", join_phrases(&allowed)),
        (false, false) => format!(
            "Names match after ignoring {} and taking {}",
            join_phrases(&ignored),
            join_phrases(&allowed)
        ),
        // Unreachable in practice (that would be an exact match), but say
        // something true.
        (true, true) => "Names match word for word".to_owned(),
    }
}

/// Describes the honorifics and relation parts removed from either side.
fn ignored_parts(d: &PreparedName, s: &PreparedName) -> Vec<String> {
    let mut honorifics: Vec<&str> = Vec::new();
    for h in d.honorifics.iter().chain(&s.honorifics) {
        if !honorifics.contains(&h.as_str()) {
            honorifics.push(h);
        }
    }
    let mut parts = Vec::new();
    match honorifics.len() {
        0 => {}
        1 => parts.push(format!("the honorific {}", words::quoted_list(&honorifics))),
        _ => parts.push(format!(
            "the honorifics {}",
            words::quoted_list(&honorifics)
        )),
    }
    let mut connectors: Vec<&str> = Vec::new();
    for c in d.connectors.iter().chain(&s.connectors) {
        if !connectors.contains(&c.as_str()) {
            connectors.push(c);
        }
    }
    if !connectors.is_empty() {
        parts.push(format!("the connector {}", words::quoted_list(&connectors)));
    }
    let mut relations: Vec<&str> = Vec::new();
    for r in d.relation.iter().chain(&s.relation) {
        if !relations.contains(&r.as_str()) {
            relations.push(r);
        }
    }
    for r in relations {
        parts.push(format!("the '{r} …' relation part"));
    }
    parts
}

/// "a", "a and b", "a, b and c".
fn join_phrases(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
