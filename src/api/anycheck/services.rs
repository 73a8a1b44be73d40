//! The services catalog: `GET /services`, `GET /services/{id}`.

use axum::Json;
use axum::extract::Path;
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::Caller;
use super::errors::AcResult;
use super::extract::parse_uuid;
use crate::app::{AppError, Resource};
use crate::domain::services::{ACTION_TYPE, CATALOG, CATALOG_DATE_MS, Service, ServiceCode, by_id};
use crate::domain::time::format_iso;
use crate::domain::verifications::VerificationType;

// The answers keep the field order the surface has always written (alphabetical).

/// A service's category.
#[derive(Serialize, ToSchema)]
pub struct ServiceCategory {
    id: &'static str,
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// A service of the catalog.
#[derive(Serialize, ToSchema)]
#[schema(as = Service)]
pub struct ServiceItem {
    /// The verification type the service's `configuration` describes.
    action_param: VerificationType,
    action_type: &'static str,
    category: ServiceCategory,
    code: ServiceCode,
    created_at: String,
    credit_cost_default: i64,
    description: &'static str,
    icon_file_url: Option<String>,
    #[schema(format = Uuid)]
    id: &'static str,
    is_enabled: bool,
    name: &'static str,
    updated_at: String,
}

impl ServiceItem {
    pub fn of(service: &Service) -> Self {
        ServiceItem {
            action_param: service.verification_type,
            action_type: ACTION_TYPE,
            category: ServiceCategory {
                id: service.category.id,
                name: service.category.name,
                kind: service.category.kind,
            },
            code: service.code,
            created_at: format_iso(CATALOG_DATE_MS),
            credit_cost_default: service.credit_cost,
            description: service.description,
            icon_file_url: None,
            id: service.id,
            is_enabled: true,
            name: service.name,
            updated_at: format_iso(CATALOG_DATE_MS),
        }
    }
}

/// The catalog: `{items, total}`.
#[derive(Serialize, ToSchema)]
pub struct ServicePage {
    items: Vec<ServiceItem>,
    total: usize,
}

#[utoipa::path(
    get, path = "/services", tag = "anycheck", operation_id = "listServices",
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses((status = 200, description = "The services", body = ServicePage))
)]
#[tracing::instrument(skip_all)]
pub async fn list(_caller: Caller) -> Json<ServicePage> {
    Json(ServicePage {
        items: CATALOG.iter().map(ServiceItem::of).collect(),
        total: CATALOG.len(),
    })
}

#[utoipa::path(
    get, path = "/services/{id}", tag = "anycheck", operation_id = "getService",
    params(("id" = String, Path, format = Uuid)),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The service", body = ServiceItem),
        (status = 400, description = "INVALID_ID"),
        (status = 404, description = "No such service"),
    )
)]
#[tracing::instrument(skip_all, fields(service_id = %id))]
pub async fn get(_caller: Caller, Path(id): Path<String>) -> AcResult<Json<ServiceItem>> {
    let id = parse_uuid(&id, "id")?;
    let service = by_id(&id).ok_or(AppError::NotFound(Resource::Service))?;
    Ok(Json(ServiceItem::of(service)))
}
