//! The services catalog: `GET /services`, `GET /services/{id}`.

use axum::Json;
use axum::extract::Path;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::AcResult;
use super::extract::parse_uuid;
use crate::app::{AppError, Resource};
use crate::domain::services::{ACTION_TYPE, CATALOG, CATALOG_DATE_MS, Service, by_id};
use crate::domain::time::format_iso;

pub fn service_json(service: &Service) -> Value {
    json!({
        "id": service.id,
        "category": {
            "id": service.category.id,
            "name": service.category.name,
            "type": service.category.kind,
        },
        "code": service.code,
        "name": service.name,
        "description": service.description,
        "icon_file_url": null,
        "credit_cost_default": service.credit_cost,
        "action_type": ACTION_TYPE,
        "action_param": service.verification_type,
        "is_enabled": true,
        "created_at": format_iso(CATALOG_DATE_MS),
        "updated_at": format_iso(CATALOG_DATE_MS),
    })
}

#[utoipa::path(get, path = "/services", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn list(_caller: Caller) -> Json<Value> {
    Json(json!({
        "total": CATALOG.len(),
        "items": CATALOG.iter().map(service_json).collect::<Vec<_>>(),
    }))
}

#[utoipa::path(get, path = "/services/{id}", tag = "anycheck", params(("id" = String, Path)))]
#[tracing::instrument(skip_all, fields(service_id = %id))]
pub async fn get(_caller: Caller, Path(id): Path<String>) -> AcResult<Json<Value>> {
    let id = parse_uuid(&id, "id")?;
    let service = by_id(&id).ok_or(AppError::NotFound(Resource::Service))?;
    Ok(Json(service_json(service)))
}
