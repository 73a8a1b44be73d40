//! Time formats shared by the API surfaces.

use chrono::{DateTime, FixedOffset, Utc};

/// India Standard Time (UTC+05:30): the calendar the KonnectNXT surface's dates are in.
pub const IST: FixedOffset = match FixedOffset::east_opt(5 * 3600 + 30 * 60) {
    Some(tz) => tz,
    None => panic!("IST offset is valid"),
};

/// `2026-06-15T10:30:00.123456+00:00`: the timestamp format of the report and ledger APIs.
pub fn format_timestamp(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

/// `2023-11-07T05:31:56Z`: the timestamp format of the AnyCheck surface (UTC, seconds).
pub fn format_iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `13 May, 2026, 11:02` in IST: how the report shows when a check completed.
pub fn format_report_time(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&IST)
        .format("%-d %b, %Y, %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_seed() {
        // 2026-05-13 05:32 UTC = 11:02 IST
        let ms = chrono::NaiveDate::from_ymd_opt(2026, 5, 13)
            .unwrap()
            .and_hms_opt(5, 32, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        assert_eq!(format_report_time(ms), "13 May, 2026, 11:02");
        assert_eq!(format_timestamp(ms), "2026-05-13T05:32:00.000000+00:00");
    }
}
