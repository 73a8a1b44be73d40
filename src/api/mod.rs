//! HTTP surfaces. Shared middleware lives in `common` and knows no vendor; each surface renders
//! every error of its routes in its own body, in one module (KonnectNXT: `konnectnxt::envelope`),
//! framework rejections included. This router is the one place that picks a surface per route.

pub mod admin;
pub mod anycheck;
pub mod common;
pub mod konnectnxt;
pub mod openapi;
pub mod ops;
pub mod watchman;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, Uri};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::store::Store;
use common::{HttpError, Surface, files, idempotency};
use konnectnxt::envelope::KonnectNxt;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub providers: crate::providers::Providers,
    pub vault: Arc<crate::crypto::Vault>,
    pub links: crate::app::links::Links,
    pub webhook_targets: Arc<crate::domain::webhooks::TargetPolicy>,
    /// Attempts a webhook delivery job gets (`Shared::webhook_attempts`, computed once).
    pub webhook_attempts: i64,
    /// Bounds the PDF renders running at once.
    pub pdf_renders: crate::app::cases::RenderGate,
    /// Completed reports this process has read.
    pub reports: crate::app::cases::ReportCache,
    /// The report-polling limit per (API key, case) (`konnectnxt::recruiter::poll_limiter`).
    pub poll_limiter: Arc<std::sync::Mutex<crate::domain::ratelimit::FixedWindow>>,
    pub metrics: PrometheusHandle,
    /// Signs and checks the AnyCheck surface's JWTs.
    pub tokens: Arc<crate::app::auth::Tokens>,
    pub login_limiter: Arc<crate::app::auth::LoginLimiter>,
    /// Uploaded files, outputs and exports.
    pub files: crate::files::FileStore,
    /// Bounds the upload bytes held in memory at once (`files::spool`).
    pub upload_budget: crate::files::spool::UploadBudget,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Satyapan API",
        description = "Background verification and KYC. KonnectNXT-compatible endpoints under /api; AnyCheck-compatible endpoints at the root (/auth, /verifications, …)."
    ),
    components(schemas(
        konnectnxt::credits::TransactionsPage,
        konnectnxt::credits::Transaction,
        konnectnxt::credits::Pagination
    ))
)]
/// The document's head; the operations come from the routers (`routes!`), and
/// `openapi::document` adds what every operation of a surface shares.
pub struct ApiDoc;

/// Answers a request no route took in the body of the surface its path belongs to: `/api/…`
/// is KonnectNXT's, the rest AnyCheck's.
fn render_for(uri: &Uri, error: HttpError) -> axum::response::Response {
    if watchman::owns(uri.path()) {
        watchman::Watchman::render(error)
    } else if anycheck::owns(uri.path()) {
        anycheck::errors::AnyCheck::render(error)
    } else {
        KonnectNxt::render(error)
    }
}

/// Refuses an over-long URI with a 414 in the body of the surface its path belongs to.
async fn uri_limit(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if common::wire::uri_too_long(request.uri()) {
        return render_for(request.uri(), HttpError::UriTooLong);
    }
    next.run(request).await
}

/// The listener the router is served on: hyper's own answers to requests it cannot parse (before
/// any route is known) leave in the KonnectNXT envelope, as everything under `/api/` does.
pub async fn listener(
    tcp: tokio::net::TcpListener,
    config: &crate::config::Config,
) -> common::wire::Listener {
    common::wire::Listener::new(
        tcp,
        common::wire::FrameworkAnswers::render::<KonnectNxt>().await,
    )
    .with_timeouts(common::timeouts::Timeouts::from_secs(
        config.http_header_read_timeout_secs,
        config.http_idle_timeout_secs,
    ))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    let (routes, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
        .merge(
            konnectnxt::routes().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                idempotency::middleware::<KonnectNxt>,
            )),
        )
        .merge(anycheck::routes(&state))
        .merge(watchman::routes())
        .merge({
            let (schemas, paths, import) = routes!(admin::import_list);
            OpenApiRouter::new().routes((
                schemas,
                paths,
                import.layer(DefaultBodyLimit::max(admin::MAX_UPLOAD_BYTES)),
            ))
        })
        .split_for_parts();
    routes
        .route("/files/evidence/{id}", get(files::evidence::<KonnectNxt>))
        .route(
            "/files/reports/{file}",
            get(files::report_pdf::<KonnectNxt>),
        )
        .merge(
            SwaggerUi::new("/docs").external_url_unchecked("/openapi.json", openapi::document(api)),
        )
        .fallback(|uri: Uri| async move { render_for(&uri, HttpError::RouteNotFound) })
        .method_not_allowed_fallback(|uri: Uri| async move {
            render_for(&uri, HttpError::MethodNotAllowed)
        })
        .layer(axum::middleware::from_fn(
            common::keep_alive::middleware::<KonnectNxt>,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(ops::track))
        .layer(axum::middleware::from_fn(uri_limit))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let request_id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        // A path is logged up to a length (an over-long URI is refused anyway).
                        let path = request.uri().path();
                        let path = path
                            .char_indices()
                            .nth(256)
                            .map_or(path, |(end, _)| &path[..end]);
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %path,
                            request_id,
                            org_id = tracing::field::Empty,
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
        .layer(axum::middleware::from_fn(common::security::middleware))
        .with_state(state)
}
