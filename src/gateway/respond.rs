//! Every answer the gateway makes up itself: an RFC 9457 problem with the
//! headers it needs (`WWW-Authenticate` on 401, `Retry-After` and the
//! RateLimit fields on 429), built by the named constructors below.

use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::limits::Verdict;
use crate::server::problem::Problem;

/// A call the gateway answers itself. Boxed, so that the request path's
/// `Result`s stay small.
#[derive(Debug)]
pub struct Refusal {
    pub problem: Box<Problem>,
    pub headers: Box<HeaderMap>,
}

impl From<Problem> for Refusal {
    fn from(problem: Problem) -> Self {
        Self {
            problem: Box::new(problem),
            headers: Box::default(),
        }
    }
}

impl Refusal {
    /// 401: no key, or one that does not work. Says how to authenticate.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        let mut refusal = Self::from(Problem::unauthenticated(detail));
        refusal.headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"Portico gateway\", error=\"invalid_token\""),
        );
        refusal
    }

    /// 403: the key works, but its application may not call this API.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail).into()
    }

    /// 429, with `Retry-After` and the plan's RateLimit fields.
    pub fn rate_limited(verdict: &Verdict) -> Self {
        let seconds = verdict.retry_after.unwrap_or(1);
        let mut refusal = Self::from(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!(
                "This key has used every call its plan allows for now. Try again in {seconds} second{}.",
                if seconds == 1 { "" } else { "s" }
            ),
        ));
        verdict.write_headers(&mut refusal.headers);
        refusal
    }

    /// 413: the request body is larger than the gateway accepts.
    pub fn too_large(limit: u64) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("The request body is larger than the gateway accepts ({limit} bytes)."),
        )
        .into()
    }

    pub fn status(&self) -> StatusCode {
        self.problem.status()
    }

    /// The answer, naming the path and the request id.
    pub fn respond(self, instance: String, request_id: Option<String>) -> Response {
        let mut response = (*self.problem)
            .with_instance(instance)
            .with_request_id(request_id)
            .into_response();
        response.headers_mut().extend(*self.headers);
        response
    }
}
