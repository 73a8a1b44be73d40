//! Webhook delivery: a job per event, signed with the organisation's secret, retried on a
//! schedule spread over about a day, every attempt written to the delivery log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::app::{AppError, AppResult, Resource};
use crate::crypto::webhook_signature;
use crate::domain::events::Event;
use crate::domain::webhooks::TargetPolicy;
use crate::jobs::{Job, JobError, JobHandler, JobKind, job_kind};
use crate::store::webhooks::NewDelivery;
use crate::store::{Store, StoreResult, Tx};

job_kind! {
    /// The job that delivers one webhook event.
    DeliveryJob = "webhook.deliver", payload DeliveryPayload { event_id: String }
}

/// Enqueues the delivery of `event_id` in `tx`.
async fn enqueue_delivery(
    tx: &mut Tx,
    org_id: &str,
    event_id: &str,
    max_attempts: i64,
) -> StoreResult<()> {
    let payload = DeliveryPayload {
        event_id: event_id.to_string(),
    };
    tx.enqueue::<DeliveryJob>(&payload, Some(org_id), max_attempts)
        .await
}

/// Records `event` in the open transaction and, when the organisation has a webhook, enqueues
/// its delivery there too: the event and its delivery exist only if the change commits.
pub async fn record_event(
    tx: &mut Tx,
    org_id: &str,
    event: &Event,
    max_attempts: i64,
) -> StoreResult<()> {
    tx.insert_event(org_id, event).await?;
    if tx.webhook_url(org_id).await?.is_some() {
        enqueue_delivery(tx, org_id, &event.id, max_attempts).await?;
    }
    Ok(())
}

/// Records an event about one verification in the open transaction and, when the verification
/// has its own webhook URL, enqueues its delivery there (the organisation's webhook is not
/// involved): the event and its delivery exist only if the change commits.
pub async fn record_verification_event(
    tx: &mut Tx,
    org_id: &str,
    verification_id: &str,
    has_url: bool,
    event: &Event,
    max_attempts: i64,
) -> StoreResult<()> {
    tx.insert_event_about(org_id, event, Some(verification_id))
        .await?;
    if has_url {
        enqueue_delivery(tx, org_id, &event.id, max_attempts).await?;
    }
    Ok(())
}

/// Queues another delivery of one of the organisation's events (the redeliver endpoint).
pub async fn redeliver(
    store: &Store,
    org_id: &str,
    event_id: &str,
    max_attempts: i64,
) -> AppResult<()> {
    if store.webhook(org_id).await?.is_none() {
        return Err(AppError::invalid(
            "url",
            "No webhook URL is set for this organisation.",
        ));
    }
    let mut tx = store.begin().await?;
    if !tx.event_exists(org_id, event_id).await? {
        return Err(AppError::NotFound(Resource::WebhookEvent));
    }
    enqueue_delivery(&mut tx, org_id, event_id, max_attempts).await?;
    tx.commit().await?;
    Ok(())
}

/// The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
pub const SIGNATURE_HEADER: &str = "Satyapan-Signature";
/// The unix time (seconds) the delivery was signed at, also inside the signature.
pub const TIMESTAMP_HEADER: &str = "Satyapan-Timestamp";

pub struct DeliveryHandler {
    pub store: Store,
    pub targets: Arc<TargetPolicy>,
    pub timeout: Duration,
    pub schedule: Vec<Duration>,
}

impl DeliveryHandler {
    pub fn new(
        store: Store,
        targets: Arc<TargetPolicy>,
        timeout: Duration,
        schedule: Vec<Duration>,
    ) -> Self {
        DeliveryHandler {
            store,
            targets,
            timeout,
            schedule,
        }
    }

    /// A client for one delivery, its connection pinned to an address the policy allows: the
    /// host is resolved here and every address it resolves to must pass, so a name that
    /// resolved to a public address when it was registered cannot be re-pointed inside.
    async fn client_for(&self, url: &str) -> Result<reqwest::Client, String> {
        let parsed = url::Url::parse(url).map_err(|_| "webhook URL is invalid".to_string())?;
        let host = parsed.host_str().ok_or("webhook URL has no host")?;
        let port = parsed.port_or_known_default().unwrap_or(443);
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<std::net::SocketAddr> = match bare.parse::<std::net::IpAddr>() {
            Ok(ip) => vec![std::net::SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((bare, port))
                .await
                .map_err(|_| "receiver host could not be resolved".to_string())?
                .collect(),
        };
        if addrs.is_empty() || addrs.iter().any(|a| !self.targets.allows(a.ip())) {
            return Err("receiver address is not allowed (not a public address)".into());
        }
        let mut builder = reqwest::Client::builder()
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Satyapan-Webhooks/", env!("CARGO_PKG_VERSION")));
        if bare.parse::<std::net::IpAddr>().is_err() {
            builder = builder.resolve_to_addrs(bare, &addrs);
        }
        builder.build().map_err(|e| format!("client: {e}"))
    }

    /// Attempts a job gets: one first try plus one per scheduled retry.
    pub fn max_attempts(schedule_len: usize) -> i64 {
        schedule_len as i64 + 1
    }
}

#[async_trait]
impl JobHandler for DeliveryHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let payload = DeliveryJob::payload(job)?;
        let Some(event) = self.store.webhook_event_for_job(&payload.event_id).await? else {
            return Err(JobError::Fatal("event no longer exists".into()));
        };
        let target = match &event.verification_id {
            // An event about a verification goes to the verification's own URL, signed with
            // its own secret (unsigned when it gave none).
            Some(verification_id) => {
                match self.store.verification_webhook(verification_id).await? {
                    Some((Some(url), secret)) => Some((url, secret)),
                    _ => None,
                }
            }
            None => self
                .store
                .webhook(&event.org_id)
                .await?
                .map(|(url, secret)| (url, Some(secret))),
        };
        let Some((url, secret)) = target else {
            // The webhook was removed: nothing to deliver to.
            return Ok(());
        };
        let client = match self.client_for(&url).await {
            Ok(client) => client,
            Err(error) => {
                self.store
                    .record_delivery(&NewDelivery {
                        event_id: &event.id,
                        org_id: &event.org_id,
                        attempt: job.attempts,
                        url: &url,
                        status_code: None,
                        error: Some(&error),
                        duration_ms: 0,
                    })
                    .await?;
                return Err(JobError::Retry(error));
            }
        };
        let timestamp = chrono::Utc::now().timestamp();
        let started = Instant::now();
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string());
        if let Some(secret) = &secret {
            request = request.header(
                SIGNATURE_HEADER,
                webhook_signature(secret, timestamp, event.payload.as_bytes()),
            );
        }
        let sent = request
            .header("Satyapan-Event-Id", &event.id)
            .header("Satyapan-Event-Type", event.event_type.as_str())
            .body(event.payload.clone())
            .send()
            .await;
        let duration_ms = started.elapsed().as_millis() as i64;
        let (status, error) = match &sent {
            Ok(response) if response.status().is_success() => {
                (Some(response.status().as_u16()), None)
            }
            Ok(response) => (
                Some(response.status().as_u16()),
                Some(format!("receiver answered {}", response.status().as_u16())),
            ),
            Err(e) if e.is_timeout() => (None, Some("receiver timed out".to_string())),
            Err(_) => (None, Some("receiver could not be reached".to_string())),
        };
        self.store
            .record_delivery(&NewDelivery {
                event_id: &event.id,
                org_id: &event.org_id,
                attempt: job.attempts,
                url: &url,
                status_code: status,
                error: error.as_deref(),
                duration_ms,
            })
            .await?;
        match error {
            None => Ok(()),
            Some(error) => Err(JobError::Retry(error)),
        }
    }

    fn retry_delay(&self, attempts: i64) -> Option<Duration> {
        let index = usize::try_from(attempts.max(1) - 1).unwrap_or(0);
        self.schedule.get(index).or(self.schedule.last()).copied()
    }
}

/// A webhook as just configured: its URL and its signing secret (shown this once).
#[derive(Debug)]
pub struct Configured {
    pub url: String,
    pub secret: String,
}

/// Sets the organisation's webhook to `url`, judged by `policy`, with a new signing secret (the
/// one place that does, for the API and the CLI). An unacceptable URL is `AppError::Invalid` on
/// `url` with the policy's sentence; `Ok(None)` when there is no such organisation.
pub async fn configure(
    store: &Store,
    policy: &TargetPolicy,
    org_id: &str,
    url: &str,
) -> AppResult<Option<Configured>> {
    let url = crate::domain::webhooks::validate_url(url, policy)
        .map_err(|message| AppError::invalid("url", message))?;
    let secret = crate::crypto::generate_webhook_secret();
    if !store.set_webhook(org_id, Some(&url), Some(&secret)).await? {
        return Ok(None);
    }
    Ok(Some(Configured { url, secret }))
}

/// Removes the organisation's webhook; `false` when there is no such organisation.
pub async fn remove(store: &Store, org_id: &str) -> AppResult<bool> {
    Ok(store.set_webhook(org_id, None, None).await?)
}

/// The organisation's webhook URL and secret, when it has one.
pub async fn current(store: &Store, org_id: &str) -> AppResult<Option<(String, String)>> {
    Ok(store.webhook(org_id).await?)
}

/// The organisation's latest `limit` events, newest first.
pub async fn events(
    store: &Store,
    org_id: &str,
    limit: i64,
) -> AppResult<Vec<crate::store::webhooks::WebhookEvent>> {
    Ok(store.webhook_events(org_id, limit).await?)
}

/// The delivery log of one of the organisation's events (not found when it has no such event).
pub async fn deliveries(
    store: &Store,
    org_id: &str,
    event_id: &str,
) -> AppResult<Vec<crate::store::webhooks::Delivery>> {
    if store.webhook_event(org_id, event_id).await?.is_none() {
        return Err(AppError::NotFound(Resource::WebhookEvent));
    }
    Ok(store.deliveries(org_id, event_id).await?)
}
