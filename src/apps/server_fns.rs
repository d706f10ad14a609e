//! The server functions of the applications pages. Each checks that
//! someone is signed in, and reads only the caller's own applications:
//! another user's application is not found.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AppPage, AppsPage, DeleteAppPage};

/// `/apps`: the caller's applications.
#[server(prefix = "/fn", endpoint = "apps_page", input = GetUrl)]
pub async fn load_apps_page() -> Result<AppsPage, ServerFnError> {
    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let apps = super::service::list(&state.db, &state.clock, caller.user_id).await?;
    let notice = crate::server::flash::take().await?;
    Ok(AppsPage {
        apps,
        csrf_token: caller.csrf_token.clone(),
        notice,
    })
}

/// `/apps/{app}`: one of the caller's applications and its keys.
#[server(prefix = "/fn", endpoint = "app_page", input = GetUrl)]
pub async fn load_app_page(app: Option<String>) -> Result<AppPage, ServerFnError> {
    use crate::keys::model::MAX_EXPIRY_DAYS;
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let mut conn = state.db.pool().acquire().await.map_err(AppError::from)?;
    let found =
        super::service::owned(&mut conn, caller.user_id, app.as_deref().unwrap_or("")).await?;
    let now = state.clock.now();
    let keys = crate::keys::service::list(&mut conn, found.id, now).await?;
    let notice = crate::server::flash::take().await?;
    let today = now.to_offset(time::UtcOffset::UTC).date();
    Ok(AppPage {
        id: found.id,
        name: found.name,
        description: found.description,
        created_at: found.created_at,
        keys,
        expiry_min: today.to_string(),
        expiry_max: (today + time::Duration::days(MAX_EXPIRY_DAYS)).to_string(),
        csrf_token: caller.csrf_token.clone(),
        notice,
    })
}

/// `/apps/{app}/delete`: what deleting the application will do.
#[server(prefix = "/fn", endpoint = "app_delete_page", input = GetUrl)]
pub async fn load_delete_app_page(app: Option<String>) -> Result<DeleteAppPage, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let mut conn = state.db.pool().acquire().await.map_err(AppError::from)?;
    let found =
        super::service::owned(&mut conn, caller.user_id, app.as_deref().unwrap_or("")).await?;
    drop(conn);
    let (working_keys, live_subscriptions) =
        super::service::deletion_preview(&state.db, &state.clock, &found).await?;
    Ok(DeleteAppPage {
        id: found.id,
        name: found.name,
        working_keys,
        live_subscriptions,
        csrf_token: caller.csrf_token.clone(),
    })
}
