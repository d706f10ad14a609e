//! SQL of the tenants. Only this file reads or writes the `tenant` table.

use sqlx::AnyConnection;

/// A new agency to record, if none with its slug exists yet.
pub struct NewTenant<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub contact_email: Option<&'a str>,
}

/// Inserts the agency unless its slug is taken, and returns its id either way.
/// An existing agency is left as it is: whatever was changed since stays.
pub async fn ensure(
    conn: &mut AnyConnection,
    tenant: &NewTenant<'_>,
    now: &str,
) -> sqlx::Result<i64> {
    sqlx::query(
        "insert into tenant (slug, name, contact_email, created_at, updated_at) \
         values ($1, $2, $3, $4, $4) on conflict (slug) do nothing",
    )
    .bind(tenant.slug)
    .bind(tenant.name)
    .bind(tenant.contact_email)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let (id,): (i64,) = sqlx::query_as("select id from tenant where slug = $1")
        .bind(tenant.slug)
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// The id of the agency with this slug, if there is one.
pub async fn find_id(conn: &mut AnyConnection, slug: &str) -> sqlx::Result<Option<i64>> {
    let found: Option<(i64,)> = sqlx::query_as("select id from tenant where slug = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.map(|(id,)| id))
}

/// An agency's row.
#[derive(Debug, Clone)]
pub struct TenantRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub status: String,
}

/// The agency with this slug.
pub async fn find(pool: &sqlx::AnyPool, slug: &str) -> sqlx::Result<Option<TenantRow>> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("select id, slug, name, status from tenant where slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id, slug, name, status)| TenantRow {
        id,
        slug,
        name,
        status,
    }))
}

/// Every agency, by name.
pub async fn list(pool: &sqlx::AnyPool) -> sqlx::Result<Vec<TenantRow>> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("select id, slug, name, status from tenant order by name")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name, status)| TenantRow {
            id,
            slug,
            name,
            status,
        })
        .collect())
}

/// An agency with what its admin page shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantDetail {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub contact_email: Option<String>,
    pub status: String,
    pub created_at: String,
}

/// The agency with this slug, in full.
pub async fn find_detail(
    conn: &mut AnyConnection,
    slug: &str,
) -> sqlx::Result<Option<TenantDetail>> {
    sqlx::query_as(
        "select id, slug, name, contact_email, status, created_at from tenant where slug = $1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

/// Records a new agency; `None` when the slug is taken.
pub async fn create(
    conn: &mut AnyConnection,
    tenant: &NewTenant<'_>,
    now: &str,
) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "insert into tenant (slug, name, contact_email, created_at, updated_at) \
         values ($1, $2, $3, $4, $4) on conflict (slug) do nothing returning id",
    )
    .bind(tenant.slug)
    .bind(tenant.name)
    .bind(tenant.contact_email)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Renames an agency and sets its contact address.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    contact_email: Option<&str>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query("update tenant set name = $1, contact_email = $2, updated_at = $3 where id = $4")
        .bind(name)
        .bind(contact_email)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Suspends (`suspended`) or reactivates (`active`) an agency.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query("update tenant set status = $1, updated_at = $2 where id = $3")
        .bind(status)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
