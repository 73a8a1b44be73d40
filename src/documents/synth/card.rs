//! Renders a KTP-like card (the e-KTP's layout: province and regency header, NIK, labelled lines,
//! photo on the right) from field values.

use ab_glyph::{FontVec, PxScale};
use image::{Rgb, RgbImage, imageops};
use imageproc::drawing::{draw_antialiased_line_segment_mut, draw_text_mut, text_size};
use imageproc::pixelops::interpolate;
use serde::Serialize;

use super::Rng;

/// Card size in pixels: ID-1 (85.60 × 53.98 mm) at 300 dpi.
pub const CARD_W: u32 = 1012;
pub const CARD_H: u32 = 638;
/// Where the holder's photo is printed.
pub const PHOTO_BOX: (u32, u32, u32, u32) = (770, 120, 200, 260);

const FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";

/// The values printed on a card: the ground truth of a rendered image. Keys are the card's labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KtpTruth {
    pub provinsi: String,
    pub kabupaten_kota: String,
    pub nik: String,
    pub nama: String,
    pub tempat_lahir: String,
    pub tanggal_lahir: String,
    pub jenis_kelamin: String,
    pub golongan_darah: String,
    pub alamat: String,
    pub rt_rw: String,
    pub kelurahan_desa: String,
    pub kecamatan: String,
    pub agama: String,
    pub status_perkawinan: String,
    pub pekerjaan: String,
    pub kewarganegaraan: String,
    pub berlaku_hingga: String,
}

impl KtpTruth {
    /// `(key, value)` for every field, in the card's order.
    pub fn fields(&self) -> [(&'static str, &str); 17] {
        [
            ("provinsi", &self.provinsi),
            ("kabupaten_kota", &self.kabupaten_kota),
            ("nik", &self.nik),
            ("nama", &self.nama),
            ("tempat_lahir", &self.tempat_lahir),
            ("tanggal_lahir", &self.tanggal_lahir),
            ("jenis_kelamin", &self.jenis_kelamin),
            ("golongan_darah", &self.golongan_darah),
            ("alamat", &self.alamat),
            ("rt_rw", &self.rt_rw),
            ("kelurahan_desa", &self.kelurahan_desa),
            ("kecamatan", &self.kecamatan),
            ("agama", &self.agama),
            ("status_perkawinan", &self.status_perkawinan),
            ("pekerjaan", &self.pekerjaan),
            ("kewarganegaraan", &self.kewarganegaraan),
            ("berlaku_hingga", &self.berlaku_hingga),
        ]
    }

    /// A consistent random identity: the NIK encodes the province, regency (kabupaten codes
    /// below 70, kota codes from 71), birth date and sex that the card shows.
    pub fn random(rng: &mut Rng) -> Self {
        let (prov_code, provinsi, regencies) = *rng.pick(REGIONS);
        let (reg_code, kabupaten_kota, tempat) = *rng.pick(regencies);
        let female = rng.unit() < 0.5;
        let year = 1950 + rng.below(55) as u32;
        let month = 1 + rng.below(12) as u32;
        let day = 1 + rng.below(28) as u32;
        let district = 1 + rng.below(30);
        let serial = 1 + rng.below(9998);
        let nik = format!(
            "{prov_code}{reg_code}{district:02}{:02}{month:02}{:02}{serial:04}",
            day + if female { 40 } else { 0 },
            year % 100
        );
        let nama = if female {
            format!("{} {}", rng.pick(FEMALE), rng.pick(FAMILY))
        } else {
            format!("{} {}", rng.pick(MALE), rng.pick(FAMILY))
        };
        let alamat = format!(
            "{} {} NO. {}",
            rng.pick(&["JL.", "JL.", "GG."]),
            rng.pick(STREETS),
            1 + rng.below(120)
        );
        Self {
            provinsi: provinsi.to_owned(),
            kabupaten_kota: kabupaten_kota.to_owned(),
            nik,
            nama,
            tempat_lahir: if rng.unit() < 0.7 {
                tempat.to_owned()
            } else {
                rng.pick(PLACES).to_string()
            },
            tanggal_lahir: format!("{day:02}-{month:02}-{year}"),
            jenis_kelamin: if female { "PEREMPUAN" } else { "LAKI-LAKI" }.to_owned(),
            golongan_darah: rng.pick(&["A", "B", "AB", "O", "-"]).to_string(),
            alamat,
            rt_rw: format!("{:03}/{:03}", 1 + rng.below(15), 1 + rng.below(12)),
            kelurahan_desa: rng.pick(KELURAHAN).to_string(),
            kecamatan: rng.pick(KECAMATAN).to_string(),
            agama: rng
                .pick(&[
                    "ISLAM", "ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA", "KONGHUCU",
                ])
                .to_string(),
            status_perkawinan: rng
                .pick(&["BELUM KAWIN", "KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"])
                .to_string(),
            pekerjaan: rng.pick(JOBS).to_string(),
            kewarganegaraan: "WNI".to_owned(),
            berlaku_hingga: "SEUMUR HIDUP".to_owned(),
        }
    }
}

type Regency = (&'static str, &'static str, &'static str);
const REGIONS: &[(&str, &str, &[Regency])] = &[
    (
        "31",
        "DKI JAKARTA",
        &[
            ("71", "KOTA JAKARTA SELATAN", "JAKARTA"),
            ("72", "KOTA JAKARTA TIMUR", "JAKARTA"),
            ("74", "KOTA JAKARTA BARAT", "JAKARTA"),
        ],
    ),
    (
        "32",
        "JAWA BARAT",
        &[
            ("01", "KABUPATEN BOGOR", "BOGOR"),
            ("04", "KABUPATEN BANDUNG", "BANDUNG"),
            ("73", "KOTA BANDUNG", "BANDUNG"),
            ("75", "KOTA BEKASI", "BEKASI"),
        ],
    ),
    (
        "33",
        "JAWA TENGAH",
        &[
            ("74", "KOTA SEMARANG", "SEMARANG"),
            ("72", "KOTA SURAKARTA", "SURAKARTA"),
            ("01", "KABUPATEN CILACAP", "CILACAP"),
        ],
    ),
    (
        "34",
        "DI YOGYAKARTA",
        &[
            ("71", "KOTA YOGYAKARTA", "YOGYAKARTA"),
            ("04", "KABUPATEN SLEMAN", "SLEMAN"),
        ],
    ),
    (
        "35",
        "JAWA TIMUR",
        &[
            ("78", "KOTA SURABAYA", "SURABAYA"),
            ("73", "KOTA MALANG", "MALANG"),
            ("15", "KABUPATEN SIDOARJO", "SIDOARJO"),
        ],
    ),
    (
        "36",
        "BANTEN",
        &[
            ("71", "KOTA TANGERANG", "TANGERANG"),
            ("03", "KABUPATEN TANGERANG", "TANGERANG"),
        ],
    ),
    (
        "51",
        "BALI",
        &[
            ("71", "KOTA DENPASAR", "DENPASAR"),
            ("03", "KABUPATEN BADUNG", "BADUNG"),
        ],
    ),
    (
        "12",
        "SUMATERA UTARA",
        &[
            ("75", "KOTA MEDAN", "MEDAN"),
            ("07", "KABUPATEN DELI SERDANG", "LUBUK PAKAM"),
        ],
    ),
    (
        "73",
        "SULAWESI SELATAN",
        &[
            ("71", "KOTA MAKASSAR", "MAKASSAR"),
            ("06", "KABUPATEN GOWA", "SUNGGUMINASA"),
        ],
    ),
    (
        "64",
        "KALIMANTAN TIMUR",
        &[
            ("72", "KOTA SAMARINDA", "SAMARINDA"),
            ("71", "KOTA BALIKPAPAN", "BALIKPAPAN"),
        ],
    ),
];
const MALE: &[&str] = &[
    "BUDI", "AHMAD", "AGUS", "RUDI", "HENDRA", "JOKO", "BAMBANG", "ANDI", "DEDI", "FAJAR", "IRFAN",
    "YUSUF", "RIZKY", "EKO", "HARI", "WAHYU", "ARIF", "DIMAS", "TAUFIK", "SURYA",
];
const FEMALE: &[&str] = &[
    "SITI", "DEWI", "RINA", "SRI", "NUR", "AYU", "FITRI", "LESTARI", "WULAN", "INDAH", "PUTRI",
    "YULIA", "RATNA", "MEGA", "ANITA", "DIAN", "LINA", "NOVI", "TUTI", "RANI",
];
const FAMILY: &[&str] = &[
    "SANTOSO",
    "WIJAYA",
    "RAHAYU",
    "SAPUTRA",
    "HIDAYAT",
    "KURNIAWAN",
    "PRATAMA",
    "SETIAWAN",
    "NUGROHO",
    "LUBIS",
    "SIREGAR",
    "HASIBUAN",
    "PURNAMA",
    "SUSANTI",
    "WULANDARI",
    "HAKIM",
    "SUHENDRA",
    "MAULANA",
    "RAMADHAN",
    "PANGESTU",
    "HALIM",
    "GUNAWAN",
];
const STREETS: &[&str] = &[
    "MERDEKA",
    "SUDIRMAN",
    "DIPONEGORO",
    "GATOT SUBROTO",
    "MAWAR II",
    "MELATI",
    "ANGGREK",
    "KENANGA RAYA",
    "PAHLAWAN",
    "SISINGAMANGARAJA",
    "AHMAD YANI",
    "KARTINI",
    "CEMPAKA PUTIH",
    "RAYA BOGOR",
    "IMAM BONJOL",
];
const PLACES: &[&str] = &[
    "JAKARTA",
    "BANDUNG",
    "SURABAYA",
    "MEDAN",
    "SEMARANG",
    "PALEMBANG",
    "MAKASSAR",
    "DENPASAR",
    "YOGYAKARTA",
    "MALANG",
    "PADANG",
    "PONTIANAK",
    "MANADO",
    "KUPANG",
    "AMBON",
];
const KELURAHAN: &[&str] = &[
    "KEBAYORAN LAMA",
    "CIPETE UTARA",
    "MENTENG",
    "SUKAJADI",
    "CIBEUNYING",
    "GUBENG",
    "TEGALSARI",
    "PETISAH TENGAH",
    "PANAKKUKANG",
    "SANUR",
    "KOTABARU",
    "PANDEAN",
    "SUKAMAJU",
    "TANJUNG DUREN",
    "PONDOK LABU",
];
const KECAMATAN: &[&str] = &[
    "KEBAYORAN BARU",
    "SETIABUDI",
    "CILANDAK",
    "COBLONG",
    "SUKASARI",
    "WONOKROMO",
    "GENTENG",
    "MEDAN BARU",
    "TAMALATE",
    "DENPASAR SELATAN",
    "GONDOKUSUMAN",
    "CIBINONG",
    "SERPONG",
    "BANYUMANIK",
    "LAWEYAN",
];
const JOBS: &[&str] = &[
    "KARYAWAN SWASTA",
    "WIRASWASTA",
    "PELAJAR/MAHASISWA",
    "PEGAWAI NEGERI SIPIL",
    "MENGURUS RUMAH TANGGA",
    "PETANI/PEKEBUN",
    "GURU",
    "BELUM/TIDAK BEKERJA",
    "PEDAGANG",
    "DOKTER",
];

/// The fonts the cards are printed with (Debian's `fonts-dejavu-core`).
pub struct Fonts {
    regular: FontVec,
    bold: FontVec,
    mono_bold: FontVec,
}

impl Fonts {
    pub fn load() -> std::io::Result<Self> {
        let load = |name: &str| -> std::io::Result<FontVec> {
            let bytes = std::fs::read(format!("{FONT_DIR}/{name}"))?;
            FontVec::try_from_vec(bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
        };
        Ok(Self {
            regular: load("DejaVuSans.ttf")?,
            bold: load("DejaVuSans-Bold.ttf")?,
            mono_bold: load("DejaVuSansMono-Bold.ttf")?,
        })
    }
}

const INK: Rgb<u8> = Rgb([22, 24, 32]);

/// Renders the card; `photo` (any size) is scaled into the photo box, else a plain portrait
/// backdrop is printed there.
pub fn render_card(fonts: &Fonts, truth: &KtpTruth, photo: Option<&RgbImage>) -> RgbImage {
    let mut card = RgbImage::from_fn(CARD_W, CARD_H, |x, y| {
        // The e-KTP's light blue, with a faint guilloche.
        let fx = x as f32 / CARD_W as f32;
        let fy = y as f32 / CARD_H as f32;
        let wave = ((x as f32 * 0.045 + (y as f32 * 0.02).sin() * 6.0).sin()
            * (y as f32 * 0.037 + (x as f32 * 0.013).cos() * 5.0).sin())
        .abs();
        let line = if wave > 0.96 { 18.0 } else { 0.0 };
        Rgb([
            (168.0 + 40.0 * fx + 10.0 * fy - line) as u8,
            (204.0 + 25.0 * fx + 8.0 * fy - line * 0.6) as u8,
            (236.0 + 14.0 * fx - line * 0.3) as u8,
        ])
    });

    let centred = |card: &mut RgbImage, text: &str, y: i32, size: f32, font: &FontVec| {
        let (w, _) = text_size(PxScale::from(size), font, text);
        draw_text_mut(
            card,
            INK,
            (CARD_W as i32 - w as i32) / 2,
            y,
            PxScale::from(size),
            font,
            text,
        );
    };
    centred(
        &mut card,
        &format!("PROVINSI {}", truth.provinsi),
        16,
        30.0,
        &fonts.bold,
    );
    centred(&mut card, &truth.kabupaten_kota, 52, 30.0, &fonts.bold);

    draw_text_mut(
        &mut card,
        INK,
        30,
        98,
        PxScale::from(34.0),
        &fonts.bold,
        "NIK",
    );
    draw_text_mut(
        &mut card,
        INK,
        200,
        98,
        PxScale::from(34.0),
        &fonts.bold,
        ":",
    );
    draw_text_mut(
        &mut card,
        INK,
        222,
        96,
        PxScale::from(38.0),
        &fonts.mono_bold,
        &truth.nik,
    );

    let tempat_tgl = format!("{}, {}", truth.tempat_lahir, truth.tanggal_lahir);
    let rows: [(i32, &str, &str); 12] = [
        (30, "Nama", &truth.nama),
        (30, "Tempat/Tgl Lahir", &tempat_tgl),
        (30, "Jenis Kelamin", &truth.jenis_kelamin),
        (30, "Alamat", &truth.alamat),
        (60, "RT/RW", &truth.rt_rw),
        (60, "Kel/Desa", &truth.kelurahan_desa),
        (60, "Kecamatan", &truth.kecamatan),
        (30, "Agama", &truth.agama),
        (30, "Status Perkawinan", &truth.status_perkawinan),
        (30, "Pekerjaan", &truth.pekerjaan),
        (30, "Kewarganegaraan", &truth.kewarganegaraan),
        (30, "Berlaku Hingga", &truth.berlaku_hingga),
    ];
    let scale = PxScale::from(23.0);
    for (i, (x, label, value)) in rows.iter().enumerate() {
        let y = 152 + 34 * i as i32;
        draw_text_mut(&mut card, INK, *x, y, scale, &fonts.regular, label);
        draw_text_mut(&mut card, INK, 236, y, scale, &fonts.regular, ":");
        draw_text_mut(&mut card, INK, 252, y, scale, &fonts.regular, value);
        if i == 2 {
            draw_text_mut(&mut card, INK, 500, y, scale, &fonts.regular, "Gol. Darah");
            draw_text_mut(&mut card, INK, 620, y, scale, &fonts.regular, ":");
            draw_text_mut(
                &mut card,
                INK,
                636,
                y,
                scale,
                &fonts.regular,
                &truth.golongan_darah,
            );
        }
    }

    let (px, py, pw, ph) = PHOTO_BOX;
    match photo {
        Some(photo) => {
            // Cover the box, cropping the photo's excess to keep its proportions.
            let s = (pw as f32 / photo.width() as f32).max(ph as f32 / photo.height() as f32);
            let w = ((photo.width() as f32 * s).round() as u32).max(pw);
            let h = ((photo.height() as f32 * s).round() as u32).max(ph);
            let scaled = imageops::resize(photo, w, h, imageops::FilterType::Triangle);
            let crop = imageops::crop_imm(&scaled, (w - pw) / 2, (h - ph) / 2, pw, ph).to_image();
            imageops::overlay(&mut card, &crop, i64::from(px), i64::from(py));
        }
        None => {
            for y in py..py + ph {
                for x in px..px + pw {
                    card.put_pixel(x, y, Rgb([200, 40, 40]));
                }
            }
        }
    }
    let place = truth
        .kabupaten_kota
        .trim_start_matches("KOTA ")
        .trim_start_matches("KABUPATEN ");
    let small = PxScale::from(18.0);
    let (w, _) = text_size(small, &fonts.regular, place);
    draw_text_mut(
        &mut card,
        INK,
        (px + pw / 2) as i32 - w as i32 / 2,
        (py + ph + 12) as i32,
        small,
        &fonts.regular,
        place,
    );
    let (w, _) = text_size(small, &fonts.regular, "12-03-2019");
    draw_text_mut(
        &mut card,
        INK,
        (px + pw / 2) as i32 - w as i32 / 2,
        (py + ph + 34) as i32,
        small,
        &fonts.regular,
        "12-03-2019",
    );
    // A signature.
    let mut prev = ((px + 30) as f32, (py + ph + 90) as f32);
    for i in 1..40 {
        let t = i as f32 / 39.0;
        let next = (
            (px + 30) as f32 + t * 140.0,
            (py + ph + 90) as f32 + (t * 19.0).sin() * 14.0 * (1.0 - t * 0.5),
        );
        draw_antialiased_line_segment_mut(
            &mut card,
            (prev.0 as i32, prev.1 as i32),
            (next.0 as i32, next.1 as i32),
            INK,
            interpolate,
        );
        prev = next;
    }
    card
}
