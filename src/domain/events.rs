//! Webhook events: what each state change tells the organisation. The payloads are built here,
//! from domain values only; the application writes them in the transaction of the change.

use serde_json::{Value, json};

use super::cases::{AuditDecision, CaseStatus, CheckResult};
use super::state::text_enum;
use super::time::{format_iso, format_timestamp};
use super::verifications::{OutputStatus, VerificationStatus};

text_enum! {
    /// The kinds of event an organisation can receive.
    pub enum EventType {
        CheckCompleted => "check.completed",
        CaseCompleted => "case.completed",
        VerificationStatusChanged => "verification.status_changed",
        /// A watched subject has a new or changed sanctions/PEP match after a list update.
        ScreeningMatch => "screening.match",
    }
}

/// An event about to be recorded: its id, type and the full payload a receiver gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub event_type: EventType,
    pub created_at_ms: i64,
    pub payload: Value,
}

/// Whether `raw` has the shape of an event id (`evt_` and 32 lowercase hex digits, as
/// [`Event::new`] makes them): anything else names no event, and is never looked up.
pub fn is_event_id(raw: &str) -> bool {
    raw.strip_prefix("evt_").is_some_and(|hex| {
        hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

impl Event {
    /// Wraps `data` in the envelope every delivery carries: `{id, type, created_at, data}`.
    pub fn new(event_type: EventType, data: Value, now_ms: i64) -> Self {
        let id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let payload = json!({
            "id": id,
            "type": event_type.as_str(),
            "created_at": format_timestamp(now_ms),
            "data": data,
        });
        Event {
            id,
            event_type,
            created_at_ms: now_ms,
            payload,
        }
    }
}

/// A check was decided: `check.completed`, and `case.completed` when that finished the case.
pub fn check_decided(
    case_id: &str,
    check_id: &str,
    check_type: &str,
    check_result: CheckResult,
    case: (CaseStatus, CheckResult),
    now_ms: i64,
) -> Vec<Event> {
    let (status, result) = case;
    let mut events = vec![Event::new(
        EventType::CheckCompleted,
        json!({
            "case_id": case_id,
            "check_id": check_id,
            "type": check_type,
            "result": check_result,
            "case_status": status,
        }),
        now_ms,
    )];
    if status.is_terminal() {
        events.push(Event::new(
            EventType::CaseCompleted,
            json!({"case_id": case_id, "status": status, "result": result}),
            now_ms,
        ));
    }
    events
}

/// A reviewer completed an audited case.
pub fn case_audited(
    case_id: &str,
    result: CheckResult,
    decision: AuditDecision,
    now_ms: i64,
) -> Event {
    Event::new(
        EventType::CaseCompleted,
        json!({
            "case_id": case_id,
            "status": CaseStatus::Completed,
            "result": result,
            "audit": {"decision": decision},
        }),
        now_ms,
    )
}

/// What a verification's status change tells its webhook.
pub struct VerificationChange<'a> {
    pub verification_id: &'a str,
    pub result_id: &'a str,
    pub service_code: &'a str,
    pub previous_status: VerificationStatus,
    pub status: VerificationStatus,
    pub output_status: Option<OutputStatus>,
    /// The client's `webhook_metadata`, its `webhook_secret` already removed.
    pub webhook_metadata: &'a Value,
}

/// A verification reached a new status: `verification.status_changed`, `None` for a status
/// that is not announced (`IN_QUEUE` after a retry) or no change at all.
pub fn verification_status_changed(change: &VerificationChange<'_>, now_ms: i64) -> Option<Event> {
    if change.previous_status == change.status || !change.status.is_announced() {
        return None;
    }
    let mut event = Event::new(
        EventType::VerificationStatusChanged,
        json!({
            "id": change.verification_id,
            "verification_id": change.verification_id,
            "result_id": change.result_id,
            "service_code": change.service_code,
            "previous_status": change.previous_status,
            "status": change.status,
            "output_status": change.output_status,
            "webhook_metadata": change.webhook_metadata,
        }),
        now_ms,
    );
    // The vendor's own top-level fields, beside the envelope every event carries.
    event.payload["event"] = json!(EventType::VerificationStatusChanged.as_str());
    event.payload["timestamp"] = json!(format_iso(now_ms));
    Some(event)
}

/// A re-screening found a new or changed match for a watched subject: `data` names the subject,
/// the list versions searched and the matches that are new or changed.
pub fn screening_match(data: Value, now_ms: i64) -> Event {
    Event::new(EventType::ScreeningMatch, data, now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_have_one_shape() {
        let event = Event::new(EventType::CaseCompleted, json!({}), 0);
        assert!(is_event_id(&event.id));
        for bad in [
            "",
            "evt_",
            "evt_nope",
            "\0",
            "evt_0123456789ABCDEF0123456789abcdef",
        ] {
            assert!(!is_event_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_check_that_finishes_its_case_raises_both_events() {
        let events = check_decided(
            "c1",
            "k1",
            "identity_pan",
            CheckResult::Clear,
            (CaseStatus::Completed, CheckResult::Clear),
            0,
        );
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].payload["type"], "check.completed");
        assert_eq!(events[0].payload["data"]["case_status"], "completed");
        assert_eq!(events[1].payload["data"]["result"], "clear");
        let running = check_decided(
            "c1",
            "k1",
            "identity_pan",
            CheckResult::Clear,
            (CaseStatus::InProgress, CheckResult::Pending),
            0,
        );
        assert_eq!(running.len(), 1);
        let audited = case_audited("c1", CheckResult::Discrepancy, AuditDecision::Reject, 0);
        assert_eq!(audited.payload["data"]["audit"]["decision"], "reject");
        assert_eq!(audited.payload["id"], audited.id.as_str());
    }

    #[test]
    fn a_status_change_is_announced_once_with_its_metadata() {
        let meta = json!({"order": "A-1"});
        let change = VerificationChange {
            verification_id: "v1",
            result_id: "r1",
            service_code: "KTP_SELFIE",
            previous_status: VerificationStatus::InProgress,
            status: VerificationStatus::Completed,
            output_status: Some(OutputStatus::Verified),
            webhook_metadata: &meta,
        };
        let event = verification_status_changed(&change, 0).unwrap();
        assert_eq!(event.payload["type"], "verification.status_changed");
        assert_eq!(event.payload["event"], "verification.status_changed");
        assert_eq!(event.payload["timestamp"], "1970-01-01T00:00:00Z");
        let later = verification_status_changed(&change, 1_778_650_320_123).unwrap();
        assert_eq!(later.payload["timestamp"], "2026-05-13T05:32:00Z");
        assert_eq!(event.payload["data"]["status"], "COMPLETED");
        assert_eq!(event.payload["data"]["webhook_metadata"]["order"], "A-1");
        let same = VerificationChange {
            previous_status: VerificationStatus::Completed,
            ..change
        };
        assert!(verification_status_changed(&same, 0).is_none());
    }
}
