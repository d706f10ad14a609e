//! SQL of an API as its agency manages it: its settings whatever its
//! visibility and lifecycle, and the page its members preview.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{into_summary, ApiRow, ListedApi, API_COLUMNS, LISTED};
use crate::catalogue::publish::model::ApiSettings;

#[derive(Debug, FromRow)]
struct SettingsRow {
    id: i64,
    name: String,
    summary: String,
    overview_md: String,
    visibility: String,
    lifecycle: String,
    sunset_at: Option<String>,
    upstream_url: Option<String>,
    access_mode: String,
}

/// An agency's API by slug, with its id and settings.
pub async fn find_settings(
    pool: &AnyPool,
    tenant_id: i64,
    slug: &str,
) -> sqlx::Result<Option<(i64, ApiSettings)>> {
    let row: Option<SettingsRow> = sqlx::query_as(
        "select id, name, summary, overview_md, visibility, lifecycle, sunset_at, upstream_url, \
         access_mode from api where tenant_id = $1 and slug = $2",
    )
    .bind(tenant_id)
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.id,
            ApiSettings {
                name: r.name,
                summary: r.summary,
                overview_md: r.overview_md,
                visibility: r.visibility,
                lifecycle: r.lifecycle,
                sunset_at: r.sunset_at,
                upstream_url: r.upstream_url,
                access_mode: r.access_mode,
            },
        )
    }))
}

/// Whether the agency has an API with this slug.
pub async fn api_slug_taken(pool: &AnyPool, tenant_id: i64, slug: &str) -> sqlx::Result<bool> {
    let found: Option<(i64,)> =
        sqlx::query_as("select id from api where tenant_id = $1 and slug = $2")
            .bind(tenant_id)
            .bind(slug)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

/// Writes an API's settings.
pub async fn update_settings(
    conn: &mut AnyConnection,
    api_id: i64,
    settings: &ApiSettings,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update api set name = $1, summary = $2, overview_md = $3, visibility = $4, \
         lifecycle = $5, sunset_at = $6, upstream_url = $7, access_mode = $8, updated_at = $9 \
         where id = $10",
    )
    .bind(&settings.name)
    .bind(&settings.summary)
    .bind(&settings.overview_md)
    .bind(&settings.visibility)
    .bind(&settings.lifecycle)
    .bind(settings.sunset_at.as_deref())
    .bind(settings.upstream_url.as_deref())
    .bind(&settings.access_mode)
    .bind(now)
    .bind(api_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An API as a visitor may see it: listed, or any API of the agency when
/// the visitor is one of its members (who preview drafts and private APIs
/// on the public page). Whether the catalogue lists it comes with it.
pub async fn find_visible(
    pool: &AnyPool,
    agency: &str,
    api: &str,
    member: bool,
) -> sqlx::Result<Option<(ListedApi, bool)>> {
    let sql = format!(
        "select {API_COLUMNS}, case when {LISTED} then 1 else 0 end as listed \
         from api a join tenant t on t.id = a.tenant_id \
         left join api_version v on v.id = a.default_version_id \
         where t.slug = $1 and a.slug = $2 and ($3 = 1 or ({LISTED}))"
    );
    let found: Option<VisibleRow> = sqlx::query_as(&sql)
        .bind(agency)
        .bind(api)
        .bind(i64::from(member))
        .fetch_optional(pool)
        .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let id = found.api.id;
    let tags: Vec<(String,)> =
        sqlx::query_as("select tag from api_tag where api_id = $1 order by tag")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let mut summary = into_summary(found.api);
    summary.tags = tags.into_iter().map(|(t,)| t).collect();
    Ok(Some((ListedApi { id, summary }, found.listed == 1)))
}

#[derive(Debug, FromRow)]
struct VisibleRow {
    #[sqlx(flatten)]
    api: ApiRow,
    listed: i64,
}

/// The date a deprecated API stops answering, if it has one.
pub async fn sunset_of(pool: &AnyPool, api_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("select sunset_at from api where id = $1 and lifecycle = 'deprecated'")
            .bind(api_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(sunset,)| sunset))
}
