//! The one name normaliser: every comparison of person or organisation names goes through it —
//! the BGV name decisions (`domain::matching`, which also folds addresses with it), sanctions
//! and PEP screening (`screening::index` builds its keys from [`normalise`]), the sandbox PEP
//! stage (`domain::kyc::name_score`) and the validation of a person's name
//! (`domain::person`). `docs/matching.md` ("One Unicode and script policy") says the same for
//! readers of the docs.
//!
//! # The Unicode and script policy
//!
//! [`fold`] gives a name's **written form**, in this order:
//!
//! 1. **Default-ignorable code points are removed** ([`is_default_ignorable`]: zero-width spaces
//!    and joiners, bidi controls, variation selectors, Hangul fillers, tags …), so
//!    `Jo\u{200B}rge` is `Jorge`. Apostrophes are deleted too (`D'Souza` = `Dsouza`,
//!    `Saʿid` = `Said`), before and after the next step, since compatibility decomposition turns
//!    some of them (`´`) into a space and an accent.
//! 2. **Compatibility forms are unified** (NFKD, then canonical composition: NFKC apart from
//!    step 3): full-width `ＡＢＣ` is `abc`, the ligature `ﬁ` is `fi`, a decomposed nukta equals
//!    the precomposed letter, Hangul jamo recombine into syllables.
//! 3. **Optional diacritics are dropped in every script**: the accents of Latin, Greek and
//!    Cyrillic (the combining diacritical marks: `José` = `Jose`, `Σωκράτης` = `Σωκρατης`,
//!    `Ёлкин` = `Елкин`), Arabic vowel points and hamza marks (`مُحَمَّد` = `محمد`, `أحمد` =
//!    `احمد`), Hebrew points and Syriac vowels. Marks that spell the word are kept: Indic vowel
//!    signs, virama, nukta and anusvara, Thai and Lao vowels and tones, kana voicing marks.
//! 4. **Case is folded**: lower case, and Greek final sigma is sigma.
//! 5. **Latin letters are reduced to ASCII** (`Straße` = `strasse`, `Łukasz` = `lukasz`,
//!    `Øyvind` = `oyvind`). **Other scripts are kept as written**: `विवेक पटेल` stays Devanagari,
//!    `王伟` stays Han.
//! 6. Letters, digits and marks make words; everything else (punctuation, symbols, emoji)
//!    separates them; words are joined by single spaces.
//!
//! Each word written in another script also has a **Latin form** ([`latin`]: `deunicode` over
//! the written form, then step 6 again): `विवेक पटेल` → `vivek pttel`, `محمد` → `mhmd`,
//! `Владимир` → `vladimir`, `王伟` → `wang wei`. [`fold_latin`] is the whole name in that form,
//! ASCII only; a Latin-script name is its own Latin form.
//!
//! # Who compares which form, and why
//!
//! * **BGV name decisions compare the written form.** A word in another script pairs only with
//!   the same word in that script: `विवेक पटेल` / `Vivek Patel` has no word in common and is a
//!   mismatch. A Strong result clears a check without a person looking, and transliteration is
//!   lossy — `王伟` and `汪伟` (different people) are both `wang wei`, `पटेल` comes out as
//!   `pttel`, Arabic loses its short vowels — so an identity decision never rests on it.
//! * **Screening (and so the PEP stage) compares the Latin form** ([`normalise`] works on
//!   [`fold_latin`]): the lists are in Latin script, a listed person must be found whichever
//!   script the name is typed in, and every hit is a candidate for a person to review, not a
//!   decision.
//!
//! Both forms come from the same steps 1–6, so BGV and screening agree on everything but the
//! script question, and on that they differ on purpose. Before this module the two sides folded
//! separately, with opposite policies, and screening's dropped every combining mark before
//! transliterating — Indic vowel signs included (`विवेक` was `vvk`; now `vivek`).
//!
//! On top of the folded words, [`normalise`] builds the screening name model (`LAST, First`
//! reordered, legal forms, honorifics and particles dropped, transliteration variants folded,
//! phonetic keys and skeletons), and [`canonical_word`] and [`gender_marked`] are the part of
//! that model the BGV name decisions share.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub mod distance;
mod name;

#[cfg(test)]
pub(crate) mod tests;

pub use name::{
    NormalisedName, canonical_token, canonical_word, gender_marked, normalise, phonetic_key,
    skeleton_key,
};

/// Unicode's `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt, Unicode 16.0; the same
/// ranges as `regex-syntax`'s table): code points that render as nothing — the soft hyphen, the
/// combining grapheme joiner, zero-width spaces and (non-)joiners, bidi marks and controls, the
/// word joiner and invisible operators, Hangul fillers, Khmer inherent vowels, Mongolian free
/// variation selectors, variation selectors, the byte-order mark, shorthand format controls,
/// musical formatting, tag characters and the unassigned reserve. A name is compared as if they
/// were not there (`Jo\u{200B}rge` is `Jorge`).
const DEFAULT_IGNORABLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// Whether `c` is a default-ignorable code point ([`DEFAULT_IGNORABLE`]).
pub fn is_default_ignorable(c: char) -> bool {
    // Every range is above ASCII.
    !c.is_ascii()
        && DEFAULT_IGNORABLE
            .binary_search_by(|&(low, high)| {
                if high < c {
                    std::cmp::Ordering::Less
                } else if low > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
}

/// `s` without its default-ignorable code points: the first step of every name comparison.
pub fn without_ignorables(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(is_default_ignorable) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !is_default_ignorable(*c)).collect())
}

/// Apostrophes and the letters used as one (`ʼ`, `ʻ`, the `ʿ`/`ʾ` of ayn and hamza in
/// romanised Arabic): deleted, never a word break.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{00B4}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{02BE}'
            | '\u{02BF}'
    )
}

/// Step 3: a combining mark that only decorates a letter — the combining diacritical marks
/// (Latin, Greek and Cyrillic accents), Hebrew points, Arabic vowel points, hamza and Quranic
/// marks, Syriac vowels. Marks of other scripts spell the word and are kept.
fn is_optional_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{0591}'..='\u{05C7}'
            | '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{0730}'..='\u{074A}'
            | '\u{08CA}'..='\u{08FF}'
    ) && is_combining_mark(c)
}

/// Latin letters outside ASCII (Latin-1 Supplement, Extended-A/B, IPA, phonetic extensions,
/// Extended Additional, -C, -D, -E), excluding the two arithmetic signs of Latin-1.
fn is_latin_letter(c: char) -> bool {
    matches!(
        c,
        '\u{00C0}'..='\u{00D6}'
            | '\u{00D8}'..='\u{00F6}'
            | '\u{00F8}'..='\u{02AF}'
            | '\u{1D00}'..='\u{1DBF}'
            | '\u{1E00}'..='\u{1EFF}'
            | '\u{2C60}'..='\u{2C7F}'
            | '\u{A720}'..='\u{A7FF}'
            | '\u{AB30}'..='\u{AB6F}'
    )
}

/// Step 6: words of letters, digits and marks, joined by single spaces.
struct Words {
    out: String,
    /// A break was seen since the last character pushed.
    pending: bool,
}

impl Words {
    fn with_capacity(n: usize) -> Self {
        Words {
            out: String::with_capacity(n),
            pending: false,
        }
    }

    fn push(&mut self, c: char) {
        if self.pending && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.pending = false;
        self.out.push(c);
    }

    fn space(&mut self) {
        self.pending = true;
    }

    /// One ASCII character: a lower-case letter or digit, nothing for an apostrophe, else a
    /// break.
    fn ascii(&mut self, c: char) {
        if c.is_ascii_alphanumeric() {
            self.push(c.to_ascii_lowercase());
        } else if !is_apostrophe(c) {
            self.space();
        }
    }
}

/// A name's written form: steps 1–6 of the policy (module documentation). Never fails; a name
/// without a letter, digit or mark folds to `""`.
pub fn fold(s: &str) -> String {
    let mut words = Words::with_capacity(s.len());
    if s.is_ascii() {
        s.chars().for_each(|c| words.ascii(c));
        return words.out;
    }
    let visible: String = s
        .chars()
        .filter(|&c| !is_default_ignorable(c) && !is_apostrophe(c))
        .collect();
    let composed = visible
        .nfkd()
        .filter(|&c| !is_optional_diacritic(c) && !is_default_ignorable(c))
        .nfc();
    for c in composed {
        if c.is_ascii() {
            words.ascii(c);
        } else if is_apostrophe(c) {
            // An apostrophe out of a compatibility decomposition (`ŉ` is `ʼn`).
        } else if is_latin_letter(c) {
            match deunicode::deunicode_char(c) {
                Some(ascii) => ascii.chars().for_each(|a| words.ascii(a)),
                None => c.to_lowercase().for_each(|l| words.push(l)),
            }
        } else if c == 'ς' {
            words.push('σ');
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            c.to_lowercase().for_each(|l| words.push(l));
        } else {
            words.space();
        }
    }
    words.out
}

/// [`fold`] split into words.
pub fn tokens(s: &str) -> Vec<String> {
    fold(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Latin form of one folded word: the word itself when it is ASCII, else its `deunicode`
/// transliteration folded again (lower case, apostrophes deleted, anything else a break), which
/// may be several words (`王伟` → `wang wei`) or none.
pub fn latin(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        return Cow::Borrowed(word);
    }
    let mut words = Words::with_capacity(word.len() * 2);
    deunicode::deunicode_with_tofu(word, " ")
        .chars()
        .for_each(|c| words.ascii(c));
    Cow::Owned(words.out)
}

/// A name's Latin form: [`fold`], then every word in another script replaced by its [`latin`]
/// form. ASCII letters and digits, words joined by single spaces. What screening and the PEP
/// stage compare.
pub fn fold_latin(s: &str) -> String {
    let written = fold(s);
    if written.is_ascii() {
        return written;
    }
    let mut out = String::with_capacity(written.len() * 2);
    for word in written.split(' ') {
        let word = latin(word);
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}
