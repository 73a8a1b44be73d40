//! Seeded query sets for the benchmark and the evaluation: names taken from OFAC aliases and UN
//! names and then disturbed (a typo, reordered tokens, a dropped middle name, a transliteration
//! variant), each knowing the entity it should find; and everyday Indian and Indonesian names
//! that should match nothing.

use std::collections::HashMap;

use super::model::{Entity, ListKind};
use crate::domain::names::normalise;
use crate::domain::rng::Rng;

/// How a query was made from a listed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    Typo,
    Reorder,
    DropMiddle,
    Transliteration,
    /// An everyday name that should not match.
    Everyday,
}

impl Variant {
    pub const POSITIVE: [Variant; 4] = [
        Variant::Typo,
        Variant::Reorder,
        Variant::DropMiddle,
        Variant::Transliteration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Typo => "typo",
            Variant::Reorder => "reorder",
            Variant::DropMiddle => "drop_middle",
            Variant::Transliteration => "transliteration",
            Variant::Everyday => "everyday",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    pub name: String,
    /// The entity the query should find: `(list, source_id)`; `None` for everyday names.
    pub expected: Option<(ListKind, String)>,
    pub variant: Variant,
    /// The listed name the query was made from (empty for everyday names).
    pub source_name: String,
}

/// Whole-word transliteration swaps (lower case; any word of a group may become any other).
const WORD_VARIANTS: &[&[&str]] = &[
    &[
        "muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad",
    ],
    &["ahmad", "ahmed"],
    &["yusuf", "yousuf", "youssef", "yousef"],
    &["hussein", "husain", "hussain", "husayn"],
    &["hassan", "hasan"],
    &["abdul", "abdel", "abd al"],
    &["abdullah", "abdallah"],
    &["omar", "umar"],
    &["osama", "usama"],
    &["othman", "uthman", "osman"],
    &["khalid", "khaled"],
    &["mahmoud", "mahmud", "mahmood"],
    &["mustafa", "mostafa", "moustafa"],
    &["ibrahim", "ebrahim"],
    &["ismail", "ismael"],
    &["suleiman", "sulayman", "sulaiman"],
    &["rahman", "rehman"],
    &["said", "saeed"],
    &["nasser", "nasir"],
    &["qasim", "kassem", "qassem"],
    &["yahya", "yehia"],
    &["rashid", "rasheed"],
    &["hamid", "hameed"],
    &["majid", "majeed"],
    &["ali", "aly"],
];

/// Spelling swaps inside a word: `(from, to)`.
const SPELLING_SWAPS: &[(&str, &str)] = &[
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("kh", "k"),
    ("q", "k"),
    ("ph", "f"),
    ("sh", "ch"),
    ("dj", "j"),
    ("ss", "s"),
    ("ll", "l"),
    ("mm", "m"),
    ("y", "i"),
    ("i", "ee"),
    ("u", "ou"),
    ("v", "w"),
    ("w", "v"),
    ("c", "k"),
    ("z", "s"),
];

/// The words of a listed name in natural order (`LAST, First` → `First LAST`).
fn natural_words(name: &str) -> Vec<String> {
    let natural = match name.split_once(',') {
        Some((last, first)) if !first.contains(',') && !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => name.to_string(),
    };
    natural.split_whitespace().map(str::to_string).collect()
}

fn letters(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphabetic()).count()
}

fn same_case(template: &str, s: &str) -> String {
    let upper = template
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if upper {
        s.to_uppercase()
    } else if template.chars().next().is_some_and(char::is_uppercase) {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        s.to_string()
    }
}

fn typo(words: &[String], rng: &mut Rng) -> Option<String> {
    // A substitution by the same letter or a swap of equal letters changes nothing: try again.
    (0..8).find_map(|_| typo_once(words, rng))
}

fn typo_once(words: &[String], rng: &mut Rng) -> Option<String> {
    let eligible: Vec<usize> = (0..words.len())
        .filter(|&i| letters(&words[i]) >= 4 && words[i].is_ascii())
        .collect();
    let &wi = rng.choose(&eligible)?;
    let mut chars: Vec<char> = words[wi].chars().collect();
    let n = chars.len();
    // Not the first letter: people rarely get that wrong.
    let pos = 1 + rng.below(n - 1);
    let upper = chars[pos].is_uppercase();
    let alphabet = b"abcdefghijklmnopqrstuvwxyz";
    let mut letter = char::from(alphabet[rng.below(26)]);
    if upper {
        letter = letter.to_ascii_uppercase();
    }
    match rng.below(4) {
        0 => chars[pos] = letter,
        1 => {
            chars.remove(pos);
        }
        2 => chars.insert(pos, letter),
        _ => {
            let p = pos.min(n - 2).max(1);
            chars.swap(p, p + 1);
        }
    }
    let mut out = words.to_vec();
    out[wi] = chars.into_iter().collect();
    (out[wi] != words[wi]).then(|| out.join(" "))
}

fn reorder(name: &str, words: &[String], rng: &mut Rng) -> Option<String> {
    if words.len() < 2 {
        return None;
    }
    // `LAST, First` lists become `First LAST` half the time; otherwise rotate the tokens.
    if name.contains(',') && rng.below(2) == 0 {
        return Some(words.join(" "));
    }
    let mut out = words.to_vec();
    out.rotate_left(1 + rng.below(words.len() - 1));
    Some(out.join(" "))
}

fn drop_middle(words: &[String], rng: &mut Rng) -> Option<String> {
    if words.len() < 3 {
        return None;
    }
    let mut out = words.to_vec();
    out.remove(1 + rng.below(words.len() - 2));
    Some(out.join(" "))
}

fn transliterate(words: &[String], rng: &mut Rng) -> Option<String> {
    // A whole-word variant when one applies.
    let mut options: Vec<(usize, &str)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let lw = w.to_lowercase();
        for group in WORD_VARIANTS {
            if group.contains(&lw.as_str()) {
                options.extend(group.iter().filter(|v| **v != lw).map(|v| (i, *v)));
            }
        }
    }
    if let Some(&(i, v)) = rng.choose(&options) {
        let mut out = words.to_vec();
        out[i] = same_case(&words[i], v);
        return Some(out.join(" "));
    }
    // Otherwise a spelling swap inside one word.
    let mut swaps: Vec<(usize, &str, &str)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let lw = w.to_lowercase();
        if letters(&lw) < 4 {
            continue;
        }
        for (from, to) in SPELLING_SWAPS {
            // Not at the start of the word.
            if lw.get(1..).is_some_and(|rest| rest.contains(from)) {
                swaps.push((i, from, to));
            }
        }
    }
    let &(i, from, to) = rng.choose(&swaps)?;
    let lw = words[i].to_lowercase();
    let at = 1 + lw.get(1..)?.find(from)?;
    let replaced = format!("{}{}{}", &lw[..at], to, &lw[at + from.len()..]);
    let mut out = words.to_vec();
    out[i] = same_case(&words[i], &replaced);
    Some(out.join(" "))
}

/// Makes one disturbed query from a listed name, or `None` when `variant` cannot apply.
pub fn disturb(name: &str, variant: Variant, rng: &mut Rng) -> Option<String> {
    let words = natural_words(name);
    match variant {
        Variant::Typo => typo(&words, rng),
        Variant::Reorder => reorder(name, &words, rng),
        Variant::DropMiddle => drop_middle(&words, rng),
        Variant::Transliteration => transliterate(&words, rng),
        Variant::Everyday => None,
    }
}

/// `n` queries: half from OFAC aliases, half from UN names (primary or alias), each disturbed
/// by one variant that applies to it. `entities` is searched for OFAC and UN entities. Only
/// names that normalise differently from every other entity's names are used, so that each
/// query has one right answer (the same person is often on both lists).
pub fn positive_queries(entities: &[Entity], n: usize, seed: u64) -> Vec<BenchQuery> {
    let mut rng = Rng::from_state(seed);
    let mut owners: HashMap<Vec<String>, (usize, bool)> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        for name in e.names() {
            let key = normalise(name).tokens;
            let slot = owners.entry(key).or_insert((i, true));
            if slot.0 != i {
                slot.1 = false;
            }
        }
    }
    let unique = |i: usize, name: &str| {
        owners
            .get(&normalise(name).tokens)
            .is_some_and(|&(owner, unique)| unique && owner == i)
    };
    let ofac: Vec<(usize, &str)> = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.list == ListKind::OfacSdn)
        .flat_map(|(i, e)| e.aliases.iter().map(move |a| (i, a.as_str())))
        .filter(|&(i, a)| unique(i, a))
        .collect();
    let un: Vec<(usize, &str)> = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.list == ListKind::UnConsolidated)
        .flat_map(|(i, e)| e.names().map(move |a| (i, a)))
        .filter(|&(i, a)| unique(i, a))
        .collect();
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0;
    while out.len() < n && attempts < n * 50 {
        attempts += 1;
        let pool = if out.len() % 2 == 0 { &ofac } else { &un };
        let Some(&(ei, name)) = rng.choose(pool) else {
            break;
        };
        let variant = Variant::POSITIVE[rng.below(Variant::POSITIVE.len())];
        let Some(q) = disturb(name, variant, &mut rng) else {
            continue;
        };
        let e = &entities[ei];
        out.push(BenchQuery {
            name: q,
            expected: Some((e.list, e.source_id.clone())),
            variant,
            source_name: name.to_string(),
        });
    }
    out
}

const INDIAN_GIVEN: &[&str] = &[
    "Rahul",
    "Priya",
    "Amit",
    "Sunita",
    "Rajesh",
    "Anjali",
    "Vikram",
    "Deepa",
    "Suresh",
    "Kavita",
    "Arjun",
    "Neha",
    "Sanjay",
    "Pooja",
    "Anil",
    "Meera",
    "Ravi",
    "Lakshmi",
    "Vijay",
    "Divya",
    "Manoj",
    "Shweta",
    "Kiran",
    "Asha",
    "Rohit",
    "Sneha",
    "Arun",
    "Geeta",
    "Nikhil",
    "Swati",
    "Harish",
    "Usha",
    "Prakash",
    "Rekha",
    "Gaurav",
    "Nisha",
    "Venkatesh",
    "Padma",
    "Sandeep",
    "Aishwarya",
    "Karthik",
    "Bhavana",
    "Rakesh",
    "Jyoti",
    "Ajay",
    "Smita",
    "Naveen",
    "Radha",
    "Vivek",
    "Anita",
    "Srinivas",
    "Savitri",
    "Mahesh",
    "Lalitha",
    "Ramesh",
    "Pallavi",
    "Dinesh",
    "Kamala",
    "Ashok",
    "Shalini",
    "Imran",
    "Farhan",
    "Sana",
    "Ayesha",
];

const INDIAN_FAMILY: &[&str] = &[
    "Sharma",
    "Verma",
    "Gupta",
    "Nair",
    "Iyer",
    "Reddy",
    "Rao",
    "Patel",
    "Shah",
    "Mehta",
    "Joshi",
    "Kulkarni",
    "Deshpande",
    "Menon",
    "Pillai",
    "Naidu",
    "Chatterjee",
    "Banerjee",
    "Mukherjee",
    "Das",
    "Bose",
    "Sen",
    "Ghosh",
    "Singh",
    "Kaur",
    "Agarwal",
    "Jain",
    "Bhat",
    "Hegde",
    "Shetty",
    "Kapoor",
    "Malhotra",
    "Khanna",
    "Chopra",
    "Saxena",
    "Srivastava",
    "Tiwari",
    "Pandey",
    "Mishra",
    "Dubey",
    "Yadav",
    "Chauhan",
    "Thakur",
    "Rathore",
    "Krishnan",
    "Subramanian",
    "Raman",
    "Gowda",
    "Patil",
    "Pawar",
    "Qureshi",
    "Siddiqui",
];

const INDONESIAN_GIVEN: &[&str] = &[
    "Budi", "Siti", "Agus", "Dewi", "Wahyu", "Eko", "Rina", "Adi", "Putri", "Hendra", "Lestari",
    "Joko", "Ayu", "Bambang", "Indah", "Rudi", "Fitri", "Dedi", "Wulan", "Yudi", "Ratna", "Andi",
    "Nurul", "Bayu", "Kartika", "Dimas", "Intan", "Rizky", "Maya", "Teguh", "Sari", "Arief",
    "Nining", "Hadi", "Yanti", "Slamet", "Endang", "Gilang", "Citra", "Ahmad", "Dwi", "Tri",
];

const INDONESIAN_FAMILY: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Kusuma",
    "Hidayat",
    "Setiawan",
    "Pratama",
    "Nugroho",
    "Susanto",
    "Gunawan",
    "Rahayu",
    "Handayani",
    "Wibowo",
    "Purnomo",
    "Hartono",
    "Suryadi",
    "Lubis",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Sitompul",
    "Halim",
    "Tanjung",
    "Utomo",
    "Permana",
    "Wahyudi",
    "Kurniawan",
    "Sulistyo",
    "Nurhaliza",
    "Anggraini",
    "Maharani",
];

/// `n` everyday Indian and Indonesian names (two or three words), half of each.
pub fn negative_queries(n: usize, seed: u64) -> Vec<BenchQuery> {
    let mut rng = Rng::from_state(seed);
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    let mut attempts = 0;
    while out.len() < n && attempts < n * 20 {
        attempts += 1;
        let (given, family) = if out.len() % 2 == 0 {
            (INDIAN_GIVEN, INDIAN_FAMILY)
        } else {
            (INDONESIAN_GIVEN, INDONESIAN_FAMILY)
        };
        let mut words: Vec<&str> = Vec::with_capacity(3);
        words.extend(rng.choose(given));
        if rng.below(10) < 3 {
            words.extend(rng.choose(given));
        }
        words.extend(rng.choose(family));
        words.dedup();
        let name = words.join(" ");
        if words.len() < 2 || !seen.insert(name.clone()) {
            continue;
        }
        out.push(BenchQuery {
            name,
            expected: None,
            variant: Variant::Everyday,
            source_name: String::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::model::EntityType;
    use super::*;

    #[test]
    fn variants_change_names_as_described() {
        let mut rng = Rng::from_state(7);
        let name = "CIFUENTES VILLA, Jorge Milton";
        assert_eq!(
            natural_words(name),
            ["Jorge", "Milton", "CIFUENTES", "VILLA"]
        );
        for _ in 0..20 {
            let t = disturb(name, Variant::Typo, &mut rng).unwrap();
            assert_ne!(t, "Jorge Milton CIFUENTES VILLA");
            assert_eq!(t.split(' ').count(), 4);
            let d = disturb(name, Variant::DropMiddle, &mut rng).unwrap();
            assert_eq!(d.split(' ').count(), 3);
            assert!(d.starts_with("Jorge") && d.ends_with("VILLA"));
            let r = disturb(name, Variant::Reorder, &mut rng).unwrap();
            let mut sorted: Vec<&str> = r.split(' ').collect();
            sorted.sort_unstable();
            assert_eq!(sorted, ["CIFUENTES", "Jorge", "Milton", "VILLA"]);
        }
        let t = disturb("Mohammed Omar", Variant::Transliteration, &mut rng).unwrap();
        assert_ne!(t, "Mohammed Omar");
        assert!(disturb("BNC", Variant::DropMiddle, &mut rng).is_none());
    }

    #[test]
    fn query_sets_are_seeded_and_sized() {
        let mut e = Entity::new(
            ListKind::OfacSdn,
            "1",
            EntityType::Person,
            "SMITH, John Paul",
        );
        e.aliases = vec!["SMITH, Johnny Paul".into(), "Paul SMYTHE".into()];
        let mut u = Entity::new(
            ListKind::UnConsolidated,
            "QDi.1",
            EntityType::Person,
            "ABU MOHAMMED AL-MASRI",
        );
        u.aliases = vec!["Abdullah Ahmed Abdullah".into()];
        let entities = vec![e, u];
        let a = positive_queries(&entities, 40, 1);
        let b = positive_queries(&entities, 40, 1);
        assert_eq!(a, b);
        assert_eq!(a.len(), 40);
        assert_eq!(
            a.iter()
                .filter(|q| q.expected.as_ref().unwrap().0 == ListKind::OfacSdn)
                .count(),
            20
        );
        let neg = negative_queries(300, 2);
        assert_eq!(neg.len(), 300);
        assert!(
            neg.iter()
                .all(|q| q.expected.is_none() && q.name.contains(' '))
        );
    }
}
