//! The KonnectNXT-compatible surface under `/api/…`.

pub mod body;
pub mod bureau_report;
pub mod credits;
pub mod envelope;
pub mod extract;
pub mod finance;
pub mod gst;
pub mod recruiter;
pub mod screening;
pub mod verification;
pub mod webhooks;

use axum::Router;
use axum::routing::{get, post, put};

use super::AppState;

/// The calling organisation, its authentication failures answered in the envelope.
pub type ApiKeyAuth = crate::api::common::auth::ApiKeyAuth<envelope::KonnectNxt>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/credits/transactions", get(credits::transactions))
        .route(
            "/api/v2/finance/customer-data-pull",
            post(finance::customer_data_pull),
        )
        .route("/api/gst/initiate", post(gst::initiate))
        .route("/api/gst/status", get(gst::status))
        .route("/api/recruiter/v2/bgv-submit/", post(recruiter::submit))
        .route(
            "/api/recruiter/v2/report-json/",
            get(recruiter::report_json),
        )
        .route(
            "/api/recruiter/v2/cases/{case_id}/audit",
            post(recruiter::audit),
        )
        .route(
            "/api/v2/webhooks",
            put(webhooks::set)
                .get(webhooks::get)
                .delete(webhooks::delete),
        )
        .route(
            "/api/verification/bgv/download",
            get(verification::download),
        )
        .route("/api/v2/screening/search", post(screening::search))
        .route("/api/v2/screening/lists", get(screening::lists))
        .route("/api/v2/screening/subjects", get(screening::subjects))
        .route("/api/v2/screening/subjects/{id}", get(screening::subject))
        .route("/api/v2/webhooks/events", get(webhooks::events))
        .route(
            "/api/v2/webhooks/events/{event_id}/deliveries",
            get(webhooks::deliveries),
        )
        .route(
            "/api/v2/webhooks/events/{event_id}/redeliver",
            post(webhooks::redeliver),
        )
}
