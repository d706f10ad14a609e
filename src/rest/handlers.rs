//! Portico's REST API for CI: publish a version with a personal access
//! token, and the API's own description.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::catalogue::slug::Slug;
use crate::openapi::import::{import, ImportError, ImportRequest};
use crate::openapi::model::{Finding, ImportOutcome};
use crate::server::problem::Problem;
use crate::server::state::AppState;
use crate::tokens::bearer::AgencyToken;

/// The query of a publish.
#[derive(Debug, Deserialize)]
pub struct PublishQuery {
    /// The version label; the document's `info.version` when absent.
    pub label: Option<String>,
    /// Publish a new API at once (public); an existing one keeps its state.
    #[serde(default)]
    pub publish: bool,
}

/// `POST /api/v1/agencies/{agency}/apis/{api}/versions`: the raw OpenAPI
/// document (JSON or YAML) becomes a new version of the API. Authorised by
/// the token (the extractor); the agency is the token's.
pub async fn publish_version(
    State(state): State<AppState>,
    token: AgencyToken,
    Path((_, api)): Path<(String, String)>,
    query: Result<Query<PublishQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    publish(&state, &token, &api, query, body)
        .await
        .unwrap_or_else(|refused| refused)
}

/// The publish: every refusal is a problem response.
async fn publish(
    state: &AppState,
    token: &AgencyToken,
    api: &str,
    query: Result<Query<PublishQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Response> {
    let Query(query) = query.map_err(|err| {
        Problem::bad_request(format!(
            "The query is not valid: {err}. Use label=TEXT and publish=true or false."
        ))
        .into_response()
    })?;
    let body = body.map_err(unreadable)?;
    let api = Slug::parse(api).map_err(|why| {
        Problem::not_found(format!("There is no such API: {why}.")).into_response()
    })?;
    let agency = Slug::parse(&token.agency)
        .map_err(|_| Problem::not_found("There is no such agency.").into_response())?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        invalid(vec![Finding::at(
            "",
            "the document is not UTF-8 text: save it as UTF-8",
        )])
    })?;
    let label = query
        .label
        .as_deref()
        .filter(|label| !label.trim().is_empty());
    let request = ImportRequest {
        agency: &agency,
        api: &api,
        label,
        text,
        publish: query.publish,
        actor: Some(&token.actor),
    };
    let outcome = import(&state.db, &state.clock, request)
        .await
        .map_err(refused)?;
    state
        .changes
        .publish(crate::gateway::changes::Change::Routes)
        .await;
    Ok(created(state, outcome))
}

/// A body that could not be read: too large, or cut off.
fn unreadable(err: BytesRejection) -> Response {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!(
                "The document is larger than Portico accepts ({} MB).",
                crate::openapi::source::MAX_BYTES / 1024 / 1024
            ),
        )
        .into_response();
    }
    Problem::bad_request(format!("The body could not be read: {err}")).into_response()
}

/// Why the import stored nothing, as a problem.
fn refused(err: ImportError) -> Response {
    match err {
        ImportError::Invalid(findings) => invalid(findings),
        ImportError::VersionExists { api, label } => Problem::new(
            StatusCode::CONFLICT,
            "version-exists",
            format!(
                "API {api:?} already has a version {label:?}: versions are never overwritten. \
                 Publish it with another label (?label=...) or change info.version."
            ),
        )
        .into_response(),
        ImportError::UnknownAgency(slug) => {
            Problem::not_found(format!("There is no agency {slug:?}.")).into_response()
        }
        ImportError::Storage(err) => crate::server::error::AppError::Internal(err).into_response(),
    }
}

/// 201: what was stored, and where to see it.
fn created(state: &AppState, outcome: ImportOutcome) -> Response {
    let base = state.auth.public_url.as_str().trim_end_matches('/');
    let page = format!("{base}/apis/{}/{}", outcome.agency, outcome.api);
    let label: String = url::form_urlencoded::byte_serialize(outcome.version.as_bytes()).collect();
    let body = serde_json::json!({
        "agency": outcome.agency,
        "api": outcome.api,
        "version": outcome.version,
        "openapi_version": outcome.openapi_version,
        "source_version": outcome.source_version,
        "operations": outcome.operations,
        "api_created": outcome.api_created,
        "warnings": outcome.warnings,
        "links": {
            "api": page,
            "reference": format!("{page}/reference?version={label}"),
            "document": format!("{page}/openapi"),
            "changelog": format!("{page}/changelog?to={label}"),
        },
    });
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&page) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// 422 with every finding: where (JSON pointer, line, column) and what.
fn invalid(findings: Vec<Finding>) -> Response {
    let n = findings.len();
    let problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-document",
        format!(
            "The document has {n} error{} and was not published: see `errors`.",
            if n == 1 { "" } else { "s" }
        ),
    );
    let mut body = serde_json::to_value(&problem).unwrap_or_default();
    body["errors"] = serde_json::to_value(&findings).unwrap_or_default();
    let mut response = (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::server::problem::CONTENT_TYPE),
    );
    response
}

/// `GET /api/v1/openapi.json`: this REST API, described in OpenAPI 3.1.
pub async fn openapi_document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], super::OPENAPI).into_response()
}
