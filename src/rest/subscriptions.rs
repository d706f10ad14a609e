//! An application's access requests over REST: list them, ask for a plan
//! of an API (with the purpose of use and the terms accepted), and read one
//! request's status and the reason of its decision. Asking calls the same
//! service as the access request form.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::apps::owned;
use super::json::{created, ok, ApiError, JsonBody};
use crate::access::developer::{request_of_app, requests_of_app};
use crate::access::service::{self, AccessRequest};
use crate::app::forms::FieldError;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::tokens::bearer::DeveloperToken;

/// The body of an access request.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// The agency's slug.
    pub agency: Option<String>,
    /// The API's slug.
    pub api: Option<String>,
    /// The plan's slug.
    pub plan: Option<String>,
    pub purpose: Option<String>,
    #[serde(default)]
    pub accept_terms: bool,
}

/// `GET /api/v1/apps/{app}/subscriptions`: the application's requests.
pub async fn list(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let subscriptions = requests_of_app(&state, app.id).await?;
    Ok(ok(serde_json::json!({ "subscriptions": subscriptions })))
}

/// `POST /api/v1/apps/{app}/subscriptions`: asks for a plan of an API.
/// Auto plans approve at once; manual ones stay pending until decided.
pub async fn create(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<RequestBody>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let agency = body.agency.as_deref().unwrap_or_default().trim();
    let api = body.api.as_deref().unwrap_or_default().trim();
    let mut missing = Vec::new();
    if agency.is_empty() {
        missing.push(FieldError::new(
            "agency",
            "Name the agency of the API (its slug, such as demo-transport).",
        ));
    }
    if api.is_empty() {
        missing.push(FieldError::new(
            "api",
            "Name the API (its slug, such as train-travel).",
        ));
    }
    if !missing.is_empty() {
        return Err(ApiError::invalid(missing));
    }
    let member = token.agencies.iter().any(|slug| slug == agency);
    let api = service::visible_api(&state, member, agency, api)
        .await
        .map_err(|err| match err {
            AppError::NotFound(message) => ApiError::not_found(FieldError::new("api", message)),
            err => err.into(),
        })?;
    let app_id = app.id.to_string();
    let request = AccessRequest {
        plan: body.plan.as_deref().unwrap_or_default(),
        app: &app_id,
        purpose: body.purpose.as_deref().unwrap_or_default(),
        accept_terms: body.accept_terms,
    };
    let done = service::request(&state, &token.actor, token.user_id, &api, &request).await?;
    let view = request_of_app(&state, app.id, done.id).await?;
    let location = format!("/api/v1/apps/{}/subscriptions/{}", app.id, done.id);
    Ok(created(&location, view))
}

/// `GET /api/v1/apps/{app}/subscriptions/{id}`: one request, its status
/// and its decision's reason.
pub async fn read(
    State(state): State<AppState>,
    token: DeveloperToken,
    Path((app, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = owned(&state, &token, &app).await?;
    let id = id.parse::<i64>().map_err(|_| {
        ApiError::from(AppError::NotFound(
            "This application has no such access request.".into(),
        ))
    })?;
    Ok(ok(request_of_app(&state, app.id, id).await?))
}
