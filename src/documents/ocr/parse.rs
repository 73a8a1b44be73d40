//! From recognised lines to the card's typed fields: a line is `Label : value`; labels are
//! matched loosely (OCR garbles them), values are cleaned per field (digits where digits belong,
//! closed vocabularies snapped to their nearest word, dates normalised to DD-MM-YYYY).

use strsim::normalized_levenshtein;

use super::engine::{Line, Word};
use super::{FieldReading, KtpFields};

/// The card's labels (letters only, upper case) and the field each introduces.
const LABELS: &[(&str, Label)] = &[
    ("NIK", Label::Nik),
    ("NAMA", Label::Nama),
    ("TEMPATTGLLAHIR", Label::TempatTgl),
    ("JENISKELAMIN", Label::JenisKelamin),
    ("GOLDARAH", Label::GolDarah),
    ("ALAMAT", Label::Alamat),
    ("RTRW", Label::RtRw),
    ("KELDESA", Label::KelDesa),
    ("KECAMATAN", Label::Kecamatan),
    ("AGAMA", Label::Agama),
    ("STATUSPERKAWINAN", Label::Status),
    ("PEKERJAAN", Label::Pekerjaan),
    ("KEWARGANEGARAAN", Label::Kewarganegaraan),
    ("BERLAKUHINGGA", Label::Berlaku),
];

/// A printed label: which field its row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Nik,
    Nama,
    TempatTgl,
    JenisKelamin,
    GolDarah,
    Alamat,
    RtRw,
    KelDesa,
    Kecamatan,
    Agama,
    Status,
    Pekerjaan,
    Kewarganegaraan,
    Berlaku,
}

pub const PROVINCES: &[&str] = &[
    "ACEH",
    "SUMATERA UTARA",
    "SUMATERA BARAT",
    "RIAU",
    "JAMBI",
    "SUMATERA SELATAN",
    "BENGKULU",
    "LAMPUNG",
    "KEPULAUAN BANGKA BELITUNG",
    "KEPULAUAN RIAU",
    "DKI JAKARTA",
    "JAWA BARAT",
    "JAWA TENGAH",
    "DI YOGYAKARTA",
    "JAWA TIMUR",
    "BANTEN",
    "BALI",
    "NUSA TENGGARA BARAT",
    "NUSA TENGGARA TIMUR",
    "KALIMANTAN BARAT",
    "KALIMANTAN TENGAH",
    "KALIMANTAN SELATAN",
    "KALIMANTAN TIMUR",
    "KALIMANTAN UTARA",
    "SULAWESI UTARA",
    "SULAWESI TENGAH",
    "SULAWESI SELATAN",
    "SULAWESI TENGGARA",
    "GORONTALO",
    "SULAWESI BARAT",
    "MALUKU",
    "MALUKU UTARA",
    "PAPUA",
    "PAPUA BARAT",
    "PAPUA SELATAN",
    "PAPUA TENGAH",
    "PAPUA PEGUNUNGAN",
    "PAPUA BARAT DAYA",
];
const GENDERS: &[&str] = &["LAKI-LAKI", "PEREMPUAN"];
/// Blood groups as cards print them, with and without the rhesus sign.
const BLOOD: &[&str] = &[
    "A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "-",
];
/// Both spellings of the Catholic faith occur on real cards (`KATOLIK`, `KATHOLIK`): the value
/// keeps the one printed.
const RELIGIONS: &[&str] = &[
    "ISLAM",
    "KRISTEN",
    "KATOLIK",
    "KATHOLIK",
    "HINDU",
    "BUDDHA",
    "KONGHUCU",
    "KEPERCAYAAN TERHADAP TUHAN YME",
];
const MARITAL: &[&str] = &["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"];
const NATIONALITY: &[&str] = &["WNI", "WNA"];
const OCCUPATIONS: &[&str] = &[
    "BELUM/TIDAK BEKERJA",
    "MENGURUS RUMAH TANGGA",
    "PELAJAR/MAHASISWA",
    "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA",
    "KEPOLISIAN RI",
    "PERDAGANGAN",
    "PETANI/PEKEBUN",
    "PETERNAK",
    "NELAYAN/PERIKANAN",
    "INDUSTRI",
    "KONSTRUKSI",
    "TRANSPORTASI",
    "KARYAWAN SWASTA",
    "KARYAWAN BUMN",
    "KARYAWAN BUMD",
    "KARYAWAN HONORER",
    "BURUH HARIAN LEPAS",
    "PEDAGANG",
    "WIRASWASTA",
    "GURU",
    "DOSEN",
    "DOKTER",
    "BIDAN",
    "PERAWAT",
    "SOPIR",
    "WARTAWAN",
    "PENGACARA",
    "NOTARIS",
    "ARSITEK",
    "APOTEKER",
    "PELAUT",
    "MEKANIK",
    "TUKANG BATU",
];

fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The best label for `text`, with its similarity, if similar enough.
fn match_label(text: &str) -> Option<(Label, f64)> {
    let t = letters(text);
    if t.is_empty() {
        return None;
    }
    LABELS
        .iter()
        .map(|(l, lab)| (*lab, normalized_levenshtein(&t, l)))
        .filter(|(_, s)| *s >= 0.6)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// A value's words with their confidences.
#[derive(Debug, Clone, Default)]
struct Value {
    words: Vec<(String, f32)>,
}

impl Value {
    fn text(&self) -> String {
        self.words
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    fn conf(&self) -> f32 {
        if self.words.is_empty() {
            return 0.0;
        }
        self.words.iter().map(|(_, c)| *c).sum::<f32>() / self.words.len() as f32 / 100.0
    }
    fn is_empty(&self) -> bool {
        self.words.iter().all(|(t, _)| t.trim().is_empty())
    }
}

/// Splits a line into label words and value words at its first colon (a colon may stand alone
/// or stick to a word); without a colon, at the longest prefix of up to three words that reads
/// as a label.
fn split_line(words: &[Word]) -> Option<(Label, Value)> {
    for (i, w) in words.iter().enumerate() {
        if let Some(pos) = w.text.find(':') {
            let mut label: Vec<&str> = words[..i].iter().map(|w| w.text.as_str()).collect();
            let before = &w.text[..pos];
            if !before.is_empty() {
                label.push(before);
            }
            let Some((lab, _)) = match_label(&label.join(" ")) else {
                // The first colon was misread; the one found belongs to a later label
                // ("Jenis Kelamin 1 LAKI-LAKI Gol. Darah : B"): try the label words instead.
                break;
            };
            let mut value = Value::default();
            let after = w.text[pos + 1..].trim();
            if !after.is_empty() {
                value.words.push((after.to_owned(), w.conf));
            }
            let end = gap_end(lab, &words[i..]);
            value.words.extend(
                words[i + 1..i + end]
                    .iter()
                    .map(|w| (w.text.clone(), w.conf)),
            );
            return Some((lab, value));
        }
    }
    let mut best: Option<(Label, f64, usize)> = None;
    for n in 1..=words.len().min(3) {
        let joined: Vec<&str> = words[..n].iter().map(|w| w.text.as_str()).collect();
        if let Some((lab, s)) = match_label(&joined.join(" "))
            && best.is_none_or(|(_, b, _)| s > b)
        {
            best = Some((lab, s, n));
        }
    }
    let (lab, score, n) = best?;
    if score < 0.75 {
        return None;
    }
    let mut rest = &words[n..];
    // The colon misread as a one-character word ("1", "l", "|", ";"): values never start so.
    if let Some(first) = rest.first()
        && first.text.chars().count() == 1
        && first
            .text
            .chars()
            .all(|c| !c.is_ascii_uppercase() && c != '-')
    {
        rest = &rest[1..];
    }
    let rest = &rest[..gap_end(lab, rest)];
    // ... or stuck to the value (":JL." read "1JL.", "iSANUR").
    let mut value = Value {
        words: rest.iter().map(|w| (w.text.clone(), w.conf)).collect(),
    };
    if let Some((first, _)) = value.words.first_mut() {
        let mut chars = first.chars();
        if let (Some(c), Some(d)) = (chars.next(), chars.next())
            && matches!(c, '1' | 'l' | 'i' | '|' | ';' | '!' | ':')
            && d.is_ascii_uppercase()
        {
            *first = first[c.len_utf8()..].to_owned();
        }
    }
    Some((lab, value))
}

impl Label {
    /// The row of the label in the KTP layout, counted from Nama (the NIK's is above it).
    pub fn row(self) -> Option<usize> {
        Some(match self {
            Label::Nik => return None,
            Label::Nama => 0,
            Label::TempatTgl => 1,
            Label::JenisKelamin | Label::GolDarah => 2,
            Label::Alamat => 3,
            Label::RtRw => 4,
            Label::KelDesa => 5,
            Label::Kecamatan => 6,
            Label::Agama => 7,
            Label::Status => 8,
            Label::Pekerjaan => 9,
            Label::Kewarganegaraan => 10,
            Label::Berlaku => 11,
        })
    }

    /// The labels of the rows, in order.
    pub const ROWS: [Label; 12] = [
        Label::Nama,
        Label::TempatTgl,
        Label::JenisKelamin,
        Label::Alamat,
        Label::RtRw,
        Label::KelDesa,
        Label::Kecamatan,
        Label::Agama,
        Label::Status,
        Label::Pekerjaan,
        Label::Kewarganegaraan,
        Label::Berlaku,
    ];
}

/// The label a recognised line starts with and the x where its value starts (after the colon,
/// else at the first word after the label's), when it reads as a label row. Looser than the
/// parse of a value (a label read at 0.6 similarity without its colon still places its row).
pub fn label_row(line: &Line) -> Option<(Label, Option<u32>)> {
    let words: Vec<Word> = line
        .words
        .iter()
        .skip_while(|w| !w.text.chars().any(char::is_alphanumeric))
        .cloned()
        .collect();
    if let Some((label, _)) = split_line(&words) {
        // The colon, when it is among the label's first words (not inside the value).
        for (i, w) in words.iter().enumerate().take(4) {
            if let Some(pos) = w.text.find(':') {
                let n = w.text.chars().count().max(1) as u32;
                let at = w.text[..pos].chars().count() as u32 + 1;
                let x = if at >= n {
                    words.get(i + 1).map_or(w.left + w.width, |next| next.left)
                } else {
                    w.left + w.width * at / n
                };
                return Some((label, Some(x)));
            }
        }
    }
    let mut best: Option<(Label, f64, usize)> = None;
    for n in 1..=words.len().min(3) {
        let joined: Vec<&str> = words[..n].iter().map(|w| w.text.as_str()).collect();
        if let Some((lab, s)) = match_label(&joined.join(" "))
            && best.is_none_or(|(_, b, _)| s > b)
        {
            best = Some((lab, s, n));
        }
    }
    let (label, _, n) = best?;
    let mut rest = &words[n..];
    if rest.first().is_some_and(|w| w.text.chars().count() == 1) {
        rest = &rest[1..];
    }
    Some((label, rest.first().map(|w| w.left)))
}

/// Assigns a value read on its own (the row's value region) to the field of `label`.
pub fn assign_words(f: &mut KtpFields, label: Label, words: &[Word]) {
    let words = &words[..gap_end(label, words)];
    let mut words: Vec<Word> = words
        .iter()
        .skip_while(|w| !w.text.chars().any(char::is_alphanumeric))
        .cloned()
        .collect();
    // The colon read into the value's start (".SIANTAN", "1 JL.", ":KP.").
    if label != Label::RtRw {
        if words.len() > 1
            && words[0].text.chars().count() == 1
            && matches!(
                words[0].text.as_str(),
                "1" | "l" | "i" | "I" | "|" | "!" | "." | ","
            )
        {
            words.remove(0);
        }
        if let Some(first) = words.first_mut() {
            let t = first
                .text
                .trim_start_matches(['.', ',', ':', ';', '\'', '`']);
            first.text = t.to_owned();
        }
    }
    // A lone letter after a place or a name is the background, not the value.
    if matches!(
        label,
        Label::Nama
            | Label::KelDesa
            | Label::Kecamatan
            | Label::Agama
            | Label::Status
            | Label::Pekerjaan
            | Label::Kewarganegaraan
    ) {
        while words.len() > 1 && words.last().is_some_and(|w| w.text.chars().count() == 1) {
            words.pop();
        }
    }
    let value = Value {
        words: words.iter().map(|w| (w.text.clone(), w.conf)).collect(),
    };
    if !value.is_empty() {
        assign(f, label, value);
    }
}

/// Where a value ends: at the first gap between words wider than three letter heights. The
/// card's background pattern (guilloche, the "KARTU TANDA PENDUDUK" watermark) is read as short
/// words well to the right of the value; a value's own words are a space apart. The sex line
/// keeps its gap (the blood group follows it on the same line).
fn gap_end(label: Label, words: &[Word]) -> usize {
    if label == Label::JenisKelamin || words.len() < 2 {
        return words.len();
    }
    let mut heights: Vec<u32> = words.iter().map(|w| w.height).collect();
    heights.sort_unstable();
    let h = heights[heights.len() / 2].max(8);
    for i in 1..words.len() {
        let prev = &words[i - 1];
        let gap = i64::from(words[i].left) - i64::from(prev.left + prev.width);
        if gap > i64::from(h) * 3 {
            return i;
        }
    }
    words.len()
}

/// A value's trailing words that are background noise: at most two letters or digits read with
/// little confidence ("SO 5" after a kecamatan, "SE" after an RT/RW).
fn trim_noise(mut v: Value) -> Value {
    while v.words.len() > 1 {
        let Some((t, c)) = v.words.last() else { break };
        let alnum = t.chars().filter(|c| c.is_alphanumeric()).count();
        if (alnum <= 2 && *c < 60.0) || alnum == 0 || *c < 25.0 {
            v.words.pop();
        } else {
            break;
        }
    }
    v
}

/// Parses the lines of the card's text area.
pub fn parse(lines: &[Line]) -> KtpFields {
    let mut f = KtpFields::default();
    let mut seen_label = false;
    let mut last: Option<Label> = None;
    for line in lines {
        // Marks left of the first word (the card's edge, a stray colon) are noise.
        let words: Vec<Word> = line
            .words
            .iter()
            .skip_while(|w| !w.text.chars().any(char::is_alphanumeric))
            .filter(|w| {
                !w.text
                    .chars()
                    .all(|c| !c.is_alphanumeric() && c != ':' && c != '-')
            })
            .cloned()
            .collect();
        if words.is_empty() {
            continue;
        }
        let first = letters(&words[0].text);
        if !seen_label
            && (normalized_levenshtein(&first, "PROVINSI") >= 0.7 || first.starts_with("PROV"))
        {
            let v = Value {
                words: words[1..]
                    .iter()
                    .map(|w| (w.text.clone(), w.conf))
                    .collect(),
            };
            f.provinsi = snap(&v, PROVINCES, 0.7);
            continue;
        }
        match split_line(&words) {
            Some((label, value)) => {
                seen_label = true;
                last = Some(label);
                assign(&mut f, label, value);
            }
            // A value printed on two lines: the birth date under the place, an address's
            // second line.
            None if seen_label => {
                let v = trim_noise(Value {
                    words: words.iter().map(|w| (w.text.clone(), w.conf)).collect(),
                });
                match last {
                    Some(Label::TempatTgl) if f.tanggal_lahir.is_none() => {
                        if let Some(d) = date_of(&v.text()) {
                            f.tanggal_lahir = Some(FieldReading::new(d, v.conf()));
                        }
                    }
                    Some(Label::Alamat) => {
                        if let (Some(a), Some(more)) = (f.alamat.as_mut(), plain(&v))
                            && more.value.chars().filter(|c| c.is_alphanumeric()).count() >= 3
                            && more.confidence >= 0.5
                        {
                            a.value = format!("{} {}", a.value, more.value);
                            a.confidence = a.confidence.min(more.confidence);
                        }
                    }
                    _ => {}
                }
                last = None;
            }
            // The regency/city line under the province.
            None if !seen_label && f.provinsi.is_some() && f.kabupaten_kota.is_none() => {
                let v = Value {
                    words: words.iter().map(|w| (w.text.clone(), w.conf)).collect(),
                };
                f.kabupaten_kota = plain(&v);
            }
            None => {}
        }
    }
    f
}

fn assign(f: &mut KtpFields, label: Label, value: Value) {
    let value = if label == Label::JenisKelamin {
        value
    } else {
        trim_noise(value)
    };
    match label {
        Label::Nik => f.nik = nik(&value),
        Label::Nama => f.nama = name(&value),
        Label::TempatTgl => {
            let (place, date) = place_and_date(&value);
            f.tempat_lahir = place;
            f.tanggal_lahir = date;
        }
        Label::JenisKelamin => {
            // "LAKI-LAKI Gol. Darah : O" on one line.
            let idx = value.words.iter().position(|(t, _)| {
                let l = letters(t);
                l == "GOL" || l.starts_with("GOL") || normalized_levenshtein(&l, "DARAH") >= 0.6
            });
            let (sex, blood) = match idx {
                Some(i) => {
                    let rest = Value {
                        words: value.words[i..].to_vec(),
                    };
                    (
                        Value {
                            words: value.words[..i].to_vec(),
                        },
                        Some(blood_value(&rest)),
                    )
                }
                None => (value, None),
            };
            f.jenis_kelamin = snap(&sex, GENDERS, 0.5);
            if let Some(b) = blood {
                f.golongan_darah = b;
            }
        }
        Label::GolDarah => f.golongan_darah = snap(&value, BLOOD, 0.5),
        Label::Alamat => f.alamat = plain(&value),
        Label::RtRw => f.rt_rw = rt_rw(&value),
        Label::KelDesa => f.kelurahan_desa = plain(&value),
        Label::Kecamatan => f.kecamatan = plain(&value),
        Label::Agama => f.agama = snap(&value, RELIGIONS, 0.6),
        Label::Status => f.status_perkawinan = snap(&value, MARITAL, 0.6),
        Label::Pekerjaan => f.pekerjaan = snap_or_keep(&value, OCCUPATIONS, 0.8),
        Label::Kewarganegaraan => f.kewarganegaraan = snap(&value, NATIONALITY, 0.3),
        Label::Berlaku => {
            f.berlaku_hingga = match date_of(&value.text()) {
                Some(d) => Some(FieldReading::new(d, value.conf())),
                None => snap(&value, &["SEUMUR HIDUP"], 0.5),
            }
        }
    }
}

/// "Gol. Darah : O" → the blood group after the colon (or after "Darah").
fn blood_value(rest: &Value) -> Option<FieldReading> {
    let text = rest.text();
    let after = match text.find(':') {
        Some(p) => text[p + 1..].trim().to_owned(),
        None => rest
            .words
            .iter()
            .skip_while(|(t, _)| normalized_levenshtein(&letters(t), "DARAH") < 0.6)
            .skip(1)
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    };
    let conf = rest.words.last().map(|(_, c)| *c / 100.0).unwrap_or(0.0);
    let v = after.trim().to_uppercase().replace('0', "O");
    let v = match v.as_str() {
        "" | "—" | "–" | "_" | "~" | "=" => "-".to_owned(),
        other => other.to_owned(),
    };
    let best = BLOOD
        .iter()
        .map(|b| (*b, normalized_levenshtein(&v, b)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    // "Gol. Darah" read with nothing but a dash (or nothing) after it: the card prints "-"
    // (group not recorded), and the label read is the evidence, not the dash's own confidence.
    let conf = if best.0 == "-" { conf.max(0.6) } else { conf };
    (best.1 >= 0.5).then(|| FieldReading::new(best.0.to_owned(), conf * best.1 as f32))
}

fn clean(s: &str) -> String {
    let s = s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | ';'
                    | '|'
                    | '_'
                    | '~'
                    | '"'
                    | '\''
                    | '#'
                    | '*'
                    | '='
                    | '^'
                    | '«'
                    | '»'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
                    | '°'
            )
    });
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plain(v: &Value) -> Option<FieldReading> {
    if v.is_empty() {
        return None;
    }
    let text = clean(&v.text()).to_uppercase();
    (!text.is_empty()).then(|| FieldReading::new(text, v.conf()))
}

/// A person's name: letters, spaces and the marks names carry (`.`, `'`, `,`, `-`); a digit or
/// mark stuck to its start is the colon or the background read as text.
fn name(v: &Value) -> Option<FieldReading> {
    let r = plain(v)?;
    let text = r
        .value
        .trim_start_matches(|c: char| !c.is_alphabetic())
        .trim_end_matches(|c: char| !c.is_alphabetic() && c != '.');
    let text: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then(|| FieldReading::new(text, r.confidence))
}

/// Snaps to the nearest word of a closed vocabulary when similar enough (confidence scaled by
/// the similarity), else `None`.
fn snap(v: &Value, vocab: &[&str], min: f64) -> Option<FieldReading> {
    let text = clean(&v.text()).to_uppercase();
    if text.is_empty() {
        return None;
    }
    let (word, sim) = vocab
        .iter()
        .map(|w| (*w, normalized_levenshtein(&text, w)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    (sim >= min).then(|| FieldReading::new(word.to_owned(), v.conf() * sim as f32))
}

/// Snaps when close to a known word, else keeps the text read (an open vocabulary).
fn snap_or_keep(v: &Value, vocab: &[&str], min: f64) -> Option<FieldReading> {
    snap(v, vocab, min).or_else(|| plain(v))
}

/// Letters OCR confuses with digits, read as the digit.
pub fn digit_of(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        'O' | 'o' | 'D' | 'Q' | 'U' => Some('0'),
        'I' | 'l' | '|' | 'i' | '!' | 'L' | 'J' | ']' | '[' => Some('1'),
        'Z' | 'z' => Some('2'),
        'S' | 's' | '$' => Some('5'),
        'B' => Some('8'),
        'G' | 'b' => Some('6'),
        'T' | '?' => Some('7'),
        'A' => Some('4'),
        'g' | 'q' => Some('9'),
        _ => None,
    }
}

/// The NIK from the main pass: the value's characters read as digits.
fn nik(v: &Value) -> Option<FieldReading> {
    let digits: String = v.text().chars().filter_map(digit_of).collect();
    (!digits.is_empty()).then(|| FieldReading::new(digits, v.conf()))
}

/// `DD-MM-YYYY` from text with OCR's digit confusions and any separator.
pub fn date_of(text: &str) -> Option<String> {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '-' | '.' | '/' | ' ' | ',' | '_' | '~' | '—' | '–' => '-',
            other => digit_of(other).unwrap_or('x'),
        })
        .collect();
    let groups: Vec<&str> = mapped.split(['-', 'x']).filter(|g| !g.is_empty()).collect();
    for w in groups.windows(3) {
        // A colon read as a digit before the day ("126-02-2017"): the day is its last two.
        let day = if w[0].len() == 3 && w[0].starts_with(['1', '7']) {
            &w[0][1..]
        } else {
            w[0]
        };
        if day.len() <= 2 && w[1].len() <= 2 && w[2].len() == 4 {
            let d: u32 = day.parse().ok()?;
            let m: u32 = w[1].parse().ok()?;
            if (1..=31).contains(&d) && (1..=12).contains(&m) {
                return Some(format!("{d:02}-{m:02}-{}", w[2]));
            }
        }
    }
    // Separators lost: eight digits in a row.
    let all: String = mapped.chars().filter(char::is_ascii_digit).collect();
    if all.len() == 8 {
        let (d, m, y) = (&all[..2], &all[2..4], &all[4..]);
        let (dn, mn): (u32, u32) = (d.parse().ok()?, m.parse().ok()?);
        if (1..=31).contains(&dn) && (1..=12).contains(&mn) {
            return Some(format!("{d}-{m}-{y}"));
        }
    }
    None
}

/// "JAKARTA, 17-08-1945" → place and date.
fn place_and_date(v: &Value) -> (Option<FieldReading>, Option<FieldReading>) {
    let text = v.text();
    let conf = v.conf();
    // The date is the tail with digits; the place is what precedes it (up to a comma).
    let split = text.rfind(',').or_else(|| {
        text.char_indices()
            .find(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i.saturating_sub(1))
    });
    match split {
        Some(i) => {
            let place = clean(&text[..i])
                .trim_end_matches(['.', ','])
                .trim()
                .to_uppercase();
            let date = date_of(&text[i..]);
            (
                (!place.is_empty()).then(|| FieldReading::new(place, conf)),
                date.map(|d| FieldReading::new(d, conf)),
            )
        }
        None => (plain(v), None),
    }
}

/// "001/002" with digit confusions fixed.
fn rt_rw(v: &Value) -> Option<FieldReading> {
    let text = v.text();
    let mapped: String = text
        .chars()
        .filter_map(|c| if c == '/' { Some('/') } else { digit_of(c) })
        .collect();
    // A colon read as a 1 before eight digits with the slash read as a 1 ("10021005").
    let mapped = match mapped.len() {
        8 if !mapped.contains('/') && mapped.starts_with('1') => mapped[1..].to_owned(),
        _ => mapped,
    };
    let parts: Vec<&str> = mapped.split('/').filter(|p| !p.is_empty()).collect();
    // RT and RW are three digits each; a colon read as a digit lands in front.
    let last3 = |p: &str| p.get(p.len().saturating_sub(3)..).unwrap_or(p).to_owned();
    let first3 = |p: &str| p.get(..3.min(p.len())).unwrap_or(p).to_owned();
    let value = match parts.as_slice() {
        [a, b] => format!("{}/{}", last3(a), first3(b)),
        // The slash read as 1 or 7 between two 3-digit groups.
        [one] if one.len() == 7 => format!("{}/{}", &one[..3], &one[4..]),
        [one] if one.len() == 6 => format!("{}/{}", &one[..3], &one[3..]),
        _ => return None,
    };
    if value.len() != 7 {
        return None;
    }
    Some(FieldReading::new(value, v.conf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line {
        Line {
            words: text
                .split_whitespace()
                .enumerate()
                .map(|(i, t)| Word {
                    text: t.to_owned(),
                    conf: 90.0,
                    left: i as u32 * 10,
                    top: 0,
                    width: 10,
                    height: 10,
                })
                .collect(),
        }
    }

    #[test]
    fn a_clean_reading_parses_into_every_field() {
        let text = "PROVINSI JAWA BARAT\nKABUPATEN BOGOR\nNIK : 3201014508900003\nNama : SITI RAHAYU\n\
            Tempat/Tgl Lahir : BOGOR, 05-08-1990\nJenis Kelamin : PEREMPUAN Gol. Darah : AB\n\
            Alamat : JL. MERDEKA NO. 12\nRT/RW : 001/002\nKel/Desa : SUKAMAJU\nKecamatan : CIBINONG\n\
            Agama : ISLAM\nStatus Perkawinan : KAWIN\nPekerjaan : KARYAWAN SWASTA\n\
            Kewarganegaraan : WNI\nBerlaku Hingga : SEUMUR HIDUP";
        let lines: Vec<Line> = text.lines().map(line).collect();
        let f = parse(&lines);
        let v = |r: &Option<FieldReading>| r.as_ref().map(|r| r.value.clone()).unwrap_or_default();
        assert_eq!(v(&f.provinsi), "JAWA BARAT");
        assert_eq!(v(&f.kabupaten_kota), "KABUPATEN BOGOR");
        assert_eq!(v(&f.nik), "3201014508900003");
        assert_eq!(v(&f.nama), "SITI RAHAYU");
        assert_eq!(v(&f.tempat_lahir), "BOGOR");
        assert_eq!(v(&f.tanggal_lahir), "05-08-1990");
        assert_eq!(v(&f.jenis_kelamin), "PEREMPUAN");
        assert_eq!(v(&f.golongan_darah), "AB");
        assert_eq!(v(&f.alamat), "JL. MERDEKA NO. 12");
        assert_eq!(v(&f.rt_rw), "001/002");
        assert_eq!(v(&f.kelurahan_desa), "SUKAMAJU");
        assert_eq!(v(&f.kecamatan), "CIBINONG");
        assert_eq!(v(&f.agama), "ISLAM");
        assert_eq!(v(&f.status_perkawinan), "KAWIN");
        assert_eq!(v(&f.pekerjaan), "KARYAWAN SWASTA");
        assert_eq!(v(&f.kewarganegaraan), "WNI");
        assert_eq!(v(&f.berlaku_hingga), "SEUMUR HIDUP");
        assert!((f.nama.as_ref().map(|r| r.confidence).unwrap_or(0.0) - 0.9).abs() < 1e-6);
    }

    #[test]
    fn garbled_labels_and_values_are_recovered() {
        let lines: Vec<Line> = [
            "NlK: 32O1O145O89OOOO3",
            "Tempat/Tgi Lahir BOGOR, O5-O8-199O",
            "Jenis Kelamln : PEREMPUAM Gol Darah : 0",
            "RT/RW : 001 002",
            "Agama : lSLAM",
            "Status Perkawlnan : KAWlN",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let f = parse(&lines);
        let v = |r: &Option<FieldReading>| r.as_ref().map(|r| r.value.clone()).unwrap_or_default();
        assert_eq!(v(&f.nik), "3201014508900003");
        assert_eq!(v(&f.tanggal_lahir), "05-08-1990");
        assert_eq!(v(&f.tempat_lahir), "BOGOR");
        assert_eq!(v(&f.jenis_kelamin), "PEREMPUAN");
        assert_eq!(v(&f.golongan_darah), "O");
        assert_eq!(v(&f.agama), "ISLAM");
        assert_eq!(v(&f.status_perkawinan), "KAWIN");
    }

    #[test]
    fn dates_are_normalised() {
        assert_eq!(date_of("17-08-1945").as_deref(), Some("17-08-1945"));
        assert_eq!(date_of(" 1.8.1945").as_deref(), Some("01-08-1945"));
        assert_eq!(date_of("17081945").as_deref(), Some("17-08-1945"));
        assert_eq!(date_of("SEUMUR HIDUP"), None);
        assert_eq!(date_of(""), None);
    }
}
