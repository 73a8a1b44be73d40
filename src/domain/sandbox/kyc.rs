//! The sandbox stages of AnyCheck verifications: deterministic answers derived from the bytes
//! of the files (the same files always give the same output), and instructions a test file can
//! carry to reach every outcome — the text `satyapan-sandbox: key=value;key=value` anywhere in
//! a file (a JPEG comment, a PNG text chunk, a PDF comment). Documented in `docs/sandbox.md`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::Seeded;
use crate::domain::kyc::{KtpCard, PepMatch, StageAnswer, name_score};

/// Where sandbox answers say they come from.
pub const SOURCE: &str = "SANDBOX";
const MARKER: &[u8] = b"satyapan-sandbox:";

/// The instructions found in a set of files (later files win).
pub fn instructions<'a>(files: impl IntoIterator<Item = &'a [u8]>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for bytes in files {
        let Some(start) = bytes.windows(MARKER.len()).position(|w| w == MARKER) else {
            continue;
        };
        let rest = &bytes[start + MARKER.len()..];
        let end = rest
            .iter()
            .position(|b| !(0x20..0x7F).contains(b))
            .unwrap_or(rest.len());
        let text = String::from_utf8_lossy(&rest[..end]);
        for pair in text.split(';') {
            if let Some((key, value)) = pair.split_once('=') {
                out.insert(key.trim().to_string(), value.trim().to_string());
            }
        }
    }
    out
}

fn digest_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

const GIVEN_MALE: &[&str] = &[
    "Budi", "Agus", "Dedi", "Rizky", "Eko", "Fajar", "Yusuf", "Andi",
];
const GIVEN_FEMALE: &[&str] = &[
    "Siti", "Dewi", "Putri", "Ayu", "Rina", "Wulan", "Indah", "Nur",
];
const FAMILY: &[&str] = &[
    "Santoso", "Setiawan", "Pratama", "Saputra", "Hidayat", "Rahayu", "Lestari", "Wibowo",
];
const PLACES: &[(&str, &str, &str, &str)] = &[
    ("31", "71", "JAKARTA", "DKI JAKARTA"),
    ("32", "73", "BANDUNG", "JAWA BARAT"),
    ("35", "78", "SURABAYA", "JAWA TIMUR"),
    ("34", "71", "YOGYAKARTA", "DI YOGYAKARTA"),
    ("51", "71", "DENPASAR", "BALI"),
];
const RELIGIONS: &[&str] = &["ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA"];
const JOBS: &[&str] = &[
    "KARYAWAN SWASTA",
    "WIRASWASTA",
    "PELAJAR/MAHASISWA",
    "PEGAWAI NEGERI SIPIL",
];

/// Why a sandbox stage gives no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxFailure {
    /// The source holds nothing usable (an unreadable card).
    NotFound,
    /// The source is down: the stage is retried, then fails.
    Unavailable,
}

fn down(instructions: &BTreeMap<String, String>, stage: &str) -> Result<(), SandboxFailure> {
    match instructions.get("down") {
        Some(stages) if stages.split(',').any(|s| s.trim() == stage) => {
            Err(SandboxFailure::Unavailable)
        }
        _ => Ok(()),
    }
}

/// A NIK for a person born on `birth_date` in `place`: province, regency, district 01, the
/// birth date (day + 40 for women), a serial.
fn nik_for(place: (&str, &str), birth_date: NaiveDate, female: bool, serial: u64) -> String {
    let day = birth_date.day() + if female { 40 } else { 0 };
    format!(
        "{}{}01{day:02}{:02}{:02}{:04}",
        place.0,
        place.1,
        birth_date.month(),
        birth_date.year() % 100,
        serial.clamp(1, 9999)
    )
}

/// OCR of a KTP image: a synthetic card derived from the image's bytes, or the `name`, `nik`,
/// `birth_date` the file's instructions give; `ocr=unreadable` reads nothing; `down=ocr`.
pub fn read_card(
    card: &[u8],
    all: &BTreeMap<String, String>,
) -> Result<StageAnswer, SandboxFailure> {
    down(all, "ocr")?;
    let own = instructions([card]);
    if own.get("ocr").map(String::as_str) == Some("unreadable") {
        return Err(SandboxFailure::NotFound);
    }
    let mut rng = Seeded::new("ktp", &digest_hex(&[card]));
    let female = rng.chance(50);
    let given = *rng.pick(if female { GIVEN_FEMALE } else { GIVEN_MALE });
    let family = *rng.pick(FAMILY);
    let place = *rng.pick(PLACES);
    let birth_date = own
        .get("birth_date")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| {
            NaiveDate::from_ymd_opt(
                rng.range(1965, 2002) as i32,
                rng.range(1, 12) as u32,
                rng.range(1, 28) as u32,
            )
            .unwrap_or_default()
        });
    let serial = rng.range(1, 9998);
    let nik = own
        .get("nik")
        .cloned()
        .unwrap_or_else(|| nik_for((place.0, place.1), birth_date, female, serial));
    let name = own
        .get("name")
        .cloned()
        .unwrap_or_else(|| format!("{given} {family}"))
        .to_uppercase();
    Ok(StageAnswer::Card {
        card: Box::new(KtpCard {
            nik,
            name,
            birth_place: place.2.to_string(),
            birth_date: birth_date.format("%Y-%m-%d").to_string(),
            gender: if female { "PEREMPUAN" } else { "LAKI-LAKI" }.to_string(),
            blood_type: rng.pick(&["A", "B", "AB", "O", "-"]).to_string(),
            address: format!("JL. MERDEKA NO. {}", rng.range(1, 200)),
            rt_rw: format!("{:03}/{:03}", rng.range(1, 20), rng.range(1, 15)),
            village: "SUKAMAJU".to_string(),
            district: "CENTRAL".to_string(),
            city: place.2.to_string(),
            province: place.3.to_string(),
            religion: rng.pick(RELIGIONS).to_string(),
            marital_status: rng.pick(&["BELUM KAWIN", "KAWIN"]).to_string(),
            occupation: rng.pick(JOBS).to_string(),
            nationality: "WNI".to_string(),
            valid_until: "SEUMUR HIDUP".to_string(),
        }),
        confidence: 0.9 + rng.range(0, 90) as f64 / 1000.0,
        assessment: None,
        details: None,
    })
}

/// The population register: every NIK is registered under the card's name and birth date,
/// except NIKs whose serial (last four digits) is `9999`; `down=nik`.
pub fn check_nik(
    card: &KtpCard,
    all: &BTreeMap<String, String>,
) -> Result<StageAnswer, SandboxFailure> {
    down(all, "nik")?;
    let registered = !card.nik.ends_with("9999");
    Ok(StageAnswer::Nik {
        registered,
        name: registered.then(|| card.name.clone()),
        birth_date: if registered { card.birth_date() } else { None },
    })
}

/// Face comparison: a score of 85–99 derived from both images (a match), or the selfie's
/// `face=<score>`; `down=face`.
pub fn compare_faces(
    card: &[u8],
    selfie: &[u8],
    all: &BTreeMap<String, String>,
) -> Result<StageAnswer, SandboxFailure> {
    down(all, "face")?;
    if let Some(score) = instructions([selfie])
        .get("face")
        .and_then(|s| s.parse::<f64>().ok())
    {
        return Ok(StageAnswer::Face {
            score,
            details: None,
        });
    }
    let mut rng = Seeded::new("face", &digest_hex(&[card, selfie]));
    Ok(StageAnswer::Face {
        score: 85.0 + rng.range(0, 1400) as f64 / 100.0,
        details: None,
    })
}

/// The sandbox's PEP list: fictional people (any resemblance is accidental).
pub const PEP_LIST: &[(&str, &str, &str)] = &[
    ("Hendra Wijaya Kusuma", "1961-04-12", "Governor (fictional)"),
    (
        "Ratna Dewi Anggraini",
        "1970-09-30",
        "Member of Parliament (fictional)",
    ),
    (
        "Bambang Sutrisno Hadi",
        "1958-01-05",
        "Ambassador (fictional)",
    ),
];

/// Whether `name` is (close to) one of the sandbox's fictional PEPs: a name a sandbox
/// organisation uses to steer a screening to the sandbox.
pub fn is_fictional_pep(name: &str) -> bool {
    PEP_LIST
        .iter()
        .any(|(entry, _, _)| name_score(name, entry) >= crate::domain::kyc::PEP_GREY)
}

/// PEP screening of `name` against [`PEP_LIST`]: every entry scoring 60 or more, best first;
/// a birth date given that differs from the entry's lowers its score by 15. The birth date
/// `1900-01-01` makes the source unavailable; `down=pep` in a file does too.
pub fn screen(
    name: &str,
    birth_date: Option<NaiveDate>,
    all: &BTreeMap<String, String>,
) -> Result<StageAnswer, SandboxFailure> {
    down(all, "pep")?;
    if birth_date == NaiveDate::from_ymd_opt(1900, 1, 1) {
        return Err(SandboxFailure::Unavailable);
    }
    let mut matches: Vec<PepMatch> = PEP_LIST
        .iter()
        .filter_map(|(entry, born, position)| {
            let mut score = name_score(name, entry);
            if let Some(given) = birth_date
                && given.format("%Y-%m-%d").to_string() != *born
            {
                score -= 15.0;
            }
            (score >= 60.0).then(|| PepMatch {
                name: entry.to_string(),
                score: (score * 10.0).round() / 10.0,
                position: position.to_string(),
                country: "ID".to_string(),
                birth_date: Some(born.to_string()),
                source: format!("{SOURCE} PEP list"),
                list: None,
                entity_id: None,
                names: Vec::new(),
                programs: Vec::new(),
                explanation: None,
            })
        })
        .collect();
    matches.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(StageAnswer::Pep {
        screened_name: name.to_string(),
        matches,
    })
}

/// Fraud detection: nothing found, unless a file says `fraud=<signal>` (e.g.
/// `fraud=edited_photo`); `down=fraud`.
pub fn inspect(
    files: &[&[u8]],
    all: &BTreeMap<String, String>,
) -> Result<StageAnswer, SandboxFailure> {
    down(all, "fraud")?;
    let signals = instructions(files.iter().copied())
        .get("fraud")
        .map(|s| vec![s.clone()])
        .unwrap_or_default();
    Ok(StageAnswer::Fraud {
        signals,
        details: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::Nik;

    #[test]
    fn instructions_are_read_from_the_bytes() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xFE, 0, 40];
        jpeg.extend_from_slice(b"satyapan-sandbox: name=Siti Rahayu; face=42");
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        let found = instructions([jpeg.as_slice()]);
        assert_eq!(found["name"], "Siti Rahayu");
        assert_eq!(found["face"], "42");
        assert!(instructions([b"plain".as_slice()]).is_empty());
    }

    #[test]
    fn cards_are_deterministic_and_valid() {
        let none = BTreeMap::new();
        let a = read_card(b"image one", &none).unwrap();
        assert_eq!(a, read_card(b"image one", &none).unwrap());
        assert_ne!(a, read_card(b"image two", &none).unwrap());
        for i in 0..50 {
            let StageAnswer::Card { card, .. } =
                read_card(format!("img {i}").as_bytes(), &none).unwrap()
            else {
                panic!("a card");
            };
            let nik = Nik::parse(&card.nik).unwrap();
            assert_eq!(Some(nik.birth_date()), card.birth_date());
            assert!(
                name_score(&card.name, PEP_LIST[0].0) < 75.0,
                "{}",
                card.name
            );
        }
        let down = BTreeMap::from([("down".to_string(), "ocr".to_string())]);
        assert_eq!(read_card(b"x", &down), Err(SandboxFailure::Unavailable));
    }

    #[test]
    fn screening_finds_the_fictional_peps() {
        let none = BTreeMap::new();
        let hit = |name: &str, dob: Option<NaiveDate>| match screen(name, dob, &none).unwrap() {
            StageAnswer::Pep { matches, .. } => matches.first().map(|m| m.score).unwrap_or(0.0),
            _ => 0.0,
        };
        assert!(hit("Hendra Wijaya Kusuma", None) >= 90.0);
        assert!(hit("HENDRA WIJAYA KUSUMA", NaiveDate::from_ymd_opt(1961, 4, 12)) >= 90.0);
        let grey = hit("Hendra Wijaya Kusuma", NaiveDate::from_ymd_opt(1980, 1, 1));
        assert!((75.0..90.0).contains(&grey), "{grey}");
        assert!(hit("Budi Santoso", None) < 75.0);
        assert_eq!(
            screen("X", NaiveDate::from_ymd_opt(1900, 1, 1), &none),
            Err(SandboxFailure::Unavailable)
        );
    }
}
