//! The KonnectNXT-compatible surface under `/api/…`.

pub mod credits;
pub mod envelope;
pub mod extract;

use axum::Router;
use axum::routing::get;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v2/credits/transactions", get(credits::transactions))
}
