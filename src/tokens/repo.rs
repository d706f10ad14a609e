//! SQL of personal access tokens, agencies' and developers'. Only this
//! file reads or writes the `access_token` table.

use sqlx::{AnyConnection, AnyPool, FromRow};

/// A token to store: never its secret, only the secret's hash.
pub struct NewToken<'a> {
    pub user_id: i64,
    /// `None`: a developer token, for the user's own applications.
    pub tenant_id: Option<i64>,
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub expires_at: &'a str,
}

/// A stored token, with its owner's name.
#[derive(Debug, Clone, FromRow)]
pub struct StoredToken {
    pub id: i64,
    pub user_id: i64,
    /// `None`: a developer token, for the user's own applications.
    pub tenant_id: Option<i64>,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub owner_name: String,
}

const COLUMNS: &str = "t.id, t.user_id, t.tenant_id, t.name, t.prefix, t.created_at, \
     t.expires_at, t.last_used_at, t.revoked_at, u.display_name as owner_name \
     from access_token t join user_account u on u.id = t.user_id";

pub async fn insert(
    conn: &mut AnyConnection,
    token: &NewToken<'_>,
    now: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into access_token (user_id, tenant_id, name, prefix, hash, created_at, \
         updated_at, expires_at) values ($1, $2, $3, $4, $5, $6, $6, $7) returning id",
    )
    .bind(token.user_id)
    .bind(token.tenant_id)
    .bind(token.name)
    .bind(token.prefix)
    .bind(token.hash)
    .bind(now)
    .bind(token.expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Every token of an agency, newest first.
pub async fn list_for_tenant(pool: &AnyPool, tenant_id: i64) -> sqlx::Result<Vec<StoredToken>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where t.tenant_id = $1 order by t.created_at desc, t.id desc"
    ))
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// One token of an agency.
pub async fn find(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> sqlx::Result<Option<StoredToken>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where t.tenant_id = $1 and t.id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// The token whose secret hashes to `hash`. The lookup is by an index on
/// the hash, so no comparison of secrets happens here at all, and a
/// timing difference could tell an attacker only about SHA-256 outputs.
pub async fn find_by_hash(pool: &AnyPool, hash: &str) -> sqlx::Result<Option<StoredToken>> {
    sqlx::query_as(&format!("select {COLUMNS} where t.hash = $1"))
        .bind(hash)
        .fetch_optional(pool)
        .await
}

/// Revokes a token; false when it was revoked already.
pub async fn revoke(conn: &mut AnyConnection, id: i64, now: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update access_token set revoked_at = $1, updated_at = $1 \
         where id = $2 and revoked_at is null",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A user's developer tokens (those of no agency), newest first.
pub async fn list_for_developer(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<StoredToken>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where t.user_id = $1 and t.tenant_id is null \
         order by t.created_at desc, t.id desc"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// One of a user's developer tokens.
pub async fn find_developer(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
) -> sqlx::Result<Option<StoredToken>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where t.user_id = $1 and t.id = $2 and t.tenant_id is null"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// Notes that the token was used now.
pub async fn touch(pool: &AnyPool, id: i64, now: &str) -> sqlx::Result<()> {
    sqlx::query("update access_token set last_used_at = $1 where id = $2")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
