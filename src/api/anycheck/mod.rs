//! The AnyCheck-compatible surface, at the root (`/auth/…`, `/verifications`, …): bare JSON
//! bodies, paging by `page_offset`/`page_size`, errors as `{error_code, message, errors}`
//! (`errors.rs`, its one renderer). Users sign in with a password for JWTs; server-to-server
//! clients send their organisation's API key. It shares tenants, credits, jobs and webhook
//! delivery with the KonnectNXT surface.

pub mod auth;
pub mod errors;
pub mod extract;
pub mod files;
pub mod folders;
pub mod idempotency;
pub mod keys;
pub mod services;
pub mod session;
pub mod uploads;
pub mod verifications;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::common::HttpError;
use errors::AcError;

/// Whether a path belongs to this surface: everything outside `/api/…` that no other route
/// claims (the router's fallbacks ask).
pub fn owns(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/"))
}

/// Every route of the surface; each documented path is the one in its handler's
/// `#[utoipa::path]` (the file downloads are signed links, not API operations).
pub fn routes(state: &AppState) -> OpenApiRouter<AppState> {
    // Room for the largest upload: every file at the limit, plus the form's own bytes.
    let upload_limit = state
        .config
        .upload_max_file_bytes
        .saturating_mul(state.config.upload_max_files.max(1))
        .saturating_add(1024 * 1024);
    let (schemas, paths, upload) = routes!(uploads::upload);
    OpenApiRouter::new()
        .routes(routes!(session::login))
        .routes(routes!(session::refresh))
        .routes(routes!(session::methods))
        .routes(routes!(session::profile))
        .routes(routes!(services::list))
        .routes(routes!(services::get))
        .routes((
            schemas,
            paths,
            upload.layer(DefaultBodyLimit::max(upload_limit)),
        ))
        .route("/files/uploads/{file}", get(files::upload))
        .routes(routes!(folders::get))
        .routes(routes!(folders::list))
        .routes(routes!(verifications::get, verifications::update))
        .merge(
            // The POSTs that create or charge: a retry with the same key gets the first answer.
            OpenApiRouter::new()
                .routes(routes!(folders::create))
                .routes(routes!(verifications::submit, verifications::list))
                .routes(routes!(verifications::retry))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    idempotency::middleware,
                )),
        )
        .route("/files/outputs/{file}", get(files::output))
        .route("/files/exports/{file}", get(files::export))
        .routes(routes!(keys::list))
        .routes(routes!(keys::revoke))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_timeout,
        ))
}

/// Stops a request that runs longer than `request_timeout_secs`: 408 `REQUEST_TIMEOUT`.
async fn request_timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = Duration::from_secs(state.config.request_timeout_secs.max(1));
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AcError::from(HttpError::Timeout).into_response(),
    }
}
