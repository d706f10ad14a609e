//! Server functions of notifications. Each checks its caller first.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::NotificationsPage;

/// The caller's notifications, newest first.
#[server(prefix = "/fn", endpoint = "notifications", input = GetUrl)]
pub async fn load_notifications() -> Result<NotificationsPage, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let items = super::repo::list(pool, caller.user_id, super::model::PAGE_SIZE)
        .await
        .map_err(AppError::from)?;
    let unread = super::repo::count_unread(pool, caller.user_id)
        .await
        .map_err(AppError::from)?;
    Ok(NotificationsPage {
        items,
        unread,
        csrf_token: caller.csrf_token.clone(),
        notice: crate::server::flash::take().await?,
    })
}

/// How many notifications the caller has not read; 0 for a visitor.
#[server(prefix = "/fn", endpoint = "unread_notifications", input = GetUrl)]
pub async fn count_unread_notifications() -> Result<i64, ServerFnError> {
    use crate::server::error::AppError;

    let Some(caller) = crate::auth::access::current_caller() else {
        return Ok(0);
    };
    let state = crate::server::state::app_state()?;
    Ok(super::repo::count_unread(state.db.pool(), caller.user_id)
        .await
        .map_err(AppError::from)?)
}
