//! The developer's applications over REST: list, create, read, rename and
//! describe, delete. Each calls the same service as the applications
//! pages' forms; another user's application is not found.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::json::{created, ok, ApiError, JsonBody};
use crate::apps::repo::StoredApp;
use crate::apps::service;
use crate::server::state::AppState;
use crate::tokens::bearer::DeveloperToken;

/// The body of a create or an update: an update keeps what it leaves out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppBody {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// The token's user's application named by the path, or 404.
pub async fn owned(
    state: &AppState,
    token: &DeveloperToken,
    app: &str,
) -> Result<StoredApp, ApiError> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(service::owned(&mut conn, token.user_id, app).await?)
}

fn location(id: i64) -> String {
    format!("/api/v1/apps/{id}")
}

/// `GET /api/v1/apps`: the user's applications.
pub async fn list(
    State(state): State<AppState>,
    token: DeveloperToken,
) -> Result<Response, ApiError> {
    let apps = service::list(&state.db, &state.clock, token.user_id).await?;
    Ok(ok(serde_json::json!({ "apps": apps })))
}

/// `POST /api/v1/apps`: a new application.
pub async fn create(
    State(state): State<AppState>,
    token: DeveloperToken,
    JsonBody(body): JsonBody<AppBody>,
) -> Result<Response, ApiError> {
    let (name, description) = service::check_form(
        body.name.as_deref().unwrap_or_default(),
        body.description.as_deref().unwrap_or_default(),
    )
    .map_err(ApiError::invalid)?;
    let id = service::create(
        &state.db,
        &state.clock,
        &token.actor,
        token.user_id,
        &name,
        &description,
    )
    .await?;
    let app = owned(&state, &token, &id.to_string()).await?;
    let mut conn = state.db.pool().acquire().await?;
    let summary = service::summary(&mut conn, app, state.clock.now()).await?;
    Ok(created(&location(id), summary))
}

/// `GET /api/v1/apps/{app}`: one application.
pub async fn read(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let mut conn = state.db.pool().acquire().await?;
    Ok(ok(
        service::summary(&mut conn, app, state.clock.now()).await?
    ))
}

/// `PATCH /api/v1/apps/{app}`: renames and describes the application.
pub async fn update(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<AppBody>,
) -> Result<Response, ApiError> {
    let found = owned(&state, &token, &app).await?;
    let (name, description) = service::check_form(
        body.name.as_deref().unwrap_or(&found.name),
        body.description.as_deref().unwrap_or(&found.description),
    )
    .map_err(ApiError::invalid)?;
    service::update(
        &state.db,
        &state.clock,
        &token.actor,
        &found,
        &name,
        &description,
    )
    .await?;
    let app = owned(&state, &token, &found.id.to_string()).await?;
    let mut conn = state.db.pool().acquire().await?;
    Ok(ok(
        service::summary(&mut conn, app, state.clock.now()).await?
    ))
}

/// `DELETE /api/v1/apps/{app}`: deletes the application, revoking its keys
/// and ending its access requests.
pub async fn delete(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
) -> Result<Response, ApiError> {
    let found = owned(&state, &token, &app).await?;
    let (keys, subscriptions) =
        service::delete(&state, &token.actor, token.user_id, &found).await?;
    Ok(ok(serde_json::json!({
        "id": found.id,
        "deleted": true,
        "keys_revoked": keys,
        "subscriptions_ended": subscriptions,
    })))
}
