//! Developer tokens: personal access tokens of no agency, with which a
//! developer calls the REST API as themselves, on their own applications
//! only. Created and revoked on the account's Tokens page; each change is
//! one transaction with its audit event (of no tenant).

use super::model::TokenRow;
use super::repo;
use super::service::{row, shown_prefix};
use crate::audit::Actor;
use crate::db::Db;
use crate::server::clock::Clock;
use crate::server::error::AppError;

/// The user's developer tokens, newest first.
pub async fn list(db: &Db, clock: &Clock, user_id: i64) -> Result<Vec<TokenRow>, AppError> {
    let now = clock.now();
    Ok(repo::list_for_developer(db.pool(), user_id)
        .await?
        .into_iter()
        .map(|token| row(token, now))
        .collect())
}

/// Revokes one of the user's developer tokens; returns its name. Another
/// user's token, or an agency's, is not found. Revoking twice is harmless.
pub async fn revoke(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    user_id: i64,
    id: i64,
) -> Result<String, AppError> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let token = repo::find_developer(&mut tx, user_id, id)
        .await?
        .ok_or_else(|| AppError::NotFound("You have no such developer token.".into()))?;
    if repo::revoke(&mut tx, token.id, &now).await? {
        let target = format!("token {}", shown_prefix(&token.prefix));
        let event = actor.event(
            None,
            "token.revoke",
            &target,
            serde_json::json!({
                "name": token.name,
                "kind": "developer",
                "prefix": token.prefix,
                "expires_at": token.expires_at,
            }),
        );
        crate::audit::record(&mut tx, &event, &now).await?;
    }
    tx.commit().await?;
    Ok(token.name)
}
