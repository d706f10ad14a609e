//! An application's API keys over REST: list, create (the secret in the
//! response, once), rotate with a grace period, revoke. Each calls the same
//! service as the application page's forms; another user's application,
//! and so its keys, is not found.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::apps::owned;
use super::json::{created, ok, with_secret, ApiError, JsonBody};
use crate::app::forms::FieldError;
use crate::keys::service::{self, Issued};
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::tokens::bearer::DeveloperToken;

/// The body of a create.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    pub name: Option<String>,
    /// `YYYY-MM-DD`: the key works until the end of that day (UTC).
    pub expires_on: Option<String>,
}

/// The body of a rotate.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateBody {
    /// `none`, `1h`, `24h` or `7d`.
    pub grace: Option<String>,
}

fn key_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .map_err(|_| AppError::NotFound("This application has no such key.".into()).into())
}

/// The new key as lists show it, with its secret: the one response that
/// ever holds it.
async fn issued(
    state: &AppState,
    app_id: i64,
    issued: Issued,
) -> Result<serde_json::Value, ApiError> {
    let mut conn = state.db.pool().acquire().await?;
    let key = service::one(&mut conn, app_id, issued.id, state.clock.now()).await?;
    Ok(serde_json::json!({ "key": key, "secret": issued.secret.expose() }))
}

/// `GET /api/v1/apps/{app}/keys`: the application's keys, never a secret.
pub async fn list(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let mut conn = state.db.pool().acquire().await?;
    let keys = service::list(&mut conn, app.id, state.clock.now()).await?;
    Ok(ok(serde_json::json!({ "keys": keys })))
}

/// `POST /api/v1/apps/{app}/keys`: a new key.
pub async fn create(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<KeyBody>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let (name, expires_at) = service::check_request(
        body.name.as_deref().unwrap_or_default(),
        body.expires_on.as_deref().unwrap_or_default(),
        state.clock.now(),
    )
    .map_err(|errors| {
        // The form's field is `key_name`; this body's is `name`.
        let errors = errors
            .into_iter()
            .map(|error| match error.field.as_str() {
                "key_name" => FieldError::new("name", error.message),
                _ => error,
            })
            .collect();
        ApiError::invalid(errors)
    })?;
    let made = service::create(&state, &token.actor, &app, &name, expires_at.as_deref()).await?;
    let location = format!("/api/v1/apps/{}/keys/{}", app.id, made.id);
    Ok(with_secret(created(
        &location,
        issued(&state, app.id, made).await?,
    )))
}

/// `POST /api/v1/apps/{app}/keys/{key}/rotate`: a new key in place of this
/// one, which works for the grace period chosen.
pub async fn rotate(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path((app, key)): Path<(String, String)>,
    JsonBody(body): JsonBody<RotateBody>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let key = key_id(&key)?;
    let grace = body
        .grace
        .as_deref()
        .and_then(service::grace_seconds)
        .ok_or_else(|| {
            ApiError::invalid(vec![FieldError::new(
                "grace",
                "Choose how long the old key keeps working: none, 1h, 24h or 7d.",
            )])
        })?;
    let made = service::rotate(&state, &token.actor, &app, key, grace).await?;
    let location = format!("/api/v1/apps/{}/keys/{}", app.id, made.id);
    let mut body = issued(&state, app.id, made).await?;
    let mut conn = state.db.pool().acquire().await?;
    body["replaced"] =
        serde_json::to_value(service::one(&mut conn, app.id, key, state.clock.now()).await?)
            .unwrap_or_default();
    Ok(with_secret(created(&location, body)))
}

/// `POST /api/v1/apps/{app}/keys/{key}/revoke`: the key stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path((app, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let key = key_id(&key)?;
    service::revoke(&state, &token.actor, &app, key).await?;
    let mut conn = state.db.pool().acquire().await?;
    let key = service::one(&mut conn, app.id, key, state.clock.now()).await?;
    Ok(ok(serde_json::json!({ "key": key })))
}
