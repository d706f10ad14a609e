//! The boundary error: what a portal handler or server function may fail with,
//! and how each kind reaches the user.
//!
//! Use `NotFound`, `Invalid` and `Conflict` for what the user can fix, with a
//! sentence saying how; `Unavailable` when a dependency is down; everything
//! else is `Internal`, logged once here with the request id and shown as a
//! plain 500 that leaks nothing.

use axum::response::{IntoResponse, Response};

use super::problem::Problem;

///
/// It deliberately does not implement `std::error::Error`: server functions'
/// blanket conversion would then show an internal error's text to the user.
/// The conversion below goes through [`AppError::to_problem`] instead.
#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    Invalid(String),
    Conflict(String),
    Unavailable(String),
    /// Nobody is signed in and the route needs someone: 401.
    SignInNeeded,
    /// Signed in, but not allowed: 403, with a sentence saying why.
    Forbidden(String),
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::error!(error = %err, "database unavailable");
                Self::Unavailable("The database is not reachable. Try again shortly.".into())
            }
            _ => Self::Internal(anyhow::Error::new(err)),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        Self::Internal(anyhow::anyhow!("session store: {err}"))
    }
}

impl AppError {
    /// The problem document shown to the caller, logging what must be logged.
    pub fn to_problem(&self) -> Problem {
        match self {
            Self::NotFound(msg) => Problem::not_found(msg.clone()),
            Self::Invalid(msg) => Problem::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                msg.clone(),
            ),
            Self::Conflict(msg) => {
                Problem::new(axum::http::StatusCode::CONFLICT, "conflict", msg.clone())
            }
            Self::Unavailable(msg) => Problem::service_unavailable(msg.clone()),
            Self::SignInNeeded => Problem::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "sign-in-needed",
                crate::auth::model::SIGN_IN_NEEDED.to_string(),
            ),
            Self::Forbidden(msg) => {
                Problem::new(axum::http::StatusCode::FORBIDDEN, "forbidden", msg.clone())
            }
            Self::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                Problem::internal()
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.to_problem().into_response()
    }
}

impl From<AppError> for leptos::prelude::ServerFnError {
    fn from(err: AppError) -> Self {
        let problem = err.to_problem();
        // The status reaches the caller too: a page whose data is refused
        // answers 401 or 403, not 200 with an error in it.
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(problem.status) {
                options.set_status(status);
            }
        }
        leptos::prelude::ServerFnError::ServerError(problem.detail.unwrap_or(problem.title))
    }
}
