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
