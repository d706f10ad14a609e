//! SQL of API keys. Only this file reads or writes the `api_key` table.

use sqlx::{AnyConnection, AnyPool, FromRow};

/// A key to store: never its secret, only the secret's hash.
pub struct NewKey<'a> {
    pub app_id: i64,
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub expires_at: Option<&'a str>,
}

/// A stored key.
#[derive(Debug, Clone, FromRow)]
pub struct StoredKey {
    pub id: i64,
    pub app_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub replaced_by: Option<i64>,
}

const COLUMNS: &str = "k.id, k.app_id, k.name, k.prefix, k.created_at, k.expires_at, \
     k.last_used_at, k.revoked_at, k.replaced_by from api_key k";

pub async fn insert(conn: &mut AnyConnection, key: &NewKey<'_>, now: &str) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into api_key (app_id, name, prefix, hash, created_at, updated_at, expires_at) \
         values ($1, $2, $3, $4, $5, $5, $6) returning id",
    )
    .bind(key.app_id)
    .bind(key.name)
    .bind(key.prefix)
    .bind(key.hash)
    .bind(now)
    .bind(key.expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Every key of an application, newest first.
pub async fn list_for_app(conn: &mut AnyConnection, app_id: i64) -> sqlx::Result<Vec<StoredKey>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where k.app_id = $1 order by k.created_at desc, k.id desc"
    ))
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await
}

/// One key of an application.
pub async fn find(
    conn: &mut AnyConnection,
    app_id: i64,
    id: i64,
) -> sqlx::Result<Option<StoredKey>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where k.app_id = $1 and k.id = $2"
    ))
    .bind(app_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// The key whose secret hashes to `hash`, if its application is not
/// deleted. The lookup goes through the unique index on the hash: no
/// secret is compared byte by byte, so there is no timing to measure.
pub async fn find_by_hash(pool: &AnyPool, hash: &str) -> sqlx::Result<Option<StoredKey>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} join app a on a.id = k.app_id \
         where k.hash = $1 and a.deleted_at is null"
    ))
    .bind(hash)
    .fetch_optional(pool)
    .await
}

/// Revokes a key; false when it was revoked already.
pub async fn revoke(conn: &mut AnyConnection, id: i64, now: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update api_key set revoked_at = $1, updated_at = $1 where id = $2 and revoked_at is null",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every key of an application that is not revoked yet.
pub async fn revoke_all_of_app(
    conn: &mut AnyConnection,
    app_id: i64,
    now: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "update api_key set revoked_at = $1, updated_at = $1 \
         where app_id = $2 and revoked_at is null",
    )
    .bind(now)
    .bind(app_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Marks a key as replaced by another, working until `expires_at`.
pub async fn mark_replaced(
    conn: &mut AnyConnection,
    id: i64,
    replaced_by: i64,
    expires_at: &str,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update api_key set replaced_by = $1, expires_at = $2, updated_at = $3 where id = $4",
    )
    .bind(replaced_by)
    .bind(expires_at)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Notes that the key was used now (for the gateway's usage sink).
pub async fn touch(pool: &AnyPool, id: i64, now: &str) -> sqlx::Result<()> {
    sqlx::query("update api_key set last_used_at = $1 where id = $2")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// A key as the gateway's snapshot holds it.
#[derive(Debug, Clone, FromRow)]
pub struct GatewayKey {
    pub id: i64,
    pub app_id: i64,
    pub owner_user_id: i64,
    /// SHA-256 of the secret, hex.
    pub hash: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Keys of living applications (of one application with `app_id`), less
/// those revoked or expired before `since`: the gateway answers those as
/// unknown, and its memory does not grow with every key ever made.
pub async fn list_for_gateway(
    pool: &AnyPool,
    app_id: Option<i64>,
    since: &str,
) -> sqlx::Result<Vec<GatewayKey>> {
    sqlx::query_as(
        "select k.id, k.app_id, a.owner_user_id, k.hash, k.expires_at, k.revoked_at \
         from api_key k join app a on a.id = k.app_id \
         where a.deleted_at is null and ($1 = 0 or k.app_id = $1) \
         and (k.revoked_at is null or k.revoked_at > $2) \
         and (k.expires_at is null or k.expires_at > $2)",
    )
    .bind(app_id.unwrap_or(0))
    .bind(since)
    .fetch_all(pool)
    .await
}
