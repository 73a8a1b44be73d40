//! Date parsing and comparison (dates of birth, issue dates, ...).
//!
//! Accepted forms: `DD-MM-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYY-MM-DD`,
//! `YYYY/MM/DD`, `YYYYMMDD`, `DD-Mon-YYYY` ("08-Jan-2001"), "8 January
//! 2001", "8th January 2001", "January 8, 2001", Indonesian month names
//! ("8 Januari 2001"), and RFC 3339 / ISO 8601 date-times, of which the date
//! part as written is used.
//!
//! Ambiguous numeric dates are read **day first**, the Indian (and
//! Indonesian) convention: `08/01/2001` is 8 January 2001. Only when the
//! day-first reading is impossible and the month-first one is valid
//! (`01/25/2001`) is the month-first reading used, and a comparison then says
//! so. Two-digit years are rejected: the century would be a guess, and a
//! wrong guess on a date of birth is worse than asking.

use chrono::{Datelike, NaiveDate};

use super::{Comparison, MatchLevel};

/// Score of a date that only matches once read month-first.
const MONTH_FIRST_SCORE: f64 = 0.95;
/// Score of a date whose day and month are swapped.
const SWAPPED_SCORE: f64 = 0.7;
/// Score when only a year is available and it matches.
const YEAR_ONLY_SCORE: f64 = 0.6;
/// Highest score of two different dates: a third of it per agreeing
/// component (day, month, year), staying inside the Mismatch band.
const DIFFERENT_DATE_MAX_SCORE: f64 = 0.45;

/// Years accepted when a bare 8-digit value must be told apart as
/// `YYYYMMDD` or `DDMMYYYY`.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// A date as read from input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Full(FullDate),
    /// A bare four-digit year.
    YearOnly(i32),
    Unreadable,
}

/// A full date and how it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FullDate {
    date: NaiveDate,
    /// Only the month-first reading was valid (`01/25/2001`).
    month_first: bool,
    /// Numeric, with day and month both at most 12 and different: reading it
    /// day first was the convention, not a certainty.
    day_first_guess: bool,
}

/// Parses a date in any of the accepted forms (see the module docs). A bare
/// year is not a date and gives `None`.
#[must_use]
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    match read(input) {
        Reading::Full(full) => Some(full.date),
        Reading::YearOnly(_) | Reading::Unreadable => None,
    }
}

fn read(input: &str) -> Reading {
    let s = input.trim().trim_end_matches(['.', ',']).trim();
    if s.is_empty() {
        return Reading::Unreadable;
    }
    if let Some(date) = iso_datetime_date(s) {
        return full(date);
    }

    let parts: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '.' | ','))
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [one] if is_digits(one, 4) => one.parse().map_or(Reading::Unreadable, Reading::YearOnly),
        [one] if is_digits(one, 8) => compact(one),
        [a, b, c]
            if [a, b, c]
                .iter()
                .all(|p| p.bytes().all(|x| x.is_ascii_digit())) =>
        {
            numeric(a, b, c)
        }
        [a, b, c] => with_month_name([a, b, c]),
        _ => Reading::Unreadable,
    }
}

fn full(date: NaiveDate) -> Reading {
    Reading::Full(FullDate {
        date,
        month_first: false,
        day_first_guess: false,
    })
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD` followed by a time (`T` or space), as in RFC 3339. The date
/// part is taken as written, not converted to another time zone: a date of
/// birth does not move with the offset.
fn iso_datetime_date(s: &str) -> Option<NaiveDate> {
    let (date_part, rest) = (s.get(..10)?, s.get(10..)?);
    let mut rest_chars = rest.chars();
    let separator = rest_chars.next()?;
    if !matches!(separator, 'T' | 't' | ' ') || !rest_chars.next()?.is_ascii_digit() {
        return None;
    }
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

/// `YYYYMMDD`, or `DDMMYYYY` when that is the only plausible reading.
fn compact(s: &str) -> Reading {
    let num = |range: std::ops::Range<usize>| s.get(range).and_then(|p| p.parse::<u32>().ok());
    let ymd = (num(0..4), num(4..6), num(6..8));
    if let (Some(y), Some(m), Some(d)) = ymd
        && let Ok(year) = i32::try_from(y)
        && PLAUSIBLE_YEARS.contains(&year)
        && let Some(date) = NaiveDate::from_ymd_opt(year, m, d)
    {
        return full(date);
    }
    let dmy = (num(0..2), num(2..4), num(4..8));
    if let (Some(d), Some(m), Some(y)) = dmy
        && let Ok(year) = i32::try_from(y)
        && PLAUSIBLE_YEARS.contains(&year)
        && let Some(date) = NaiveDate::from_ymd_opt(year, m, d)
    {
        return full(date);
    }
    Reading::Unreadable
}

/// Three numeric parts: year first if the first part has four digits,
/// otherwise day first with a four-digit year last.
fn numeric(a: &str, b: &str, c: &str) -> Reading {
    let parse = |p: &str| p.parse::<u32>().ok();
    let (Some(x), Some(y), Some(z)) = (parse(a), parse(b), parse(c)) else {
        return Reading::Unreadable;
    };
    let short = |p: &str| (1..=2).contains(&p.len());
    if a.len() == 4 && short(b) && short(c) {
        return i32::try_from(x)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, y, z))
            .map_or(Reading::Unreadable, full);
    }
    if c.len() == 4 && short(a) && short(b) {
        let Ok(year) = i32::try_from(z) else {
            return Reading::Unreadable;
        };
        if let Some(date) = NaiveDate::from_ymd_opt(year, y, x) {
            return Reading::Full(FullDate {
                date,
                month_first: false,
                day_first_guess: x <= 12 && y <= 12 && x != y,
            });
        }
        if let Some(date) = NaiveDate::from_ymd_opt(year, x, y) {
            return Reading::Full(FullDate {
                date,
                month_first: true,
                day_first_guess: false,
            });
        }
    }
    Reading::Unreadable
}

/// Three parts, one of them a month name, in any order: "8 January 2001",
/// "January 8, 2001", "08-Jan-2001", "2001 Jan 8".
fn with_month_name(parts: [&str; 3]) -> Reading {
    let mut month = None;
    let mut year = None;
    let mut day = None;
    for part in parts {
        if let Some(m) = month_number(part) {
            if month.replace(m).is_some() {
                return Reading::Unreadable;
            }
            continue;
        }
        let digits = strip_ordinal(part);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Reading::Unreadable;
        }
        match digits.len() {
            4 if year.is_none() => year = digits.parse::<i32>().ok(),
            1 | 2 if day.is_none() => day = digits.parse::<u32>().ok(),
            _ => return Reading::Unreadable,
        }
    }
    match (year, month, day) {
        (Some(y), Some(m), Some(d)) => {
            NaiveDate::from_ymd_opt(y, m, d).map_or(Reading::Unreadable, full)
        }
        _ => Reading::Unreadable,
    }
}

/// "8th" → "8"; anything else unchanged.
fn strip_ordinal(part: &str) -> &str {
    let lower = part.to_ascii_lowercase();
    for suffix in ["st", "nd", "rd", "th"] {
        if lower.ends_with(suffix) && part.len() > 2 {
            return &part[..part.len() - 2];
        }
    }
    part
}

/// English and Indonesian month names and abbreviations.
fn month_number(part: &str) -> Option<u32> {
    let month = match part.to_ascii_lowercase().as_str() {
        "jan" | "january" | "januari" => 1,
        "feb" | "february" | "februari" | "peb" | "pebruari" => 2,
        "mar" | "march" | "maret" => 3,
        "apr" | "april" => 4,
        "may" | "mei" => 5,
        "jun" | "june" | "juni" => 6,
        "jul" | "july" | "juli" => 7,
        "aug" | "august" | "agu" | "agt" | "agustus" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" | "okt" | "oktober" => 10,
        "nov" | "november" | "nop" | "nopember" => 11,
        "dec" | "december" | "des" | "desember" => 12,
        _ => return None,
    };
    Some(month)
}

/// "8 January 2001": unambiguous in a reason, whatever format was given.
fn show(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Compares a declared date with a source date.
///
/// * **Exact** — the same calendar date.
/// * **Strong** — the same date once one side is read month-first because the
///   day-first reading is impossible (`01/25/2001`).
/// * **Partial** — day and month swapped (both at most 12, same year); or one
///   side gives only a year and it matches (also when both give only a year:
///   the full date is still unconfirmed).
/// * **Mismatch** — different dates, or a side that could not be read (the
///   reason says which).
#[must_use]
pub fn compare_dates(declared: &str, source: &str) -> Comparison {
    match (read(declared), read(source)) {
        (Reading::Unreadable, Reading::Unreadable) => Comparison::new(
            MatchLevel::Mismatch,
            0.0,
            format!(
                "Neither the declared date '{}' nor the source date '{}' could be read",
                declared.trim(),
                source.trim()
            ),
        ),
        (Reading::Unreadable, _) => {
            Comparison::new(MatchLevel::Mismatch, 0.0, unreadable("declared", declared))
        }
        (_, Reading::Unreadable) => {
            Comparison::new(MatchLevel::Mismatch, 0.0, unreadable("source", source))
        }
        (Reading::YearOnly(a), Reading::YearOnly(b)) => {
            if a == b {
                Comparison::new(
                    MatchLevel::Partial,
                    YEAR_ONLY_SCORE,
                    format!("Only the year is known on both sides and it matches ({a})"),
                )
            } else {
                Comparison::new(
                    MatchLevel::Mismatch,
                    0.0,
                    format!("Years differ: declared {a}, source {b}"),
                )
            }
        }
        (Reading::YearOnly(year), Reading::Full(full)) => {
            year_against_date(year, full.date, "declared", "source")
        }
        (Reading::Full(full), Reading::YearOnly(year)) => {
            year_against_date(year, full.date, "source", "declared")
        }
        (Reading::Full(a), Reading::Full(b)) => {
            full_dates((a, declared.trim()), (b, source.trim()))
        }
    }
}

/// Says which side could not be read, quoting it unless it is blank.
fn unreadable(side: &str, text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        format!("The {side} date is empty")
    } else {
        format!("The {side} date '{text}' could not be read")
    }
}

fn year_against_date(year: i32, date: NaiveDate, year_side: &str, date_side: &str) -> Comparison {
    if date.year() == year {
        Comparison::new(
            MatchLevel::Partial,
            YEAR_ONLY_SCORE,
            format!(
                "Only the year {year} is given on the {year_side} side; it matches the {date_side} date {}",
                show(date)
            ),
        )
    } else {
        Comparison::new(
            MatchLevel::Mismatch,
            0.0,
            format!(
                "The {year_side} year {year} does not match the {date_side} date {}",
                show(date)
            ),
        )
    }
}

/// Compares two full dates, each with the text it was read from.
fn full_dates((da, d_text): (FullDate, &str), (sa, s_text): (FullDate, &str)) -> Comparison {
    let (a, b) = (da.date, sa.date);
    if a == b {
        return match (da.month_first, sa.month_first) {
            (false, false) => {
                // When only one side was ambiguous, the match rests on the
                // day-first convention: say so.
                let guess = match (da.day_first_guess, sa.day_first_guess) {
                    (true, false) => format!(", reading the declared '{d_text}' day first"),
                    (false, true) => format!(", reading the source '{s_text}' day first"),
                    _ => String::new(),
                };
                Comparison::new(
                    MatchLevel::Exact,
                    1.0,
                    format!("Same date ({}){guess}", show(a)),
                )
            }
            (true, _) => Comparison::new(
                MatchLevel::Strong,
                MONTH_FIRST_SCORE,
                format!(
                    "Same date ({}) once the declared value is read month-first",
                    show(a)
                ),
            ),
            (false, true) => Comparison::new(
                MatchLevel::Strong,
                MONTH_FIRST_SCORE,
                format!(
                    "Same date ({}) once the source value is read month-first",
                    show(a)
                ),
            ),
        };
    }
    if a.year() == b.year() && a.day() == b.month() && a.month() == b.day() {
        // Both day and month are at most 12 here, since each is the other's
        // month.
        return Comparison::new(
            MatchLevel::Partial,
            SWAPPED_SCORE,
            format!(
                "Day and month are swapped (declared {}, source {}), likely a day-first/month-first mix-up",
                show(a),
                show(b)
            ),
        );
    }
    let mut differing = Vec::new();
    if a.day() != b.day() {
        differing.push("day");
    }
    if a.month() != b.month() {
        differing.push("month");
    }
    if a.year() != b.year() {
        differing.push("year");
    }
    let agreeing = 3 - differing.len();
    let what = match differing.as_slice() {
        [one] => format!("the {one} differs"),
        [x, y] => format!("the {x} and {y} differ"),
        _ => "day, month and year all differ".to_owned(),
    };
    Comparison::new(
        MatchLevel::Mismatch,
        DIFFERENT_DATE_MAX_SCORE * agreeing as f64 / 3.0,
        format!(
            "Dates differ: declared {}, source {} ({what})",
            show(a),
            show(b)
        ),
    )
}
