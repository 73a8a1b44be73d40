//! Word helpers shared by the name and address matchers: a romanisation-tolerant phonetic key,
//! spelling similarity, relation markers, display and a greedy token alignment. The words
//! themselves come from the one name normaliser (`domain::names::tokens`: the written form).
//!
//! The phonetic key here is the BGV comparer's own, not the screening model's
//! (`domain::names::phonetic_key`). Two words with the same key here pair as a *variant*, which
//! can clear a check with no person looking, so it only unifies spellings that Indian and
//! Indonesian romanisations interchange (`Gaurav`/`Gourav`, `Laxmi`/`Lakshmi`). The screening
//! key reduces every vowel run to one of three classes so that candidates are not missed:
//! `Patel` and `Patil` share a key there, which here would clear a different surname.

/// Whether the token is plain lowercase ASCII letters, i.e. something the
/// phonetic key and spelling similarity can reason about.
pub(super) fn is_ascii_word(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_lowercase())
}

/// Whether the token contains a digit (house numbers, pincodes, ...).
pub(super) fn has_digit(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit())
}

/// Two-letter spellings that Indian (and old Indonesian) romanisations use
/// interchangeably with a single letter. Aspiration is dropped ("bh" → "b"),
/// "sh" joins "s" (Shrinivas/Srinivas), "ph" joins "f", and the
/// pre-1972 Indonesian "tj", "dj" and "oe" become "c", "j" and "u"
/// (Soekarno/Sukarno).
const DIGRAPHS: [(&[u8], &[u8]); 13] = [
    (b"ch", b"c"),
    (b"sh", b"s"),
    (b"kh", b"k"),
    (b"gh", b"g"),
    (b"jh", b"j"),
    (b"th", b"t"),
    (b"dh", b"d"),
    (b"ph", b"f"),
    (b"bh", b"b"),
    (b"ck", b"k"),
    (b"tj", b"c"),
    (b"dj", b"j"),
    (b"oe", b"u"),
];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// A key under which common romanisation variants of the same word are
/// equal: "Srinivas", "Shrinivas" and "Sreenivas" all give `srinivas`;
/// "Laxmi" and "Lakshmi" give `laksmi`; "Gaurav" and "Gourav" give `gorav`.
///
/// Steps: digraphs above; `x` → `ks`, `q` → `k`; `w` is `v` except after a
/// vowel and before a consonant, where it is a vowel (`ow` ≈ `ou`); `y` is a
/// consonant only before a vowel; a final `h` after a vowel is silent
/// ("Shah"/"Sha"); doubled consonants are single; every run of vowels is
/// reduced to one canonical vowel (`ee`/`ie`/`ea` → `i`, `oo` → `u`,
/// `au`/`ou` → `o`, `ai`/`ay`/`ei` → `e`, `aa` → `a`).
///
/// Words that are not plain ASCII letters are returned unchanged.
pub(super) fn phonetic_key(token: &str) -> String {
    if !is_ascii_word(token) {
        return token.to_owned();
    }
    let s = token.as_bytes();
    let mut spelled: Vec<u8> = Vec::with_capacity(s.len() + 2);
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with(b"chh") {
            spelled.push(b'c');
            i += 3;
            continue;
        }
        if let Some((from, to)) = DIGRAPHS.iter().find(|(from, _)| rest.starts_with(from)) {
            spelled.extend_from_slice(to);
            i += from.len();
            continue;
        }
        let next_is_vowel = s.get(i + 1).is_some_and(|&b| is_vowel(b));
        let prev_is_vowel = spelled.last().is_some_and(|&b| is_vowel(b));
        match s[i] {
            b'x' => spelled.extend_from_slice(b"ks"),
            b'q' => spelled.push(b'k'),
            b'w' if prev_is_vowel && !next_is_vowel => spelled.push(b'u'),
            b'w' => spelled.push(b'v'),
            b'y' if next_is_vowel => spelled.push(b'y'),
            b'y' => spelled.push(b'i'),
            b'h' if i + 1 == s.len() && prev_is_vowel => {}
            other => spelled.push(other),
        }
        i += 1;
    }

    let mut key = String::with_capacity(spelled.len());
    let mut j = 0;
    while j < spelled.len() {
        let c = spelled[j];
        if is_vowel(c) {
            let start = j;
            while j < spelled.len() && is_vowel(spelled[j]) {
                j += 1;
            }
            key.push_str(&canonical_vowels(&spelled[start..j]));
        } else {
            if !key.ends_with(char::from(c)) {
                key.push(char::from(c));
            }
            j += 1;
        }
    }
    key
}

/// Reduces one run of vowels to its canonical spelling.
fn canonical_vowels(run: &[u8]) -> String {
    let canonical: &[u8] = match run {
        b"a" | b"aa" => b"a",
        b"i" | b"ii" | b"ee" | b"ie" | b"ea" => b"i",
        b"u" | b"uu" | b"oo" => b"u",
        b"o" | b"au" | b"ou" | b"aau" => b"o",
        b"e" | b"ai" | b"ae" | b"ei" | b"aai" => b"e",
        other => other,
    };
    let mut out = String::with_capacity(canonical.len());
    for &b in canonical {
        if !out.ends_with(char::from(b)) {
            out.push(char::from(b));
        }
    }
    out
}

/// Jaro-Winkler similarity, made exactly symmetric by always passing the
/// arguments in the same order (implementations can differ by rounding or
/// match order when swapped, and our levels must not).
pub(super) fn similarity(a: &str, b: &str) -> f64 {
    if a <= b {
        strsim::jaro_winkler(a, b)
    } else {
        strsim::jaro_winkler(b, a)
    }
}

/// Sum of scores. Unlike `Iterator::sum`, an empty sum is `+0.0`, not
/// `-0.0`, which would otherwise leak into scores and percentages.
pub(super) fn total(scores: impl Iterator<Item = f64>) -> f64 {
    scores.fold(0.0, |acc, s| acc + s)
}

/// A token for display in a reason: first letter upper-cased.
pub(super) fn display(token: &str) -> String {
    let mut chars = token.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Quotes and joins display tokens: `'A', 'B' and 'C'`.
pub(super) fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("'{}'", display(s.as_ref())))
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// The byte offset at which a relation marker (S/O, D/O, W/O, C/O, H/O, in
/// any case, with `/`, `\` or `.` and optional spaces) starts, if any.
/// Matching on the raw text matters: after folding, "S/O" is just two
/// one-letter words and would look like initials.
pub(super) fn relation_marker_start(raw: &str) -> Option<usize> {
    let b = raw.as_bytes();
    let skip_spaces = |mut k: usize| {
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        k
    };
    for i in 0..b.len() {
        if !matches!(b[i].to_ascii_lowercase(), b's' | b'd' | b'w' | b'c' | b'h') {
            continue;
        }
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        let j = skip_spaces(i + 1);
        if !matches!(b.get(j), Some(b'/' | b'\\' | b'.')) {
            continue;
        }
        let k = skip_spaces(j + 1);
        if !matches!(b.get(k), Some(b'o' | b'O')) {
            continue;
        }
        if b.get(k + 1).is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        return Some(i);
    }
    None
}

/// One aligned pair of tokens: index on each side, its score and a kind
/// chosen by the caller.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pair<K> {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) score: f64,
    pub(super) kind: K,
}

/// Greedy one-to-one alignment of tokens: best-scoring pairs first.
///
/// Ties are broken by how far apart the tokens are, then by position. Two
/// candidate pairs that share a token always differ in one of these keys, so
/// the chosen set of pairs is the same whichever side is passed first; this is
/// what makes the name and address levels symmetric.
pub(super) fn align<K: Copy>(
    n: usize,
    m: usize,
    mut score: impl FnMut(usize, usize) -> Option<(f64, K)>,
) -> Vec<Pair<K>> {
    let mut candidates = Vec::new();
    for a in 0..n {
        for b in 0..m {
            if let Some((s, kind)) = score(a, b) {
                candidates.push(Pair {
                    a,
                    b,
                    score: s,
                    kind,
                });
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.a.abs_diff(x.b).cmp(&y.a.abs_diff(y.b)))
            .then((x.a + x.b).cmp(&(y.a + y.b)))
    });
    let mut used_a = vec![false; n];
    let mut used_b = vec![false; m];
    let mut chosen = Vec::new();
    for pair in candidates {
        if !used_a[pair.a] && !used_b[pair.b] {
            used_a[pair.a] = true;
            used_b[pair.b] = true;
            chosen.push(pair);
        }
    }
    chosen
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn phonetic_key_unifies_romanisations() {
        for group in [
            &["srinivas", "shrinivas", "sreenivas"][..],
            &["laxmi", "lakshmi"],
            &["gaurav", "gourav"],
            &["sukarno", "soekarno"],
            &["nurhaliza", "noorhaliza"],
            &["deepak", "dipak"],
        ] {
            let keys: Vec<String> = group.iter().map(|t| phonetic_key(t)).collect();
            assert!(
                keys.windows(2).all(|w| w[0] == w[1]),
                "{group:?} -> {keys:?}"
            );
        }
        assert_ne!(phonetic_key("patel"), phonetic_key("patil"));
        assert_ne!(phonetic_key("sunil"), phonetic_key("sonal"));
    }

    #[test]
    fn relation_markers_found_only_as_markers() {
        assert_eq!(relation_marker_start("Vivek S/O Ramesh"), Some(6));
        assert_eq!(relation_marker_start("Asha d.o. Ramesh"), Some(5));
        assert_eq!(relation_marker_start("Asha W / O Ramesh"), Some(5));
        assert_eq!(relation_marker_start("Rasho Ram"), None);
        assert_eq!(relation_marker_start("S/Om"), None);
    }
}
