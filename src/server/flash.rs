//! The server half of the forms pattern (see `crate::app::forms`): a form's
//! handler leaves a [`Notice`] in the session and redirects; the next page's
//! server function takes it. A notice is read once: a reload shows the page
//! without it, and a secret in it is gone from the session once shown.

use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::error::AppError;
use crate::app::forms::{FieldError, Notice};

/// The session key of the notice.
const NOTICE: &str = "notice";

/// Leaves the notice for the next page and redirects there (303 See Other).
pub async fn redirect_with(session: &Session, to: &str, notice: Notice) -> Response {
    match session.insert(NOTICE, notice).await {
        Ok(()) => Redirect::to(to).into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}

/// Sends a form back to its page with its errors and the values sent.
pub async fn send_back(
    session: &Session,
    to: &str,
    errors: Vec<FieldError>,
    values: impl IntoIterator<Item = (&'static str, String)>,
) -> Response {
    let values = values
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    redirect_with(session, to, Notice::invalid(errors, values)).await
}

/// Inside a server function: the notice left for this page, removed from
/// the session (an empty notice when there is none).
pub async fn take() -> Result<Notice, AppError> {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Ok(Notice::default());
    };
    let Some(session) = parts.extensions.get::<Session>() else {
        return Ok(Notice::default());
    };
    Ok(session.remove::<Notice>(NOTICE).await?.unwrap_or_default())
}
