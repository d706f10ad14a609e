//! JSON in and out for the developer endpoints of the REST API: the body
//! extractor, and the one error type whose every refusal is an RFC 9457
//! problem, naming each field at fault in `errors`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::access::service::Refused;
use crate::app::forms::FieldError;
use crate::server::error::AppError;
use crate::server::problem::Problem;

/// Why a REST request was not carried out, as the problem it answers.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError(Box::new(problem))
    }
}

impl ApiError {
    /// 422: the fields at fault, each with what to fix.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let n = errors.len();
        let detail = format!(
            "The request has {n} error{}: see `errors`. Nothing was changed.",
            if n == 1 { "" } else { "s" }
        );
        ApiError::from(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail).with_errors(errors),
        )
    }

    /// 404 naming the field whose value names nothing there.
    pub fn not_found(error: FieldError) -> Self {
        ApiError::from(Problem::not_found(error.message.clone()).with_errors(vec![error]))
    }

    /// 409 naming the field whose value is taken already.
    pub fn conflict(error: FieldError) -> Self {
        let problem = Problem::new(StatusCode::CONFLICT, "conflict", error.message.clone());
        ApiError::from(problem.with_errors(vec![error]))
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError::from(err.to_problem())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(err).into()
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Field(error) => ApiError::invalid(vec![error]),
            Refused::Fields(errors) => ApiError::invalid(errors),
            Refused::NotFound(error) => ApiError::not_found(error),
            Refused::Conflict(error) => ApiError::conflict(error),
            Refused::Other(err) => err.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (*self.0).into_response()
    }
}

/// A JSON body. Any content type is read as JSON; an empty body is `{}`,
/// so that a field left out is named as missing, not the body.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(|err| {
            if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::from(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "The body is larger than Portico accepts (2 MB).",
                ))
            } else {
                ApiError::from(Problem::bad_request(format!(
                    "The body could not be read: {err}"
                )))
            }
        })?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(text).map(JsonBody).map_err(|err| {
            if err.is_data() {
                // The right JSON, the wrong shape: a field's type, or an
                // unknown field (serde names it).
                ApiError::from(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!(
                        "The body does not fit this endpoint: {err}. See /api/v1/openapi.json."
                    ),
                ))
            } else {
                ApiError::from(Problem::bad_request(format!(
                    "The body is not JSON: {err}."
                )))
            }
        })
    }
}

/// 200 with a JSON body.
pub fn ok(body: impl Serialize) -> Response {
    axum::Json(body).into_response()
}

/// 201 with a JSON body and where the new thing lives.
pub fn created(location: &str, body: impl Serialize) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A response that carries a secret: no cache anywhere may keep it.
pub fn with_secret(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
