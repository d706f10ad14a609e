//! SQL of applications. Only this file reads or writes the `app` table.
//! Deleting an application also ends its access requests: the two
//! statements on `subscription` below are the `access` module's table,
//! written here because the deletion must be one transaction.

use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored application (never a deleted one: they are invisible).
#[derive(Debug, Clone, FromRow)]
pub struct StoredApp {
    pub id: i64,
    pub owner_user_id: i64,
    pub name: String,
    pub description: String,
    pub created_at: String,
}

const COLUMNS: &str = "id, owner_user_id, name, description, created_at from app";

pub async fn insert(
    conn: &mut AnyConnection,
    owner_user_id: i64,
    name: &str,
    description: &str,
    now: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into app (owner_user_id, name, description, created_at, updated_at) \
         values ($1, $2, $3, $4, $4) returning id",
    )
    .bind(owner_user_id)
    .bind(name)
    .bind(description)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The user's applications, oldest first.
pub async fn list_for_owner(pool: &AnyPool, owner_user_id: i64) -> sqlx::Result<Vec<StoredApp>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where owner_user_id = $1 and deleted_at is null order by created_at, id"
    ))
    .bind(owner_user_id)
    .fetch_all(pool)
    .await
}

/// One of the user's applications: another user's, or a deleted one, is
/// not found, exactly as one that never existed.
pub async fn find_owned(
    conn: &mut AnyConnection,
    owner_user_id: i64,
    id: i64,
) -> sqlx::Result<Option<StoredApp>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where id = $1 and owner_user_id = $2 and deleted_at is null"
    ))
    .bind(id)
    .bind(owner_user_id)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    description: &str,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query("update app set name = $1, description = $2, updated_at = $3 where id = $4")
        .bind(name)
        .bind(description)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks the application deleted; false when it was already.
pub async fn mark_deleted(conn: &mut AnyConnection, id: i64, now: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update app set deleted_at = $1, updated_at = $1 where id = $2 and deleted_at is null",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many access requests of the application are pending or approved.
pub async fn count_live_subscriptions(conn: &mut AnyConnection, app_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from subscription where app_id = $1 and status in ('pending', 'approved')",
    )
    .bind(app_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// Ends the application's pending and approved access requests, as
/// revoked by `decided_by` with `reason`; returns how many.
pub async fn end_subscriptions(
    conn: &mut AnyConnection,
    app_id: i64,
    decided_by: i64,
    reason: &str,
    now: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "update subscription set status = 'revoked', decision_reason = $1, decided_by = $2, \
         decided_at = $3, updated_at = $3 where app_id = $4 and status in ('pending', 'approved')",
    )
    .bind(reason)
    .bind(decided_by)
    .bind(now)
    .bind(app_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
