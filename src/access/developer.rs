//! What a developer reads of their applications' access requests: each
//! request's status, and the reason of its decision. The caller's
//! ownership of the application is checked before these run.

use super::model::SubscriptionView;
use super::repo;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// The access requests of an application (the caller's: checked before),
/// newest first, as its developer sees them.
pub async fn requests_of_app(
    state: &AppState,
    app_id: i64,
) -> Result<Vec<SubscriptionView>, AppError> {
    let rows = repo::list_for_app(state.db.pool(), app_id).await?;
    Ok(rows.into_iter().map(|r| r.for_developer()).collect())
}

/// One access request of an application, with its decision, or a 404.
pub async fn request_of_app(
    state: &AppState,
    app_id: i64,
    id: i64,
) -> Result<SubscriptionView, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    repo::find(&mut conn, id)
        .await?
        .filter(|request| request.app_id == app_id)
        .map(|request| request.for_developer())
        .ok_or_else(|| AppError::NotFound("This application has no such access request.".into()))
}
