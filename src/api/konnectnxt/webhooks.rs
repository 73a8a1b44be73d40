//! Webhook settings, events, the delivery log and redelivery (`/api/v2/webhooks…`).

use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::Value;

use super::ApiKeyAuth;
use super::body::Body;
use super::envelope::{ApiError, ApiResult, Envelope};
use super::extract::{ApiJson, QueryParams};
use crate::api::AppState;
use crate::app::{AppError, Resource, webhooks};
use crate::domain::events::{EventType, is_event_id};
use crate::domain::text::limits;
use crate::domain::time::format_timestamp;
use crate::store::decode_json;

#[derive(Debug, Serialize)]
pub struct WebhookSettings {
    pub url: Option<String>,
    /// Shown in full only when it is created; afterwards its first characters.
    pub secret: Option<String>,
    pub events: &'static [EventType],
}

const EVENTS: &[EventType] = EventType::ALL;

/// Set the webhook URL (a new signing secret is returned once)
#[utoipa::path(put, path = "/api/v2/webhooks", tag = "webhooks")]
pub async fn set(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiJson(value): ApiJson<Value>,
) -> ApiResult<WebhookSettings> {
    let url = Body::new(value)
        .and_then(|b| b.required_text(&limits::WEBHOOK_URL))
        .map_err(ApiError::bad_request)?;
    let webhooks::Configured { url, secret } =
        webhooks::configure(&state.store, &state.webhook_targets, &auth.org_id, &url)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("authenticated org vanished")))?;
    Ok(Envelope::ok(
        "Webhook saved. Keep the secret: it is shown once.",
        WebhookSettings {
            url: Some(url),
            secret: Some(secret),
            events: EVENTS,
        },
    ))
}

/// The webhook settings
#[utoipa::path(get, path = "/api/v2/webhooks", tag = "webhooks")]
pub async fn get(State(state): State<AppState>, auth: ApiKeyAuth) -> ApiResult<WebhookSettings> {
    let current = webhooks::current(&state.store, &auth.org_id).await?;
    Ok(Envelope::ok(
        "Webhook settings fetched successfully.",
        WebhookSettings {
            url: current.as_ref().map(|(u, _)| u.clone()),
            secret: current.map(|(_, s)| format!("{}…", s.chars().take(10).collect::<String>())),
            events: EVENTS,
        },
    ))
}

/// Remove the webhook
#[utoipa::path(delete, path = "/api/v2/webhooks", tag = "webhooks")]
pub async fn delete(State(state): State<AppState>, auth: ApiKeyAuth) -> ApiResult<WebhookSettings> {
    webhooks::remove(&state.store, &auth.org_id).await?;
    Ok(Envelope::ok(
        "Webhook removed.",
        WebhookSettings {
            url: None,
            secret: None,
            events: EVENTS,
        },
    ))
}

/// Recent events (newest first)
#[utoipa::path(get, path = "/api/v2/webhooks/events", tag = "webhooks", params(("limit" = Option<i64>, Query, description = "1–200, default 50")))]
pub async fn events(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> ApiResult<Vec<Value>> {
    let limit = match params.get("limit") {
        None => 50,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| ApiError::bad_request("limit must be an integer between 1 and 200."))?,
    };
    let events = webhooks::events(&state.store, &auth.org_id, limit).await?;
    Ok(Envelope::ok(
        "Webhook events fetched successfully.",
        events
            .into_iter()
            .map(|e| decode_json::<Value>("webhook event", &e.payload))
            .collect::<Result<Vec<_>, _>>()?,
    ))
}

#[derive(Debug, Serialize)]
pub struct DeliveryView {
    pub attempt: i64,
    pub url: String,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub delivered_at: String,
}

/// The delivery log of one event
#[utoipa::path(get, path = "/api/v2/webhooks/events/{event_id}/deliveries", tag = "webhooks", params(("event_id" = String, Path)))]
pub async fn deliveries(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> ApiResult<Vec<DeliveryView>> {
    if !is_event_id(&event_id) {
        return Err(AppError::NotFound(Resource::WebhookEvent).into());
    }
    let rows = webhooks::deliveries(&state.store, &auth.org_id, &event_id).await?;
    Ok(Envelope::ok(
        "Webhook deliveries fetched successfully.",
        rows.into_iter()
            .map(|d| DeliveryView {
                attempt: d.attempt,
                url: d.url,
                status_code: d.status_code,
                error: d.error,
                duration_ms: d.duration_ms,
                delivered_at: format_timestamp(d.created_at),
            })
            .collect(),
    ))
}

/// Deliver an event again
#[utoipa::path(post, path = "/api/v2/webhooks/events/{event_id}/redeliver", tag = "webhooks", params(("event_id" = String, Path)))]
pub async fn redeliver(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> ApiResult<Value> {
    if !is_event_id(&event_id) {
        return Err(AppError::NotFound(Resource::WebhookEvent).into());
    }
    let attempts = state.webhook_attempts;
    webhooks::redeliver(&state.store, &auth.org_id, &event_id, attempts).await?;
    Ok(Envelope::ok(
        "Redelivery queued.",
        serde_json::json!({ "event_id": event_id }),
    ))
}
