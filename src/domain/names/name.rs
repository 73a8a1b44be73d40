//! The screening name model built on the folded words (`super::fold_latin`): [`normalise`]
//! reorders `LAST, First`, drops honorifics, company legal forms and Arabic/Malay particles
//! (`bin`, `binti`, `ibn`, `al-`), and folds common transliteration variants to one spelling
//! (`Mohammed`/`Muhammad`/`Mohd` → `muhammad`, `Abdel`/`Abd al`/`Abdul` → `abdul`,
//! `Youssef`/`Yusuf` → `yusuf`, …). Each token also gets a phonetic key ([`phonetic_key`]: doubled
//! letters collapsed, `ou`/`oo`/`u` → `u`, `ee`/`i` → `i`, `y` between vowels treated as a vowel,
//! `ph` → `f`, `kh` → `k`, …) and a consonant skeleton ([`skeleton_key`]: the key without vowels
//! after the first letter), so `Verma`/`Varma` and `Naidu`/`Nayudu` share a skeleton.

use std::borrow::Cow;

use super::{fold_latin, without_ignorables};

/// A name as screening sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormalisedName {
    /// Folded, canonical tokens in name order (given names first after `LAST, First` reordering).
    pub tokens: Vec<String>,
    /// `keys[i]` is the phonetic key of `tokens[i]`.
    pub keys: Vec<String>,
    /// `skeletons[i]` is the consonant skeleton of `keys[i]`.
    pub skeletons: Vec<String>,
    /// `spellings[i]` is `tokens[i]` as folded, before variant folding (`mohamed` for
    /// the token `muhammad`), so a misspelt variant can still be compared with what was written.
    pub spellings: Vec<String>,
}

impl NormalisedName {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The tokens joined by single spaces.
    pub fn joined(&self) -> String {
        self.tokens.join(" ")
    }

    /// Total length of the tokens in bytes (all ASCII).
    pub fn char_len(&self) -> usize {
        self.tokens.iter().map(String::len).sum()
    }

    fn from_tokens(pairs: Vec<(String, String)>) -> NormalisedName {
        let (tokens, spellings): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
        let keys: Vec<String> = tokens.iter().map(|t| phonetic_key(t)).collect();
        let skeletons = keys.iter().map(|k| skeleton_key(k)).collect();
        NormalisedName {
            tokens,
            keys,
            skeletons,
            spellings,
        }
    }
}

/// Honorifics and titles dropped wherever they stand (as long as a name remains).
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "shri",
    "shree",
    "sri",
    "smt",
    "shrimati",
    "srimati",
    "kumari",
    "haji",
    "hajji",
    "hajj",
    "hadji",
    "hj",
    "hjh",
    "sheikh",
    "shaikh",
    "sheik",
    "shaykh",
    "cheikh",
    "mullah",
    "mulla",
    "maulana",
    "maulvi",
    "mawlawi",
    "mawlavi",
    "moulvi",
    "molvi",
    "ustad",
    "ustadz",
    "ustaz",
    "kyai",
    "datuk",
    "dato",
    "datin",
    "hon",
    "honourable",
    "honorable",
    "rev",
    "reverend",
];

/// An honorific, or a spelling of one of four letters or more with the same phonetic key
/// (`hajee` for `haji`).
fn is_honorific(t: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::OnceLock;
    static KEYS: OnceLock<HashSet<String>> = OnceLock::new();
    if HONORIFICS.contains(&t) {
        return true;
    }
    t.len() >= 4
        && KEYS
            .get_or_init(|| {
                HONORIFICS
                    .iter()
                    .filter(|h| h.len() >= 4)
                    .map(|h| phonetic_key(h))
                    .collect()
            })
            .contains(&phonetic_key(t))
}

/// Company legal forms dropped wherever they stand.
const LEGAL_FORMS: &[&str] = &[
    "ltd",
    "limited",
    "company",
    "corporation",
    "llc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "gmbh",
    "pvt",
    "plc",
    "pte",
    "bhd",
    "berhad",
    "sdn",
    "tbk",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "ooo",
    "zao",
    "oao",
    "pao",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "llp",
    "sarl",
    "sal",
    "srl",
    "spa",
    "sas",
    "sae",
    "bv",
    "nv",
    "ag",
    "kg",
    "ab",
    "oy",
    "aps",
    "sdn",
    "ltda",
    "lda",
    "cia",
    "sac",
    "saic",
    "eirl",
];

/// Legal forms dropped only as the last tokens of a name (they are ordinary words elsewhere).
const TRAILING_LEGAL_FORMS: &[&[&str]] = &[
    &["s", "a", "de", "c", "v"],
    &["sa", "de", "cv"],
    &["de", "c", "v"],
    &["de", "cv"],
    &["s", "a", "s"],
    &["s", "a", "c"],
    &["s", "r", "l"],
    &["s", "p", "a"],
    &["s", "a"],
    &["l", "l", "c"],
    &["co"],
    &["sa"],
    &["cv"],
    &["lp"],
    &["as"],
    &["pty"],
    &["private"],
    &["public"],
];

/// Legal forms dropped only as the first token (Indonesian `PT`, `CV`; a reordered `co`).
const LEADING_LEGAL_FORMS: &[&str] = &["pt", "cv", "co"];

/// Long legal-form words also dropped when misspelt by one or two letters (`corporaution`).
const FUZZY_LEGAL_FORMS: &[&str] = &["corporation", "incorporated", "limited", "company"];

fn is_legal_form(t: &str) -> bool {
    LEGAL_FORMS.contains(&t)
        || (t.len() >= 6
            && FUZZY_LEGAL_FORMS.iter().any(|f| {
                let budget = if f.len() >= 8 { 2 } else { 1 };
                super::distance::osa_distance(t.as_bytes(), f.as_bytes(), budget) <= budget
            }))
}

/// Particles that link names (`bin`, `binti`, `ibn`) and are dropped wherever they stand.
const PARTICLES: &[&str] = &["bin", "binti", "bint", "ibn", "bte", "bt", "ibnu"];

/// Articles (`al-`, `el-`, `ul`, `ud`) dropped when they are not the last token and at least two
/// tokens remain (so `Al Green` keeps its `al`).
const ARTICLES: &[&str] = &["al", "el", "ul", "ud"];

/// The `abd` forms folded to `abdul`; a following article is absorbed (`abd al rahman`).
const ABD_FORMS: &[&str] = &[
    "abd", "abdel", "abdul", "abdal", "abdol", "abdu", "abdur", "abdus", "abdoul", "abdelal",
    "abdulal",
];

/// Glued prefixes split off a longer token: `abdulrahman` → `abdul rahman`,
/// `mohammadreza` → `muhammad reza`. Longest first: only the longest prefix that fits is tried,
/// and the rest must have at least four letters (`abdulhai` stays whole).
const GLUED_PREFIXES: &[&str] = &[
    "mohammad", "muhammad", "mohammed", "mohamad", "abdoul", "abdul", "abdel", "abdal", "abdol",
    "abdur", "abdus", "abd",
];

/// Tails that are not a name of their own after an `abd` prefix (`abdullah`).
const NOT_SPLIT_TAILS: &[&str] = &[
    "allah", "alla", "alah", "ulla", "ullah", "ulah", "ellah", "ella", "ollah", "olla", "oulaye",
    "ullahi",
];

/// Transliteration variants: `canonical|variant|variant…`.
const VARIANTS: &[&str] = &[
    "muhammad|mohammed|mohammad|mohamed|mohamad|muhammed|muhamad|muhamed|mohd|md|mohammod|mouhammad|mouhamed|mohamet|mehmet|mehmed|magomed|mukhammad|mukhammed|mahomed|muhamed|mohmmad|muhammet",
    "ahmad|ahmed|ahmet|achmad|akhmad|ahmat|achmed|akhmed|ahamed|ahmmed",
    "yusuf|yousuf|yousef|youssef|yusef|yussuf|yusuph|yousif|yusif|youcef|jusuf|yussef|yosuf|yousof",
    "husain|hussein|hussain|husayn|husein|hossein|hosein|husseyn|hossain|hosain|husseini|hussien|huseyin|husen",
    "hasan|hassan|hasen|hassen",
    "usama|osama|ousama|usamah|osamah",
    "umar|omar|omer|umer|oumar",
    "usman|othman|uthman|osman|ousmane|usmane|osmane|utsman|othmane",
    "abdullah|abdallah|abdulla|abdalla|abdellah|abdoullah|abdollah|abdula|abdoulah",
    "khalid|khaled|khalied|khaleed",
    "ibrahim|ebrahim|ibraheem|ibragim|brahim|ibrahem|ebraheem",
    "ismail|ismael|ismaeel|esmail|ismayil|ismaail|ismaiel",
    "mahmud|mahmoud|mahmood|mehmood|mehmud|mahamoud|mahamud|mohamud|mahmut",
    "mustafa|mostafa|moustafa|mustapha|mostapha|moustapha|mustafah",
    "rahman|rehman|rahmen|rachman|rahmaan",
    "rahim|raheem|rahime|rachim",
    "said|saeed|saied|saiid|sayeed|saeid",
    "sayyid|sayed|sayyed|syed|seyed|seyyed|sayid|saiyid",
    "nasir|nasser|naser|nassir|nacer|nassar",
    "jamal|gamal|djamal|jamel",
    "qasim|kassem|qassem|kasim|qasem|kasem|gasim|casim|qassim|kassim|kacem",
    "sulaiman|suleiman|sulayman|suleyman|soleiman|sulejman|soliman|solaiman|sleiman|suleman|sulaman",
    "zakariya|zakaria|zakariyya|zakariah|zakarya|zakariyah",
    "yahya|yehia|yahia|yehya|yahiya",
    "yasin|yassin|yaseen|yassine|yacine|yassin",
    "hamid|hameed|hamed",
    "rashid|rasheed|rachid|rashed",
    "majid|majeed|majed|madjid",
    "walid|waleed|oualid",
    "khalil|khaleel",
    "jalil|jaleel",
    "nabil|nabeel",
    "faisal|faysal|feisal|faisel|faycal",
    "hafiz|hafeez|hafez",
    "habib|habeeb",
    "zubair|zubayr|zobair|zoubair|zubeir",
    "ayub|ayoub|ayyub|ayoob|eyup",
    "yaqub|yakub|yacoub|yaqoob|yakoub|yaakub|yaqoub",
    "ishaq|ishak|ishaaq",
    "mansur|mansour|mansoor",
    "nur|noor|nour|noer",
    "abu|abou",
    "bakr|bakar",
    "ali|aly",
    "aziz|azeez",
    "karim|kareem",
    "salim|saleem|selim",
    "shahid|shaheed|chahid",
    "tariq|tarek|tarik|tareq",
    "chaudhari|chaudhary|chaudhry|choudhary|choudhury|chowdhury|chowdhary|chaudhuri|choudhari|chowdhry",
    "srivastava|shrivastava|srivastav|shrivastav",
    "mukherjee|mukherji|mukerjee|mukerji",
    "banerjee|banerji|bannerjee",
    "chatterjee|chatterji|chaterjee",
    "bhattacharya|bhattacharjee|bhattacharyya",
    "lakshmi|laxmi",
    "varma|verma",
    "naidu|nayudu|naydu",
];

fn variant_canonical(token: &str) -> Option<&'static str> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for row in VARIANTS {
            let mut it = row.split('|');
            if let Some(canonical) = it.next() {
                for v in it {
                    m.insert(v, canonical);
                }
            }
        }
        m
    })
    .get(token)
    .copied()
}

/// The canonical spelling of one folded token (itself when it has no listed variant).
pub fn canonical_token(token: &str) -> &str {
    variant_canonical(token).unwrap_or(token)
}

/// The canonical spelling of one folded word as the BGV name decisions use it: the `abd` forms
/// are `abdul` (`abdel`, `abd`, `abdur` …), then [`canonical_token`].
pub fn canonical_word(token: &str) -> &str {
    if ABD_FORMS.contains(&token) {
        "abdul"
    } else {
        canonical_token(token)
    }
}

/// Whether two folded words are the masculine and feminine forms of one name (`ankit`/`ankita`,
/// `manish`/`manisha`, `kumar`/`kumari`): the longer is the shorter, of at least four letters and
/// ending in a consonant, plus `a`, `i` or `ee`. Such words name different people; they are not
/// spelling variants of each other.
pub fn gender_marked(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let Some(suffix) = long.strip_prefix(short) else {
        return false;
    };
    let b = short.as_bytes();
    // A final `h` after a vowel is silent (`fatimah`/`fatima`), as is a final `y`.
    let ends_in_consonant = match b {
        [.., prev, b'h'] => !is_vowel(*prev),
        [.., c] => c.is_ascii_alphabetic() && !is_vowel(*c) && *c != b'y',
        [] => false,
    };
    short.len() >= 4
        && ends_in_consonant
        && matches!(suffix, "a" | "i" | "ee")
        && canonical_word(short) != canonical_word(long)
}

fn is_legal_form_or_letter(t: &str) -> bool {
    t.len() == 1
        || LEGAL_FORMS.contains(&t)
        || TRAILING_LEGAL_FORMS
            .iter()
            .any(|f| f.len() == 1 && f[0] == t)
        || t == "de"
}

/// `LAST, First` → `First LAST` when the name has exactly one comma and what follows it is not
/// only a legal form (`CIMEX, S.A.` stays as it is).
fn reorder_comma(s: &str) -> Cow<'_, str> {
    let mut parts = s.split(',');
    let (Some(last), Some(first), None) = (parts.next(), parts.next(), parts.next()) else {
        return Cow::Borrowed(s);
    };
    let first_folded = fold_latin(first);
    if first_folded.is_empty() || fold_latin(last).is_empty() {
        return Cow::Borrowed(s);
    }
    if first_folded.split(' ').all(is_legal_form_or_letter) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("{} {}", first.trim(), last.trim()))
}

/// Splits glued `abdulrahman`, `mohammadreza` into two tokens.
fn split_glued(token: &str, out: &mut Vec<String>) {
    if let Some((prefix, rest)) = GLUED_PREFIXES
        .iter()
        .find_map(|p| token.strip_prefix(p).map(|rest| (*p, rest)))
    {
        // `muhammadiyah`, `mohammadi`: a suffix, not a second name.
        let suffix_like = prefix.starts_with('m') && rest.starts_with(['i', 'u', 'y']);
        if rest.len() >= 4
            && !suffix_like
            && !NOT_SPLIT_TAILS.contains(&rest)
            && rest.bytes().all(|b| b.is_ascii_alphabetic())
        {
            out.push(prefix.to_string());
            out.push(rest.to_string());
            return;
        }
    }
    out.push(token.to_string());
}

/// Normalises a name for matching. Never fails: a name that folds to nothing gives an empty
/// [`NormalisedName`].
pub fn normalise(name: &str) -> NormalisedName {
    let name = without_ignorables(name);
    let reordered = reorder_comma(&name);
    let folded = fold_latin(&reordered);
    let mut raw: Vec<String> = Vec::new();
    for t in folded.split(' ').filter(|t| !t.is_empty()) {
        split_glued(t, &mut raw);
    }
    if raw.is_empty() {
        return NormalisedName::default();
    }
    let tokens = normalise_tokens(&raw);
    NormalisedName::from_tokens(tokens)
}

/// `(canonical token, spelling)` pairs.
fn normalise_tokens(raw: &[String]) -> Vec<(String, String)> {
    // Legal forms: anywhere, then at the tail, then at the head.
    let mut toks: Vec<&str> = raw.iter().map(String::as_str).collect();
    let without_forms: Vec<&str> = toks.iter().copied().filter(|t| !is_legal_form(t)).collect();
    if !without_forms.is_empty() {
        toks = without_forms;
    }
    let mut changed = true;
    while changed && toks.len() > 1 {
        changed = false;
        for form in TRAILING_LEGAL_FORMS {
            if toks.len() > form.len() && toks.ends_with(form) {
                toks.truncate(toks.len() - form.len());
                changed = true;
                break;
            }
        }
    }
    if toks.len() > 1 && LEADING_LEGAL_FORMS.contains(&toks[0]) {
        toks.remove(0);
    }
    // Honorifics.
    let without_titles: Vec<&str> = toks.iter().copied().filter(|t| !is_honorific(t)).collect();
    if !without_titles.is_empty() {
        toks = without_titles;
    }
    // Particles, `abd` forms, articles, variants.
    let n = toks.len();
    let mut out: Vec<(String, String)> = Vec::with_capacity(n);
    let pair = |t: &str| (canonical_token(t).to_string(), t.to_string());
    let mut i = 0;
    while i < n {
        let t = toks[i];
        let remaining_after = n - i - 1;
        if PARTICLES.contains(&t) && n > 1 {
            i += 1;
            continue;
        }
        if ABD_FORMS.contains(&t) {
            out.push(("abdul".to_string(), t.to_string()));
            if toks.get(i + 1).is_some_and(|next| {
                matches!(
                    *next,
                    "al" | "el"
                        | "ul"
                        | "ar"
                        | "ur"
                        | "as"
                        | "us"
                        | "an"
                        | "ad"
                        | "ash"
                        | "at"
                        | "az"
                        | "er"
                        | "en"
                )
            }) && i + 2 < n
            {
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        if ARTICLES.contains(&t) && remaining_after >= 1 && raw.len() >= 3 {
            i += 1;
            continue;
        }
        if t == "ben" && i > 0 && remaining_after >= 1 {
            i += 1;
            continue;
        }
        out.push(pair(t));
        i += 1;
    }
    if out.is_empty() {
        out = toks.iter().map(|t| pair(t)).collect();
    }
    out
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The phonetic key of one folded token: consonant digraphs simplified (`ph`→`f`, `kh`→`k`,
/// `gh`→`g`, `th`→`t`, `dh`→`d`, `bh`→`b`, `sh`→`s`, `dj`→`j`, `ck`/`q`/hard `c`→`k`, soft `c`→`s`,
/// `w`→`v`, `x`→`ks`), each vowel run reduced to the class of its first vowel (`a`; `e`/`i`→`i`;
/// `o`/`u`→`u`; `y` between vowels or after a consonant at the end counts as a vowel), a final `h`
/// after a vowel dropped and doubled letters collapsed. Digits pass through.
pub fn phonetic_key(token: &str) -> String {
    let b = token.as_bytes();
    let n = b.len();
    let mut cons: Vec<u8> = Vec::with_capacity(n + 2);
    let mut i = 0;
    while i < n {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let two = |x: u8| next == Some(x);
        let (out, step): (&[u8], usize) = match c {
            b'p' if two(b'h') => (b"f", 2),
            b'k' if two(b'h') => (b"k", 2),
            b'g' if two(b'h') => (b"g", 2),
            b't' if two(b'h') => (b"t", 2),
            b'd' if two(b'h') => (b"d", 2),
            b'b' if two(b'h') => (b"b", 2),
            b'j' if two(b'h') => (b"j", 2),
            b's' if two(b'h') => (b"s", 2),
            b'd' if two(b'j') => (b"j", 2),
            b't' if two(b'j') => (b"c", 2),
            b'c' if two(b'h') => (b"c", 2),
            b'c' if two(b'k') => (b"k", 2),
            b'c' if matches!(next, Some(b'e' | b'i' | b'y')) => (b"s", 1),
            b'c' | b'q' => (b"k", 1),
            b'w' => (b"v", 1),
            b'x' => (b"ks", 1),
            b'o' if two(b'e') => (b"u", 2),
            _ => (&b[i..i + 1], 1),
        };
        cons.extend_from_slice(out);
        i += step;
    }
    // Vowel classes and runs.
    let m = cons.len();
    let vowelish = |j: usize| -> bool {
        let c = cons[j];
        if is_vowel(c) {
            return true;
        }
        if c == b'y' {
            let prev_v = j > 0 && is_vowel(cons[j - 1]);
            let next_v = j + 1 < m && is_vowel(cons[j + 1]);
            let at_end = j + 1 == m;
            return (prev_v && next_v) || (at_end && j > 0 && !prev_v);
        }
        false
    };
    let mut out: Vec<u8> = Vec::with_capacity(m);
    let mut j = 0;
    while j < m {
        if vowelish(j) {
            let first = cons[j];
            let mut k = j + 1;
            while k < m && vowelish(k) {
                k += 1;
            }
            out.push(match first {
                b'a' => b'a',
                b'e' | b'i' | b'y' => b'i',
                _ => b'u',
            });
            j = k;
        } else {
            out.push(cons[j]);
            j += 1;
        }
    }
    if out.len() > 2 && out.last() == Some(&b'h') && is_vowel(out[out.len() - 2]) {
        out.pop();
    }
    out.dedup();
    String::from_utf8(out).unwrap_or_default()
}

/// The consonant skeleton of a phonetic key: its first letter, then its consonants (doubled
/// ones collapsed).
pub fn skeleton_key(key: &str) -> String {
    let b = key.as_bytes();
    let Some((&first, rest)) = b.split_first() else {
        return String::new();
    };
    let mut out = vec![first];
    for &c in rest {
        if !is_vowel(c) && out.last() != Some(&c) {
            out.push(c);
        }
    }
    String::from_utf8(out).unwrap_or_default()
}
