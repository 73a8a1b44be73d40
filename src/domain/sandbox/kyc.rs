//! The sandbox stages of AnyCheck verifications: deterministic answers derived from the bytes
//! of the files (the same files always give the same output), and instructions a test file can
//! carry to reach every outcome — the text `satyapan-sandbox: key=value;key=value` anywhere in
//! a file (a JPEG comment, a PNG text chunk, a PDF comment). Documented in `docs/sandbox.md`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use crate::domain::kyc::{KtpCard, PepMatch, StageAnswer, name_score};
use crate::domain::rng::Rng;

/// Where sandbox answers say they come from.
pub const SOURCE: &str = "SANDBOX";
const MARKER: &[u8] = b"satyapan-sandbox:";

/// The instructions found in a set of files (later files win). The text after the marker ends
/// where its carrier ends — a PNG chunk's data or a JPEG segment, by their own lengths (so a
/// chunk's CRC is not read as text) — and at the first byte that no instruction is written
/// with ([`is_instruction_byte`]: a PDF comment's line end, a PDF string's `)`).
pub fn instructions<'a>(files: impl IntoIterator<Item = &'a [u8]>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for bytes in files {
        let Some(start) = bytes.windows(MARKER.len()).position(|w| w == MARKER) else {
            continue;
        };
        let carrier_end = carrier_end(bytes, start).unwrap_or(bytes.len());
        let rest = bytes
            .get(start + MARKER.len()..carrier_end)
            .unwrap_or_default();
        let end = rest
            .iter()
            .position(|b| !is_instruction_byte(*b))
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

/// What instructions are written with: ASCII letters and digits, the space, `=` and `;`, and
/// the punctuation of names, dates and lists (`, . - _ ' / : +`).
pub fn is_instruction_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" =;,.-_'/:+".contains(&b)
}

/// Where the structure of the file holding the marker at `at` ends it: the end of the PNG
/// chunk's data or of the JPEG marker segment the marker lies in, by their own lengths. `None`
/// when the marker lies in no chunk or segment (text appended to a file, a PDF, anything else).
fn carrier_end(bytes: &[u8], at: usize) -> Option<usize> {
    let be32 = |p: usize| {
        bytes
            .get(p..p + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let be16 = |p: usize| {
        bytes
            .get(p..p + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // length (4), type (4), data (length), CRC (4)
        let mut pos = 8;
        while let Some(length) = be32(pos) {
            let data = pos + 8;
            let end = data.checked_add(length)?;
            if (data..end).contains(&at) {
                return Some(end.min(bytes.len()));
            }
            if at < data || bytes.get(pos + 4..pos + 8) == Some(b"IEND") {
                return None;
            }
            pos = end.checked_add(4)?;
        }
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        // FF, marker, then (but for the standalone markers) a length counting itself
        let mut pos = 2;
        while bytes.get(pos) == Some(&0xFF) {
            let marker = *bytes.get(pos + 1)?;
            match marker {
                0xFF => pos += 1,
                0x01 | 0xD0..=0xD7 => pos += 2,
                // The scan's entropy-coded data or the image's end: no segment beyond.
                0xD9 | 0xDA => return None,
                _ => {
                    let length = be16(pos + 2).filter(|l| *l >= 2)?;
                    let (data, end) = (pos + 4, pos + 2 + length);
                    if (data..end).contains(&at) {
                        return Some(end.min(bytes.len()));
                    }
                    pos = end;
                }
            }
        }
    }
    None
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
    let mut rng = Rng::keyed("ktp", &digest_hex(&[card]));
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
    let mut rng = Rng::keyed("face", &digest_hex(&[card, selfie]));
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
        let text = b"satyapan-sandbox: name=Siti Rahayu; face=42";
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xFE];
        jpeg.extend_from_slice(&(text.len() as u16 + 2).to_be_bytes());
        jpeg.extend_from_slice(text);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        let found = instructions([jpeg.as_slice()]);
        assert_eq!(found["name"], "Siti Rahayu");
        assert_eq!(found["face"], "42");
        assert!(instructions([b"plain".as_slice()]).is_empty());
    }

    /// CRC-32 as PNG computes it (zlib's, which flate2 carries).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        crc.sum()
    }

    /// A real 32 × 32 PNG with a `tEXt` chunk (`keyword`, `text`) after its header, its CRC
    /// computed.
    fn png_with_text(keyword: &str, text: &str) -> (Vec<u8>, [u8; 4]) {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(32, 32, image::Rgb([120, 160, 200]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let mut chunk = b"tEXt".to_vec();
        chunk.extend_from_slice(keyword.as_bytes());
        chunk.push(0);
        chunk.extend_from_slice(text.as_bytes());
        let crc = crc32(&chunk).to_be_bytes();
        let mut inserted = (chunk.len() as u32 - 4).to_be_bytes().to_vec();
        inserted.extend_from_slice(&chunk);
        inserted.extend_from_slice(&crc);
        // After the signature (8) and IHDR (4 + 4 + 13 + 4).
        png.splice(33..33, inserted);
        (png, crc)
    }

    #[test]
    fn a_png_text_chunks_crc_is_not_read_as_part_of_the_last_value() {
        // Keywords whose chunk's CRC begins with a digit, and with a letter: before, the
        // value ran on into the CRC (`face=70` read as `707…`, or not a number).
        let find = |text: &str, first: fn(&u8) -> bool| {
            (0..10_000)
                .map(|i| png_with_text(&format!("Comment{i}"), text))
                .find(|(_, crc)| first(&crc[0]) && crc.iter().all(|b| (0x20..0x7F).contains(b)))
                .expect("a keyword with such a CRC")
                .0
        };
        for png in [
            find("satyapan-sandbox: face=70", u8::is_ascii_digit),
            find("satyapan-sandbox: face=70", u8::is_ascii_alphabetic),
        ] {
            image::load_from_memory(&png).expect("a valid PNG, CRCs and all");
            assert_eq!(instructions([png.as_slice()])["face"], "70");
        }
        let png = find(
            "satyapan-sandbox: face=12; name=Siti Rahayu",
            u8::is_ascii_alphabetic,
        );
        let found = instructions([png.as_slice()]);
        assert_eq!(found["name"], "Siti Rahayu");
        assert_eq!(found["face"], "12");
    }

    #[test]
    fn instructions_end_with_their_jpeg_segment_and_in_a_pdf_at_the_first_byte_outside_them() {
        // A real JPEG: the comment segment right after the start of image, an APP segment
        // before it in the second.
        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(32, 32, image::Rgb([120, 160, 200]))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        let segment = |marker: u8, text: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&(text.len() as u16 + 2).to_be_bytes());
            s.extend_from_slice(text);
            s
        };
        let mut commented = jpeg.clone();
        commented.splice(2..2, segment(0xFE, b"satyapan-sandbox: face=70"));
        image::load_from_memory(&commented).expect("a valid JPEG");
        assert_eq!(instructions([commented.as_slice()])["face"], "70");
        let mut after_app = jpeg.clone();
        after_app.splice(
            2..2,
            [
                segment(0xE1, b"Exif\0\0II*\0"),
                segment(0xFE, b"satyapan-sandbox: fraud=edited_photo"),
            ]
            .concat(),
        );
        assert_eq!(
            instructions([after_app.as_slice()])["fraud"],
            "edited_photo"
        );
        // A segment's length ends the text even when printable bytes follow.
        let mut cut = vec![0xFF, 0xD8];
        cut.extend(segment(0xFE, b"satyapan-sandbox: face=70"));
        cut.extend_from_slice(b"5 trailing");
        assert_eq!(instructions([cut.as_slice()])["face"], "70");

        // A PDF: a comment ends at its line's end, a string at its `)`.
        let mut pdf = crate::files::kind::blank_pdf(1);
        pdf.splice(9..9, b"%satyapan-sandbox: face=70\r\n".to_vec());
        assert_eq!(instructions([pdf.as_slice()])["face"], "70");
        let info = b"%PDF-1.4\n1 0 obj\n<< /Keywords (satyapan-sandbox: face=70)>>\nendobj\n";
        assert_eq!(instructions([info.as_slice()])["face"], "70");
        // Text appended to a file is in no chunk: it ends at the first byte outside the grammar.
        let mut appended = jpeg;
        appended.extend_from_slice(b"satyapan-sandbox: face=70\x00\x9a7");
        assert_eq!(instructions([appended.as_slice()])["face"], "70");
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
