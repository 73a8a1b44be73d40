//! Webhook configuration, events and the delivery log. An event is written in the transaction of
//! the change it reports; its delivery is a job, so delivery never slows the API path.

use serde::Serialize;
use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms, with_conn};
use crate::domain::events::{Event, EventType};

impl Tx {
    /// Records an event the caller built.
    pub async fn insert_event(&mut self, org_id: &str, event: &Event) -> StoreResult<()> {
        self.insert_event_about(org_id, event, None).await
    }

    /// Records an event about one verification: it is delivered to that verification's own
    /// webhook URL (when it has one) instead of the organisation's.
    pub async fn insert_event_about(
        &mut self,
        org_id: &str,
        event: &Event,
        verification_id: Option<&str>,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO webhook_events (id, org_id, event_type, payload, created_at,
                                             verification_id)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&event.id)
            .bind(org_id)
            .bind(event.event_type)
            .bind(event.payload.to_string())
            .bind(event.created_at_ms)
            .bind(verification_id)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }

    /// The organisation's webhook URL, if it has one.
    pub async fn webhook_url(&mut self, org_id: &str) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> = on_tx!(self, |conn| {
            sqlx::query_as(WEBHOOK_URL)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?
        });
        Ok(row.and_then(|r| r.0))
    }

    /// Whether the event exists and belongs to `org_id`.
    pub async fn event_exists(&mut self, org_id: &str, event_id: &str) -> StoreResult<bool> {
        let found: Option<(String,)> = on_tx!(self, |conn| {
            sqlx::query_as(EVENT_EXISTS)
                .bind(event_id)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?
        });
        Ok(found.is_some())
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct WebhookEvent {
    pub id: String,
    pub org_id: String,
    pub event_type: EventType,
    pub payload: String,
    pub created_at: i64,
    /// Set for an event about one verification (delivered to its own webhook URL).
    pub verification_id: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub attempt: i64,
    pub url: String,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub created_at: i64,
}

/// One attempt, as the delivery job records it.
pub struct NewDelivery<'a> {
    pub event_id: &'a str,
    pub org_id: &'a str,
    pub attempt: i64,
    pub url: &'a str,
    pub status_code: Option<u16>,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
}

impl super::Store {
    /// Sets (or clears, with `None`) the organisation's webhook URL and secret.
    pub async fn set_webhook(
        &self,
        org_id: &str,
        url: Option<&str>,
        secret: Option<&str>,
    ) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done =
                sqlx::query("UPDATE orgs SET webhook_url = $2, webhook_secret = $3 WHERE id = $1")
                    .bind(org_id)
                    .bind(url)
                    .bind(secret)
                    .execute(pool)
                    .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// `(url, secret)` of the organisation's webhook.
    pub async fn webhook(&self, org_id: &str) -> StoreResult<Option<(String, String)>> {
        with_conn!(self, |pool| {
            let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(WEBHOOK)
                .bind(org_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.and_then(|(url, secret)| Some((url?, secret?))))
        })
    }

    pub async fn webhook_event(
        &self,
        org_id: &str,
        event_id: &str,
    ) -> StoreResult<Option<WebhookEvent>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, WebhookEvent>(WEBHOOK_EVENT)
                .bind(event_id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    pub async fn webhook_event_for_job(&self, event_id: &str) -> StoreResult<Option<WebhookEvent>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, WebhookEvent>(WEBHOOK_EVENT_FOR_JOB)
                .bind(event_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// The organisation's events, newest first.
    pub async fn webhook_events(&self, org_id: &str, limit: i64) -> StoreResult<Vec<WebhookEvent>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, WebhookEvent>(WEBHOOK_EVENTS)
                .bind(org_id)
                .bind(limit)
                .fetch_all(pool)
                .await?)
        })
    }

    pub async fn record_delivery(&self, d: &NewDelivery<'_>) -> StoreResult<()> {
        with_conn!(self, |pool| {
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, event_id, org_id, attempt, url, status_code,
                                                 error, duration_ms, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(d.event_id)
            .bind(d.org_id)
            .bind(d.attempt)
            .bind(d.url)
            .bind(d.status_code.map(i64::from))
            .bind(d.error)
            .bind(d.duration_ms)
            .bind(now_ms())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn deliveries(&self, org_id: &str, event_id: &str) -> StoreResult<Vec<Delivery>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, Delivery>(DELIVERIES)
                .bind(event_id)
                .bind(org_id)
                .fetch_all(pool)
                .await?)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const WEBHOOK_URL: &str = "SELECT webhook_url FROM orgs WHERE id = $1";

pub(super) const EVENT_EXISTS: &str = "SELECT id FROM webhook_events WHERE id = $1 AND org_id = $2";

pub(super) const WEBHOOK: &str = "SELECT webhook_url, webhook_secret FROM orgs WHERE id = $1";

pub(super) const WEBHOOK_EVENT: &str = "SELECT * FROM webhook_events WHERE id = $1 AND org_id = $2";

pub(super) const WEBHOOK_EVENT_FOR_JOB: &str = "SELECT * FROM webhook_events WHERE id = $1";

pub(super) const WEBHOOK_EVENTS: &str =
    "SELECT * FROM webhook_events WHERE org_id = $1 ORDER BY created_at DESC, id LIMIT $2";

pub(super) const DELIVERIES: &str =
    "SELECT id, event_id, attempt, url, status_code, error, duration_ms, created_at
    FROM webhook_deliveries WHERE event_id = $1 AND org_id = $2
    ORDER BY created_at, attempt";
