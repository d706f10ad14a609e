//! The rules of applications: names and descriptions, ownership (another
//! user's application is not found, never forbidden, so its existence is
//! not revealed), and deletion, which revokes the application's keys and
//! ends its access requests in the same transaction.

use sqlx::AnyConnection;

use super::model::{AppSummary, DESCRIPTION_MAX, NAME_MAX};
use super::repo::{self, StoredApp};
use crate::app::forms::FieldError;
use crate::audit::Actor;
use crate::db::Db;
use crate::gateway::changes::Change;
use crate::keys::repo as keys;
use crate::server::clock::Clock;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// Why deleted applications' access requests ended.
pub const DELETED_REASON: &str = "application deleted";

/// Checks an application's name (required, at most 80 characters) and
/// description (optional, at most 1000).
pub fn check_form(name: &str, description: &str) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            "Enter a name for the application, such as the product or service that will call the APIs.",
        ));
    } else if name.chars().count() > NAME_MAX {
        errors.push(FieldError::new(
            "name",
            format!("The name must be {NAME_MAX} characters or fewer."),
        ));
    }
    let description = description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.push(FieldError::new(
            "description",
            format!("The description must be {DESCRIPTION_MAX} characters or fewer."),
        ));
    }
    if errors.is_empty() {
        Ok((name.to_owned(), description.to_owned()))
    } else {
        Err(errors)
    }
}

/// The caller's application with this id (as the path gave it), or 404:
/// whether it is another user's, deleted, or was never there.
pub async fn owned(
    conn: &mut AnyConnection,
    user_id: i64,
    id: &str,
) -> Result<StoredApp, AppError> {
    let missing = || AppError::NotFound("You have no application with this address.".into());
    let id = id.parse::<i64>().map_err(|_| missing())?;
    repo::find_owned(conn, user_id, id)
        .await?
        .ok_or_else(missing)
}

/// The user's applications, with how many keys of each work now.
pub async fn list(db: &Db, clock: &Clock, user_id: i64) -> Result<Vec<AppSummary>, AppError> {
    let now = clock.now();
    let mut conn = db.pool().acquire().await?;
    let mut apps = Vec::new();
    for app in repo::list_for_owner(db.pool(), user_id).await? {
        apps.push(summary(&mut conn, app, now).await?);
    }
    Ok(apps)
}

/// The application as lists show it, with how many of its keys work now.
pub async fn summary(
    conn: &mut AnyConnection,
    app: StoredApp,
    now: time::OffsetDateTime,
) -> Result<AppSummary, AppError> {
    let working_keys = working_keys(conn, app.id, now).await?;
    Ok(AppSummary {
        id: app.id,
        name: app.name,
        description: app.description,
        created_at: app.created_at,
        working_keys,
    })
}

/// How many of the application's keys work at `now`.
pub async fn working_keys(
    conn: &mut AnyConnection,
    app_id: i64,
    now: time::OffsetDateTime,
) -> Result<i64, AppError> {
    let keys = keys::list_for_app(conn, app_id).await?;
    Ok(keys
        .iter()
        .filter(|key| crate::keys::service::status(key, now).works())
        .count() as i64)
}

/// Writes the application's audit event on the change's transaction.
async fn audit(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    id: i64,
    detail: serde_json::Value,
    now: &str,
) -> Result<(), AppError> {
    let target = format!("app {id}");
    crate::audit::record(conn, &actor.event(None, action, &target, detail), now).await?;
    Ok(())
}

/// Creates an application for the acting user; returns its id.
pub async fn create(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    user_id: i64,
    name: &str,
    description: &str,
) -> Result<i64, AppError> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let id = repo::insert(&mut tx, user_id, name, description, &now).await?;
    let detail = serde_json::json!({ "name": name, "description": description });
    audit(&mut tx, actor, "app.create", id, detail, &now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames and describes one of the user's applications.
pub async fn update(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    app: &StoredApp,
    name: &str,
    description: &str,
) -> Result<(), AppError> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    repo::update(&mut tx, app.id, name, description, &now).await?;
    let detail = serde_json::json!({
        "before": { "name": app.name, "description": app.description },
        "after": { "name": name, "description": description },
    });
    audit(&mut tx, actor, "app.update", app.id, detail, &now).await?;
    tx.commit().await?;
    Ok(())
}

/// What deleting the application would do: (working keys to revoke,
/// pending and approved access requests to end).
pub async fn deletion_preview(
    db: &Db,
    clock: &Clock,
    app: &StoredApp,
) -> Result<(i64, i64), AppError> {
    let mut conn = db.pool().acquire().await?;
    let keys = working_keys(&mut conn, app.id, clock.now()).await?;
    let subscriptions = repo::count_live_subscriptions(&mut conn, app.id).await?;
    Ok((keys, subscriptions))
}

/// Deletes the application: marks it deleted, revokes its keys, and
/// revokes its pending and approved access requests with the reason
/// "application deleted", all in one transaction with its audit event.
/// Returns (keys revoked that worked, access requests ended).
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
    app: &StoredApp,
) -> Result<(i64, u64), AppError> {
    let now = state.clock.now();
    let now_text = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let working = working_keys(&mut tx, app.id, now).await?;
    if !repo::mark_deleted(&mut tx, app.id, &now_text).await? {
        return Err(AppError::NotFound(
            "You have no application with this address.".into(),
        ));
    }
    keys::revoke_all_of_app(&mut tx, app.id, &now_text).await?;
    let ended =
        repo::end_subscriptions(&mut tx, app.id, user_id, DELETED_REASON, &now_text).await?;
    let detail = serde_json::json!({
        "name": app.name, "keys_revoked": working, "subscriptions_revoked": ended,
    });
    audit(&mut tx, actor, "app.delete", app.id, detail, &now_text).await?;
    tx.commit().await?;
    state.changes.publish(Change::App { app_id: app.id }).await;
    Ok((working, ended))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_required_and_both_fields_have_limits() {
        assert_eq!(
            check_form(" Bus times ", " For riders "),
            Ok(("Bus times".into(), "For riders".into()))
        );
        assert_eq!(check_form("", "").unwrap_err()[0].field, "name");
        assert_eq!(
            check_form(&"é".repeat(80), "").map(|(n, _)| n.chars().count()),
            Ok(80)
        );
        assert_eq!(
            check_form(&"x".repeat(81), "").unwrap_err()[0].field,
            "name"
        );
        let long = "d".repeat(1001);
        assert_eq!(check_form("A", &long).unwrap_err()[0].field, "description");
    }
}
