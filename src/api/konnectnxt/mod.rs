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

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

/// The calling organisation, its authentication failures answered in the envelope.
pub type ApiKeyAuth = crate::api::common::auth::ApiKeyAuth<envelope::KonnectNxt>;

/// Every route of the surface; each path is the one in its handler's `#[utoipa::path]`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credits::transactions))
        .routes(routes!(finance::customer_data_pull))
        .routes(routes!(gst::initiate))
        .routes(routes!(gst::status))
        .routes(routes!(recruiter::submit))
        .routes(routes!(recruiter::report_json))
        .routes(routes!(recruiter::audit))
        .routes(routes!(webhooks::set, webhooks::get, webhooks::delete))
        .routes(routes!(verification::download))
        .routes(routes!(screening::search))
        .routes(routes!(screening::lists))
        .routes(routes!(screening::subjects))
        .routes(routes!(screening::subject))
        .routes(routes!(webhooks::events))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::redeliver))
}
