//! Webhook settings, events, the delivery log and redelivery (`/api/v2/webhooks…`).

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{PartialSchema, ToSchema};

use super::ApiKeyAuth;
use super::body::required;
use super::envelope::{ApiError, ApiResult, Envelope};
use super::extract::{ApiBody, NOT_AN_OBJECT, QueryParams};
use crate::api::AppState;
use crate::api::common::fields::{Text, rule};
use crate::app::{AppError, Resource, webhooks};
use crate::domain::events::{EventType, is_event_id};
use crate::domain::time::format_timestamp;
use crate::store::decode_json;

/// The body of `PUT /api/v2/webhooks`.
#[derive(Deserialize, ToSchema)]
pub struct SetBody {
    /// An http(s) URL; public addresses only unless allowed by the operator.
    #[schema(schema_with = Text::<rule::WebhookUrl>::schema, required = true)]
    url: Text<rule::WebhookUrl>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSettings {
    pub url: Option<String>,
    /// Shown in full only when it is created; afterwards its first characters.
    pub secret: Option<String>,
    #[schema(value_type = Vec<EventType>)]
    pub events: &'static [EventType],
}

/// An event as its receivers got it (`domain::events::Event::new`); `data` is the event type's
/// own document (docs/webhooks.md). Fields in the order the stored document has them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    created_at: String,
    /// The event type's document.
    data: Value,
    id: String,
    #[serde(rename = "type")]
    event_type: EventType,
}

/// The answer to a redelivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Redelivery {
    event_id: String,
}

const EVENTS: &[EventType] = EventType::ALL;

/// Set the webhook URL (a new signing secret is returned once)
#[utoipa::path(
    put, path = "/api/v2/webhooks", tag = "webhooks",
    operation_id = "setWebhook", security(("bearerAuth" = [])),
    request_body(content = inline(SetBody), example = json!({ "url": "https://example.com/hooks/satyapan" })),
    responses(
        (status = 200, description = "Set; the secret is shown once", body = Envelope<WebhookSettings>),
        (status = 400, description = "Invalid URL"),
    )
)]
pub async fn set(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiBody(body): ApiBody<SetBody>,
) -> ApiResult<WebhookSettings> {
    let url = body
        .ok_or_else(|| NOT_AN_OBJECT.to_string())
        .and_then(|b| required(&b.url))
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
#[utoipa::path(
    get, path = "/api/v2/webhooks", tag = "webhooks",
    operation_id = "getWebhook", security(("bearerAuth" = [])),
    responses((status = 200, description = "The webhook (secret shortened)", body = Envelope<WebhookSettings>))
)]
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
#[utoipa::path(
    delete, path = "/api/v2/webhooks", tag = "webhooks",
    operation_id = "deleteWebhook", security(("bearerAuth" = [])),
    responses((status = 200, description = "Removed", body = Envelope<WebhookSettings>))
)]
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
#[utoipa::path(
    get, path = "/api/v2/webhooks/events", tag = "webhooks",
    operation_id = "webhookEvents", security(("bearerAuth" = [])),
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "Default 50.")),
    responses(
        (status = 200, description = "Recent events, newest first", body = Envelope<Vec<EventView>>, links(
            ("webhookDeliveries" = (operation_id = "webhookDeliveries", parameters(("event_id" = "$response.body#/data/0/id")))),
            ("redeliverWebhookEvent" = (operation_id = "redeliverWebhookEvent", parameters(("event_id" = "$response.body#/data/0/id")))),
        )),
        (status = 400, description = "A query parameter is invalid"),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> ApiResult<Vec<EventView>> {
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
            .map(|e| decode_json::<EventView>("webhook event", &e.payload))
            .collect::<Result<Vec<_>, _>>()?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub attempt: i64,
    pub url: String,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub delivered_at: String,
}

/// The delivery log of one event
#[utoipa::path(
    get, path = "/api/v2/webhooks/events/{event_id}/deliveries", tag = "webhooks",
    operation_id = "webhookDeliveries", security(("bearerAuth" = [])),
    params(("event_id" = String, Path)),
    responses(
        (status = 200, description = "Every delivery attempt, oldest first", body = Envelope<Vec<DeliveryView>>),
        (status = 404, description = "No such event"),
    )
)]
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
#[utoipa::path(
    post, path = "/api/v2/webhooks/events/{event_id}/redeliver", tag = "webhooks",
    operation_id = "redeliverWebhookEvent", security(("bearerAuth" = [])),
    params(("event_id" = String, Path)),
    responses(
        (status = 200, description = "Queued", body = Envelope<Redelivery>),
        (status = 404, description = "No such event"),
        (status = 409, description = "No webhook is set"),
    )
)]
pub async fn redeliver(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> ApiResult<Redelivery> {
    if !is_event_id(&event_id) {
        return Err(AppError::NotFound(Resource::WebhookEvent).into());
    }
    let attempts = state.webhook_attempts;
    webhooks::redeliver(&state.store, &auth.org_id, &event_id, attempts).await?;
    Ok(Envelope::ok("Redelivery queued.", Redelivery { event_id }))
}
