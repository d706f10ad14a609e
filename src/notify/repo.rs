//! SQL of notifications. Only this file reads or writes `notification`.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::model::NotificationRow;

pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    message: &str,
    link: &str,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into notification (user_id, message, link, created_at) values ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(message)
    .bind(link)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct Row {
    id: i64,
    message: String,
    link: String,
    created_at: String,
    read_at: Option<String>,
}

/// A user's newest notifications.
pub async fn list(pool: &AnyPool, user_id: i64, limit: i64) -> sqlx::Result<Vec<NotificationRow>> {
    let rows: Vec<Row> = sqlx::query_as(
        "select id, message, link, created_at, read_at from notification where user_id = $1 \
         order by created_at desc, id desc limit $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| NotificationRow {
            id: r.id,
            message: r.message,
            link: r.link,
            created_at: r.created_at,
            read: r.read_at.is_some(),
        })
        .collect())
}

/// How many a user has not read (the index on `user_id` keeps it cheap).
pub async fn count_unread(pool: &AnyPool, user_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from notification where user_id = $1 and read_at is null")
            .bind(user_id)
            .fetch_one(pool)
            .await?;
    Ok(n)
}

/// Marks every notification of the user read; how many were unread.
pub async fn mark_all_read(pool: &AnyPool, user_id: i64, now: &str) -> sqlx::Result<u64> {
    let done =
        sqlx::query("update notification set read_at = $1 where user_id = $2 and read_at is null")
            .bind(now)
            .bind(user_id)
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}

/// The owners of an agency: who is told of its new access requests.
pub async fn owners_of(conn: &mut AnyConnection, tenant_id: i64) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "select user_id from membership where tenant_id = $1 and role = 'owner' order by user_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A user's email address, if their identity provider gave one.
pub async fn email_of(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("select email from user_account where id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row
        .and_then(|(email,)| email)
        .filter(|email| !email.trim().is_empty()))
}
