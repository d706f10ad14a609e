//! The form of the notifications page: mark all read.

use axum::extract::State;
use axum::response::Response;
use tower_sessions::Session;

use crate::app::forms::Notice;
use crate::auth::access::Acting;
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

/// `POST /notifications/read`: every notification of the caller read.
pub async fn mark_all_read(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
) -> Result<Response, AppError> {
    let now = state.clock.now_text();
    let n = super::repo::mark_all_read(state.db.pool(), acting.caller.user_id, &now).await?;
    let sentence = match n {
        0 => "You had no unread notifications.".to_string(),
        1 => "1 notification marked as read.".to_string(),
        n => format!("{n} notifications marked as read."),
    };
    Ok(flash::redirect_with(&session, "/notifications", Notice::success(sentence)).await)
}
