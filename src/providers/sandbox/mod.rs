//! The built-in sandbox source: deterministic records derived from the input, and magic inputs
//! that reach every failure mode. Listed in `docs/sandbox.md`; everything it returns says
//! `SANDBOX` in its `source`.

mod checks;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate, Utc};

// The deterministic data is pure domain code; these keep the old paths working.
pub use crate::domain::checks::sandbox::SEED_EXAMPLE_AADHAAR_LAST4;
use crate::domain::rng::Rng;
pub use crate::domain::sandbox::{
    Address, PLACES, Person, SOURCE, person, sandbox_gstin, sandbox_pan,
};

use super::ProviderError;
use super::bureau::{
    AddressInfo, BureauProvider, BureauQuery, BureauRecord, EmailInfo, IdNumber, IdentityInfo,
    PersonalInfo, PhoneInfo,
};
use super::gst::{
    FilingSummary, GstProvider, GstRecord, HsnCode, Jurisdiction, PrincipalAddress, Turnover,
};
use crate::domain::ids::{Gstin, PanHolderType};

/// Bureau magic numbers (all valid mobile numbers).
pub mod magic {
    /// The bureau is reached and has no record: 404, 1 credit.
    pub const MOBILE_NO_RECORD: &str = "6000000404";
    /// The bureau is down: 500, no credit.
    pub const MOBILE_BUREAU_DOWN: &str = "6000000500";
    /// The bureau does not answer in time: 500, no credit.
    pub const MOBILE_BUREAU_TIMEOUT: &str = "6000000408";
    /// GSTINs whose PAN serial (GSTIN characters 8–11) is one of these behave specially.
    pub const GST_SERIAL_CANCELLED: &str = "9001";
    pub const GST_SERIAL_SUSPENDED: &str = "9002";
    pub const GST_SERIAL_NOT_FOUND: &str = "0404";
    pub const GST_SERIAL_SOURCE_DOWN: &str = "0500";
}

#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    /// Added to every call, so polling shows work in progress.
    pub latency: Duration,
}

impl Sandbox {
    pub fn new(latency: Duration) -> Self {
        Sandbox { latency }
    }

    async fn wait(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }
}

fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[async_trait]
impl BureauProvider for Sandbox {
    async fn pull(&self, query: &BureauQuery) -> Result<BureauRecord, ProviderError> {
        self.wait().await;
        match query.mobile.as_str() {
            magic::MOBILE_NO_RECORD => return Err(ProviderError::NotFound),
            magic::MOBILE_BUREAU_DOWN => {
                return Err(ProviderError::Unavailable("sandbox bureau is down".into()));
            }
            magic::MOBILE_BUREAU_TIMEOUT => return Err(ProviderError::Timeout),
            _ => {}
        }
        let mobile = query.mobile.as_str();
        let p = person("bureau", mobile);
        let mut rng = Rng::keyed("bureau-report", mobile);
        let today = Utc::now().date_naive();
        let reported = |rng: &mut Rng| iso_date(today - chrono::Days::new(rng.range(20, 400)));
        let mut phones = vec![PhoneInfo {
            sequence: "1".into(),
            reported_date: reported(&mut rng),
            type_code: "M".into(),
            number: mobile.to_string(),
        }];
        if rng.chance(50) {
            phones.push(PhoneInfo {
                sequence: "2".into(),
                reported_date: reported(&mut rng),
                type_code: "H".into(),
                number: format!("{}{}", rng.range(6, 9), rng.digits(9)),
            });
        }
        let mut identity = IdentityInfo {
            pan_number: vec![IdNumber {
                id_number: p.pan.as_str().to_string(),
                sequence: "1".into(),
            }],
            ..IdentityInfo::default()
        };
        if let Some(doc) = &query.document {
            // The bureau confirms the document it was asked about (never echoing an Aadhaar).
            let value = match doc.document_type.as_str() {
                "AADHAAR" => format!(
                    "xxxxxxxx{}",
                    &doc.value[doc.value.len().saturating_sub(4)..]
                ),
                _ => doc.value.clone(),
            };
            let entry = IdNumber {
                id_number: value,
                sequence: "1".into(),
            };
            match doc.document_type.as_str() {
                "PAN" if doc.value != p.pan.as_str() => identity.pan_number.push(IdNumber {
                    sequence: "2".into(),
                    ..entry
                }),
                "PAN" => {}
                "AADHAAR" => identity.aadhaar_number.push(entry),
                "VOTER_ID" => identity.voter_id.push(entry),
                "PASSPORT" => identity.passport_number.push(entry),
                "DRIVING_LICENSE" => identity.driving_license.push(entry),
                _ => identity.other_id.push(entry),
            }
        }
        Ok(BureauRecord {
            report_order_number: rng.digits(10),
            personal_info: PersonalInfo {
                full_name: format!("{} {}", p.surname, p.first_name).to_uppercase(),
                dob: iso_date(p.dob),
                gender: p.gender.to_string(),
                total_income: if rng.chance(40) {
                    (rng.range(2, 30) * 100_000).to_string()
                } else {
                    String::new()
                },
                occupation: p.occupation.to_string(),
                age: p.age_on(today).to_string(),
            },
            phone_info: phones,
            email_info: vec![EmailInfo {
                sequence: "1".into(),
                reported_date: reported(&mut rng),
                email_address: p.email.to_uppercase(),
            }],
            identity_info: identity,
            address_info: vec![AddressInfo {
                sequence: "1".into(),
                address: format!("SO {} {}", p.father_name, p.address.line).to_uppercase(),
                state: p.address.state.clone(),
                kind: "Permanent".into(),
                postal: p.address.pincode.clone(),
                reported_date: reported(&mut rng),
            }],
            source: SOURCE.into(),
        })
    }
}

const BUSINESS_WORDS: &[&str] = &[
    "Aditya", "Bharat", "Coastal", "Deccan", "Everest", "Fortune", "Ganga", "Horizon", "Indus",
    "Jupiter", "Kaveri", "Lotus", "Meridian", "Narmada", "Orient", "Pioneer", "Quantum", "Royal",
    "Sapphire", "Triveni", "Unity", "Vijaya", "Western", "Xpress", "Yamuna", "Zenith",
];
const BUSINESS_KINDS: &[&str] = &[
    "Traders",
    "Textiles",
    "Foods",
    "Logistics",
    "Infotech",
    "Agro",
    "Pharma",
    "Builders",
];
const HSN: &[(&str, &str, &str)] = &[
    ("998314", "IT design and development services", "service"),
    ("996511", "Road transport services of goods", "service"),
    ("1006", "Rice", "goods"),
    ("5208", "Woven fabrics of cotton", "goods"),
    ("3004", "Medicaments in measured doses", "goods"),
    ("998719", "Maintenance and repair services", "service"),
    ("0713", "Dried leguminous vegetables", "goods"),
    ("995411", "Construction services of buildings", "service"),
];
const SLABS: &[&str] = &[
    "Slab: Rs. 0 to 40 lakhs",
    "Slab: Rs. 40 lakhs to 1.5 Cr.",
    "Slab: Rs. 1.5 Cr. to 5 Cr.",
    "Slab: Rs. 5 Cr. to 25 Cr.",
];

fn constitution(holder: PanHolderType) -> &'static str {
    match holder.code() {
        'C' => "Private Limited Company",
        'F' => "Partnership",
        'P' => "Proprietorship",
        'H' => "Hindu Undivided Family",
        'A' => "Association of Persons",
        'T' => "Trust",
        'B' => "Body of Individuals",
        'L' => "Local Authority",
        'J' => "Artificial Juridical Person",
        'G' => "Government Department",
        _ => "Others",
    }
}

fn gst_timestamp(date: NaiveDate) -> String {
    format!("{}T00:00:00.000Z", iso_date(date))
}

#[async_trait]
impl GstProvider for Sandbox {
    async fn lookup(&self, gstin: &Gstin) -> Result<GstRecord, ProviderError> {
        self.wait().await;
        let pan = gstin.pan();
        let serial = &pan.as_str()[5..9];
        match serial {
            magic::GST_SERIAL_NOT_FOUND => return Err(ProviderError::NotFound),
            magic::GST_SERIAL_SOURCE_DOWN => {
                return Err(ProviderError::Unavailable(
                    "sandbox GST source is down".into(),
                ));
            }
            _ => {}
        }
        let mut rng = Rng::keyed("gst", gstin.as_str());
        let holder = pan.holder_type();
        let initial = pan.card_holder_name_initial();
        let owner = person("gst-owner", gstin.as_str());
        let legal_name = if holder.code() == 'P' {
            format!(
                "{initial}{} {}",
                &owner.surname.to_uppercase()[1..],
                owner.first_name.to_uppercase()
            )
        } else {
            let first = BUSINESS_WORDS
                .iter()
                .find(|w| w.starts_with(initial))
                .copied()
                .unwrap_or("Unity");
            let suffix = match holder.code() {
                'C' => " PRIVATE LIMITED",
                'F' => " & CO",
                'T' => " TRUST",
                _ => "",
            };
            format!(
                "{} {}{suffix}",
                first.to_uppercase(),
                rng.pick(BUSINESS_KINDS).to_uppercase()
            )
        };
        let trade_name = if rng.chance(60) {
            legal_name.clone()
        } else {
            format!(
                "{} {}",
                rng.pick(BUSINESS_WORDS).to_uppercase(),
                rng.pick(BUSINESS_KINDS).to_uppercase()
            )
        };
        let today = Utc::now().date_naive();
        let registered =
            NaiveDate::from_ymd_opt(rng.range(2017, 2024) as i32, rng.range(1, 12) as u32, 1)
                .unwrap_or_default();
        let (status, is_active, cancelled) = match serial {
            magic::GST_SERIAL_CANCELLED => {
                let on = registered + chrono::Days::new(rng.range(200, 900));
                ("Cancelled", false, Some(gst_timestamp(on)))
            }
            magic::GST_SERIAL_SUSPENDED => ("Suspended", false, None),
            _ => ("Active", true, None),
        };
        let months = ((today.year() - registered.year()) * 12 + today.month() as i32
            - registered.month() as i32)
            .max(1) as i64;
        let filed = |rng: &mut Rng| (months - rng.range(0, 3) as i64).max(0);
        let last_filed = today
            .with_day(11)
            .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
            .map(gst_timestamp);
        let state = gstin.state_name().to_string();
        let city = PLACES
            .iter()
            .find(|p| p.1 == gstin.state_code())
            .map(|p| (p.2, p.3))
            .unwrap_or(("Central", "110"));
        let hsn_count = rng.range(1, 3) as usize;
        let mut hsn_codes: Vec<HsnCode> = Vec::new();
        while hsn_codes.len() < hsn_count {
            let (code, description, kind) = *rng.pick(HSN);
            if hsn_codes.iter().all(|h| h.hsn_code != code) {
                hsn_codes.push(HsnCode {
                    hsn_code: code.into(),
                    hsn_description: description.into(),
                    kind: kind.into(),
                });
            }
        }
        let promoters = if holder.code() == 'P' {
            vec![owner.display_name()]
        } else {
            (0..rng.range(1, 3))
                .map(|i| person("gst-promoter", &format!("{}{i}", gstin.as_str())).display_name())
                .collect()
        };
        Ok(GstRecord {
            gstin: gstin.as_str().to_string(),
            legal_name,
            trade_name,
            status: status.into(),
            is_active,
            constitution: constitution(holder).into(),
            registration_date: gst_timestamp(registered),
            cancellation_date: cancelled,
            business_nature: vec![
                rng.pick(&[
                    "Supplier of Services",
                    "Retail Business",
                    "Wholesale Business",
                    "Office / Sale Office",
                ])
                .to_string(),
            ],
            is_sez: rng.chance(5),
            turnover: Turnover {
                slab: rng.pick(SLABS).to_string(),
                financial_year: format!("{}-{}", today.year() - 1, today.year()),
            },
            principal_address: PrincipalAddress {
                address: format!(
                    "{}, {}, {}, {}",
                    rng.range(1, 300),
                    rng.pick(&[
                        "Industrial Area",
                        "MG Road",
                        "Commercial Complex",
                        "Market Yard"
                    ]),
                    city.0,
                    state
                ),
                pincode: format!("{}{}", city.1, rng.digits(3)),
                state: state.clone(),
                district: city.0.to_string(),
            },
            jurisdiction: Jurisdiction {
                center: format!(
                    "Range-{}, Division-{}, {} Commissionerate",
                    rng.range(1, 9),
                    rng.range(1, 6),
                    city.0
                ),
                center_code: format!("{}{}", rng.letters(2), rng.digits(4)),
                state_code: format!("{}{}", rng.letters(2), rng.digits(3)),
            },
            filing_summary: FilingSummary {
                gstr1_filed_count: if is_active {
                    filed(&mut rng)
                } else {
                    rng.range(0, 12) as i64
                },
                gstr3b_filed_count: if is_active {
                    filed(&mut rng)
                } else {
                    rng.range(0, 12) as i64
                },
                last_gstr1_filed_on: last_filed.clone(),
                last_gstr3b_filed_on: last_filed,
            },
            hsn_codes,
            promoters,
            source: SOURCE.into(),
            last_updated: gst_timestamp(today),
        })
    }
}
