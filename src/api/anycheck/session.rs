//! Sessions: `POST /auth/login`, `POST /auth/refresh`, `GET /auth/methods`, `GET /profile`.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr};

use super::auth::Caller;
use super::errors::{AcError, AcResult, ErrorCode};
use super::extract::{AcBody, ClientAddress, not_an_object};
use crate::api::AppState;
use crate::api::common::fields::{Given, Scalar};
use crate::app::auth::{self, TokenPair};
use crate::domain::FieldIssue;
use crate::domain::time::format_iso;
use crate::domain::users::Role;

/// A credential field: a non-empty string, read exactly as sent (never trimmed).
fn credential_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .min_length(Some(1))
        .into()
}

fn password_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .min_length(Some(1))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .into()
}

/// The body of `POST /auth/login`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LoginRequest {
    #[schema(schema_with = credential_schema, required = true)]
    email: Given,
    #[schema(schema_with = password_schema, required = true)]
    password: Given,
}

/// The body of `POST /auth/refresh`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RefreshRequest {
    #[schema(schema_with = credential_schema, required = true)]
    refresh_token: Given,
}

/// Required string fields, every missing one reported: `(name, value)` in order.
fn required<'a, const N: usize>(fields: [(&str, &'a Given); N]) -> AcResult<[&'a str; N]> {
    let mut issues = Vec::new();
    let values = fields.map(|(field, value)| match &value.0 {
        Some(Scalar::Str(s)) if !s.is_empty() => s.as_str(),
        Some(Scalar::Str(_)) | None | Some(Scalar::Null) => {
            issues.push(FieldIssue::new(field, "is required"));
            ""
        }
        Some(_) => {
            issues.push(FieldIssue::new(field, "must be a string"));
            ""
        }
    });
    if issues.is_empty() {
        Ok(values)
    } else {
        Err(AcError::new(
            ErrorCode::InvalidRequest,
            "Required fields are missing; see errors.",
        )
        .with_errors(issues))
    }
}

/// `{email, password}` → `{access_token, refresh_token, expires_in}`.
#[utoipa::path(
    post, path = "/auth/login", tag = "anycheck", operation_id = "login",
    request_body(
        content = LoginRequest,
        example = json!({ "email": "analyst@example.com", "password": "correct horse battery staple" })
    ),
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 400, description = "A field is missing"),
        (status = 401, description = "INVALID_CREDENTIALS"),
        (status = 403, description = "FORBIDDEN: a disabled user"),
        (status = 429, description = "QUOTA_EXCEEDED, with X-RateLimit-* headers"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    AcBody(body): AcBody<LoginRequest>,
) -> AcResult<Json<TokenPair>> {
    let body = body.ok_or_else(not_an_object)?;
    let [email, password] = required([("email", &body.email), ("password", &body.password)])?;
    let pair = auth::login(
        &state.store,
        &state.tokens,
        &state.login_limiter,
        email,
        password,
        &address,
    )
    .await?;
    Ok(Json(pair))
}

/// `{refresh_token}` → a new pair; the token given is spent.
#[utoipa::path(
    post, path = "/auth/refresh", tag = "anycheck", operation_id = "refreshToken",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the token given is spent", body = TokenPair),
        (status = 400, description = "A field is missing"),
        (status = 401, description = "INVALID_TOKEN (a reused token revokes its family), TOKEN_EXPIRED"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    State(state): State<AppState>,
    AcBody(body): AcBody<RefreshRequest>,
) -> AcResult<Json<TokenPair>> {
    let body = body.ok_or_else(not_an_object)?;
    let [token] = required([("refresh_token", &body.refresh_token)])?;
    Ok(Json(
        auth::refresh(&state.store, &state.tokens, token).await?,
    ))
}

// The answers below keep the field order the surface has always written (alphabetical).

/// A sign-in method that is offered or not.
#[derive(Serialize, ToSchema)]
pub struct Method {
    enabled: bool,
}

/// Single sign-on through Microsoft Entra ID: not offered.
#[derive(Serialize, ToSchema)]
pub struct EntraMethod {
    authority_url: Option<String>,
    client_id: Option<String>,
    enabled: bool,
    tenant_id: Option<String>,
}

/// Sign-in against an LDAP directory: not offered.
#[derive(Serialize, ToSchema)]
pub struct LdapMethod {
    enabled: bool,
    url: Option<String>,
}

/// The sign-in methods.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub struct AuthMethods {
    entra: EntraMethod,
    ldap: LdapMethod,
    password: Method,
}

/// The sign-in methods: passwords only (single sign-on is not offered).
#[utoipa::path(
    get, path = "/auth/methods", tag = "anycheck", operation_id = "authMethods",
    responses((status = 200, description = "Sign-in methods", body = AuthMethods))
)]
pub async fn methods() -> Json<AuthMethods> {
    Json(AuthMethods {
        entra: EntraMethod {
            authority_url: None,
            client_id: None,
            enabled: false,
            tenant_id: None,
        },
        ldap: LdapMethod {
            enabled: false,
            url: None,
        },
        password: Method { enabled: true },
    })
}

/// An id and a name (a group, a service).
#[derive(Serialize, ToSchema)]
pub struct IdName {
    pub id: String,
    pub name: String,
}

/// The caller's organisation.
#[derive(Serialize, ToSchema)]
pub struct ProfileOrganization {
    credit_balance: i64,
    id: String,
    name: String,
}

/// How the caller signed in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthType {
    Password,
    ApiKey,
}

/// The caller: a signed-in user, or (id, email and name `null`) an API key.
#[derive(Serialize, ToSchema)]
pub struct Profile {
    #[schema(required = true)]
    api_key_id: Option<String>,
    auth_type: AuthType,
    created_at: String,
    #[schema(required = true)]
    email: Option<String>,
    groups: Vec<IdName>,
    #[schema(required = true)]
    id: Option<String>,
    #[schema(required = true)]
    name: Option<String>,
    organization: ProfileOrganization,
    role: Role,
}

/// The caller: the user (or the API key's organisation), its role, groups and balance.
#[utoipa::path(
    get, path = "/profile", tag = "anycheck", operation_id = "profile",
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses((status = 200, description = "The caller", body = Profile))
)]
#[tracing::instrument(skip_all)]
pub async fn profile(State(state): State<AppState>, caller: Caller) -> AcResult<Json<Profile>> {
    let user_id = caller.user.as_ref().map(|u| u.id.as_str());
    let (org, groups) = auth::profile(&state.store, caller.org_id(), user_id).await?;
    let user = caller.user.as_ref();
    Ok(Json(Profile {
        api_key_id: caller.actor.api_key_id.clone(),
        auth_type: if user.is_some() {
            AuthType::Password
        } else {
            AuthType::ApiKey
        },
        created_at: format_iso(user.map_or(org.created_at, |u| u.created_at)),
        email: user.map(|u| u.email.clone()),
        groups: groups
            .iter()
            .map(|g| IdName {
                id: g.id.clone(),
                name: g.name.clone(),
            })
            .collect(),
        id: user.map(|u| u.id.clone()),
        name: user.map(|u| u.name.clone()),
        organization: ProfileOrganization {
            credit_balance: org.credits,
            id: org.id.clone(),
            name: org.name.clone(),
        },
        role: user.map_or(Role::Owner, |u| u.role),
    }))
}
