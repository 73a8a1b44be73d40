//! The KonnectNXT-compatible surface under `/api/…`.

pub mod body;
pub mod credits;
pub mod envelope;
pub mod extract;
pub mod finance;
pub mod gst;

use axum::Router;
use axum::routing::{get, post};

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/credits/transactions", get(credits::transactions))
        .route(
            "/api/v2/finance/customer-data-pull",
            post(finance::customer_data_pull),
        )
        .route("/api/gst/initiate", post(gst::initiate))
        .route("/api/gst/status", get(gst::status))
}
