//! A Moov Watchman v2-compatible surface: `GET /v2/search` and `GET /v2/listinfo` answer in
//! Watchman's shapes (`SearchResponse {query, entities}`, `ListInfoResponse`), and every error in
//! its `{"error": "…"}` body, so Watchman clients can point here unchanged. Unlike Watchman it
//! needs an organisation's API key (`Authorization: Bearer <key>`), and a search is charged like
//! the KonnectNXT one (`docs/api.md`).

pub mod error;
pub mod search;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

/// The calling organisation, its authentication failures answered in Watchman's error body.
pub type ApiKeyAuth = crate::api::common::auth::ApiKeyAuth<error::Watchman>;

/// Whether a path is this surface's (its errors answer in Watchman's body).
pub fn owns(path: &str) -> bool {
    path == "/v2" || path.starts_with("/v2/")
}

pub use error::Watchman;

pub fn routes() -> OpenApiRouter<AppState> {
    // HEAD answers like GET without searching or charging (axum would run the GET).
    let (schemas, paths, search) = routes!(search::search);
    OpenApiRouter::new()
        .routes((schemas, paths, search.head(search::head)))
        .routes(routes!(search::listinfo))
}
