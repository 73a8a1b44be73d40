//! Operational endpoints: liveness, readiness, Prometheus metrics, request metrics middleware.

use std::time::Instant;

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

/// `{"status": "ok"}`.
#[derive(Serialize, ToSchema)]
pub struct Alive {
    status: AliveStatus,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AliveStatus {
    Ok,
}

/// `{"status": "ready"}`, or `unavailable` (with a 503).
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    status: ReadyStatus,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReadyStatus {
    Ready,
    Unavailable,
}

/// The process is alive.
#[utoipa::path(
    get, path = "/healthz", tag = "operations", operation_id = "healthz",
    responses((status = 200, description = "Alive", body = Alive)),
)]
pub async fn healthz() -> Json<Alive> {
    Json(Alive {
        status: AliveStatus::Ok,
    })
}

/// The database answers.
#[utoipa::path(
    get, path = "/readyz", tag = "operations", operation_id = "readyz",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database does not answer", body = Readiness),
    ),
)]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match crate::app::ops::ready(&state.store).await {
        Ok(()) => Json(Readiness {
            status: ReadyStatus::Ready,
        })
        .into_response(),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Readiness {
                    status: ReadyStatus::Unavailable,
                }),
            )
                .into_response()
        }
    }
}

/// Prometheus text exposition: requests by route and status, latency, open jobs by state
/// (queued, running, dead; finished ones are counted by `satyapan_jobs_finished_total`).
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "metrics", responses((status = 200, description = "Prometheus metrics", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    match crate::app::ops::open_jobs(&state.store).await {
        Ok(open) => {
            for (status, n) in [
                ("queued", open.queued),
                ("running", open.running),
                ("dead", open.dead),
            ] {
                metrics::gauge!("satyapan_jobs", "state" => status).set(n as f64);
            }
        }
        Err(error) => tracing::warn!(%error, "could not count jobs for metrics"),
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// Counts requests by route template and status, and records their latency.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("satyapan_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("satyapan_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
