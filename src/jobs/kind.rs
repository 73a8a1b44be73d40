//! Typed job kinds: each kind names itself once and says what its payload is, so the payload is
//! built and read back as one type and a payload that does not decode is one fatal error.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Job, JobError, NewJob};
use crate::store::{StoreResult, Tx};

/// A kind of durable job: the word stored in `jobs.kind` and the payload its handler reads.
///
/// The payload is stored as its JSON (`serde_json::Value`'s text, keys in order), so a kind's
/// payload type keeps the field names of the rows already stored.
pub trait JobKind: 'static {
    const KIND: &'static str;
    type Payload: Serialize + DeserializeOwned;

    /// A new job of this kind carrying `payload` (the builder's defaults: no organisation, five
    /// attempts, runnable now).
    fn job(payload: &Self::Payload) -> NewJob {
        // A payload is a struct of strings and lists, which always serialises; one that did not
        // would be stored as `null` and dead-lettered by its handler as a bad payload.
        NewJob::new(
            Self::KIND,
            serde_json::to_value(payload).unwrap_or(serde_json::Value::Null),
        )
    }

    /// `job`'s payload, or the fatal error that dead-letters a job whose payload is unreadable.
    fn payload(job: &Job) -> Result<Self::Payload, JobError> {
        serde_json::from_str(&job.payload).map_err(|e| JobError::Fatal(format!("bad payload: {e}")))
    }
}

/// Declares a job kind: the type that names it, the word stored in `jobs.kind`, and its
/// payload, a struct whose fields are the stored JSON's.
macro_rules! job_kind {
    (
        $(#[$doc:meta])*
        $kind:ident = $word:literal, payload $payload:ident { $($field:ident: $ty:ty),+ $(,)? }
    ) => {
        $(#[$doc])*
        pub struct $kind;

        impl $crate::jobs::JobKind for $kind {
            const KIND: &'static str = $word;
            type Payload = $payload;
        }

        #[doc = concat!("What a `", $word, "` job carries: the fields of its stored JSON.")]
        #[derive(Debug, serde::Serialize, serde::Deserialize)]
        pub struct $payload {
            $(pub $field: $ty),+
        }
    };
}
pub(crate) use job_kind;

impl Tx {
    /// Enqueues a job of kind `K` in this transaction, for `org_id` when given, with at most
    /// `max_attempts` attempts (see [`Tx::insert_job`]).
    pub async fn enqueue<K: JobKind>(
        &mut self,
        payload: &K::Payload,
        org_id: Option<&str>,
        max_attempts: i64,
    ) -> StoreResult<()> {
        let mut job = K::job(payload).max_attempts(max_attempts);
        if let Some(org_id) = org_id {
            job = job.for_org(org_id);
        }
        self.insert_job(&job).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize)]
    struct Two {
        stage_id: String,
        ids: Vec<String>,
    }

    struct TwoKind;
    impl JobKind for TwoKind {
        const KIND: &'static str = "test.two";
        type Payload = Two;
    }

    fn stored(job: &NewJob) -> Job {
        Job {
            id: job.id.clone(),
            kind: job.kind.clone(),
            payload: job.payload.to_string(),
            org_id: None,
            status: crate::domain::jobs::JobState::Queued,
            attempts: 0,
            max_attempts: job.max_attempts,
            run_at: 0,
            lease_until: None,
            locked_by: None,
            last_error: None,
            created_at: 0,
            updated_at: 0,
            completed_at: None,
        }
    }

    #[test]
    fn a_typed_payload_is_stored_as_the_json_it_replaced_and_reads_back() {
        let payload = Two {
            stage_id: "s1".into(),
            ids: vec!["a".into()],
        };
        let job = TwoKind::job(&payload);
        assert_eq!(job.kind, "test.two");
        let legacy = serde_json::json!({ "stage_id": "s1", "ids": ["a"] });
        assert_eq!(job.payload.to_string(), legacy.to_string());
        let back = TwoKind::payload(&stored(&job)).expect("decodes");
        assert_eq!(back.stage_id, "s1");
        assert_eq!(back.ids, ["a"]);
    }

    #[test]
    fn an_unreadable_payload_is_one_fatal_error() {
        let mut job = stored(&TwoKind::job(&Two {
            stage_id: "s".into(),
            ids: vec![],
        }));
        job.payload = r#"{"other":1}"#.into();
        match TwoKind::payload(&job) {
            Err(JobError::Fatal(message)) => assert!(message.starts_with("bad payload: ")),
            _ => panic!("expected a fatal error"),
        }
    }

    /// Each kind's word and payload are those of the rows already stored: the JSON text is the
    /// one the `json!` builders wrote.
    #[test]
    fn every_kind_stores_the_payload_it_stored_before() {
        use crate::app;
        use serde_json::json;
        let check = app::cases::CheckPayload {
            check_id: "c".into(),
        };
        let stage = app::verifications::StagePayload {
            stage_id: "s".into(),
        };
        let delivery = app::webhooks::DeliveryPayload {
            event_id: "e".into(),
        };
        let fetch = app::gst::FetchPayload {
            request_id: "r".into(),
        };
        let rescreen = app::screening::RescreenPayload {
            version_id: "v".into(),
            subject_ids: vec!["a".into(), "b".into()],
        };
        let cases = [
            (
                app::cases::CheckJob::job(&check),
                "check.run",
                json!({ "check_id": "c" }),
            ),
            (
                app::verifications::StageJob::job(&stage),
                "verification.stage",
                json!({ "stage_id": "s" }),
            ),
            (
                app::webhooks::DeliveryJob::job(&delivery),
                "webhook.deliver",
                json!({ "event_id": "e" }),
            ),
            (
                app::gst::FetchJob::job(&fetch),
                "gst.fetch",
                json!({ "request_id": "r" }),
            ),
            (
                app::screening::RescreenJob::job(&rescreen),
                "screening.rescreen",
                json!({ "version_id": "v", "subject_ids": ["a", "b"] }),
            ),
        ];
        for (job, kind, legacy) in cases {
            assert_eq!(job.kind, kind);
            assert_eq!(job.payload.to_string(), legacy.to_string(), "{kind}");
        }
        let stored = stored(&app::screening::RescreenJob::job(&rescreen));
        let back = app::screening::RescreenJob::payload(&stored).expect("decodes");
        assert_eq!(back.subject_ids, ["a", "b"]);
    }
}
