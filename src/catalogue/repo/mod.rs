//! SQL of the catalogue. Only this module reads or writes its tables: APIs,
//! their tags and routes here, versions and plans in their own files.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::model::{AgencyRef, ApiSummary, CatalogueFilter};

mod guides;
mod manage;
mod plans;
mod reference;
mod search;
mod versions;

pub use guides::*;
pub use manage::*;
pub use plans::*;
pub use reference::*;
pub use search::*;
pub use versions::*;

/// APIs a visitor may see: public or restricted (listed, access by approval),
/// published or deprecated, of an active agency.
const LISTED: &str = "a.visibility in ('public', 'restricted') \
     and a.lifecycle in ('published', 'deprecated') and t.status = 'active'";

#[derive(Debug, FromRow)]
struct ApiRow {
    id: i64,
    agency_slug: String,
    agency_name: String,
    slug: String,
    name: String,
    summary: String,
    lifecycle: String,
    access_mode: String,
    version: Option<String>,
}

#[derive(Debug, FromRow)]
struct TagRow {
    api_id: i64,
    tag: String,
}

/// A listed API with its database id, for the queries that follow.
pub struct ListedApi {
    pub id: i64,
    pub summary: ApiSummary,
}

/// The columns of an [`ApiRow`], from `api a`, `tenant t` and `api_version v`.
const API_COLUMNS: &str = "a.id, t.slug as agency_slug, t.name as agency_name, a.slug, \
     a.name, a.summary, a.lifecycle, a.access_mode, v.label as version";

/// Narrows listed APIs by the filter's agency (`$1`) and tag (`$2`).
const NARROWED: &str = "and (cast($1 as text) is null or t.slug = $1) \
     and (cast($2 as text) is null or exists \
          (select 1 from api_tag g where g.api_id = a.id and g.tag = $2))";

fn select_listed(extra: &str) -> String {
    format!(
        "select {API_COLUMNS} \
         from api a join tenant t on t.id = a.tenant_id \
         left join api_version v on v.id = a.default_version_id \
         where {LISTED} {extra}"
    )
}

/// Listed APIs matching the filter, ordered by name, with their tags.
pub async fn list_listed(
    pool: &AnyPool,
    filter: &CatalogueFilter,
) -> sqlx::Result<Vec<ApiSummary>> {
    let sql = select_listed(&format!("{NARROWED} order by lower(a.name), a.id"));
    let rows: Vec<ApiRow> = sqlx::query_as(&sql)
        .bind(filter.agency.clone())
        .bind(filter.tag.clone())
        .fetch_all(pool)
        .await?;
    with_tags(pool, rows).await
}

/// Summaries of the rows, in their order, each with its tags.
async fn with_tags(pool: &AnyPool, rows: Vec<ApiRow>) -> sqlx::Result<Vec<ApiSummary>> {
    let tags: Vec<TagRow> = sqlx::query_as("select api_id, tag from api_tag order by tag")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let mut api = into_summary(row);
            api.tags = tags
                .iter()
                .filter(|t| t.api_id == id)
                .map(|t| t.tag.clone())
                .collect();
            api
        })
        .collect())
}

/// One listed API by agency and API slug.
pub async fn find_listed(
    pool: &AnyPool,
    agency: &str,
    api: &str,
) -> sqlx::Result<Option<ListedApi>> {
    let sql = select_listed("and t.slug = $1 and a.slug = $2");
    let Some(row): Option<ApiRow> = sqlx::query_as(&sql)
        .bind(agency)
        .bind(api)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let id = row.id;
    let tags: Vec<(String,)> =
        sqlx::query_as("select tag from api_tag where api_id = $1 order by tag")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let mut summary = into_summary(row);
    summary.tags = tags.into_iter().map(|(t,)| t).collect();
    Ok(Some(ListedApi { id, summary }))
}

fn into_summary(row: ApiRow) -> ApiSummary {
    ApiSummary {
        agency: AgencyRef {
            slug: row.agency_slug,
            name: row.agency_name,
        },
        slug: row.slug,
        name: row.name,
        summary: row.summary,
        tags: Vec::new(),
        lifecycle: row.lifecycle,
        access_mode: row.access_mode,
        version: row.version,
    }
}

/// Agencies that have at least one listed API, by name.
pub async fn list_agencies_with_listed_apis(pool: &AnyPool) -> sqlx::Result<Vec<AgencyRef>> {
    let sql = format!(
        "select distinct t.slug, t.name from tenant t join api a on a.tenant_id = t.id \
         where {LISTED} order by t.name"
    );
    let rows: Vec<(String, String)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name)| AgencyRef { slug, name })
        .collect())
}

/// Tags used by listed APIs, alphabetically.
pub async fn list_listed_tags(pool: &AnyPool) -> sqlx::Result<Vec<String>> {
    let sql = format!(
        "select distinct g.tag from api_tag g join api a on a.id = g.api_id \
         join tenant t on t.id = a.tenant_id where {LISTED} order by g.tag"
    );
    let rows: Vec<(String,)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// A new API to record, if its agency has none with its slug yet.
pub struct NewApi<'a> {
    pub tenant_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub summary: &'a str,
    pub overview_md: &'a str,
    pub visibility: &'a str,
    pub lifecycle: &'a str,
    pub access_mode: &'a str,
    pub upstream_url: Option<&'a str>,
}

/// Inserts the API unless it exists, and returns its id and whether it is new.
pub async fn ensure_api(
    conn: &mut AnyConnection,
    api: &NewApi<'_>,
    now: &str,
) -> sqlx::Result<(i64, bool)> {
    let inserted = sqlx::query(
        "insert into api (tenant_id, slug, name, summary, overview_md, visibility, lifecycle, \
         access_mode, upstream_url, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         on conflict (tenant_id, slug) do nothing",
    )
    .bind(api.tenant_id)
    .bind(api.slug)
    .bind(api.name)
    .bind(api.summary)
    .bind(api.overview_md)
    .bind(api.visibility)
    .bind(api.lifecycle)
    .bind(api.access_mode)
    .bind(api.upstream_url)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let (id,): (i64,) = sqlx::query_as("select id from api where tenant_id = $1 and slug = $2")
        .bind(api.tenant_id)
        .bind(api.slug)
        .fetch_one(&mut *conn)
        .await?;
    Ok((id, inserted))
}

/// Moves an API's upstream to `new_url`, but only while its current upstream
/// matches `still_like` (an SQL `like` pattern): an upstream that an owner has
/// since pointed elsewhere is kept.
pub async fn move_upstream_if_like(
    conn: &mut AnyConnection,
    api_id: i64,
    still_like: &str,
    new_url: &str,
    now: &str,
) -> sqlx::Result<bool> {
    let moved = sqlx::query(
        "update api set upstream_url = $1, updated_at = $2 \
         where id = $3 and upstream_url like $4 and upstream_url <> $1",
    )
    .bind(new_url)
    .bind(now)
    .bind(api_id)
    .bind(still_like)
    .execute(&mut *conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Adds tags to an API; tags it already has stay.
pub async fn add_tags(conn: &mut AnyConnection, api_id: i64, tags: &[&str]) -> sqlx::Result<()> {
    for tag in tags {
        sqlx::query("insert into api_tag (api_id, tag) values ($1, $2) on conflict do nothing")
            .bind(api_id)
            .bind(*tag)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A gateway route: an API that the gateway forwards, with its upstream.
#[derive(Debug, Clone, FromRow)]
pub struct RouteRow {
    pub api_id: i64,
    pub agency_slug: String,
    pub api_slug: String,
    pub access_mode: String,
    pub upstream_url: String,
    /// The agency's status: a suspended agency's routes answer 503.
    pub agency_status: String,
}

/// Every API the gateway should know: not retired, with an upstream. Those
/// of suspended agencies are included, so that the gateway can say so.
pub async fn list_routes(pool: &AnyPool) -> sqlx::Result<Vec<RouteRow>> {
    sqlx::query_as(
        "select a.id as api_id, t.slug as agency_slug, a.slug as api_slug, a.access_mode, \
         a.upstream_url, t.status as agency_status from api a join tenant t on t.id = a.tenant_id \
         where a.upstream_url is not null and a.lifecycle in ('published', 'deprecated')",
    )
    .fetch_all(pool)
    .await
}

/// The API's overview as its agency wrote it (Markdown).
pub async fn overview_markdown(pool: &AnyPool, api_id: i64) -> sqlx::Result<String> {
    let (text,): (String,) = sqlx::query_as("select overview_md from api where id = $1")
        .bind(api_id)
        .fetch_one(pool)
        .await?;
    Ok(text)
}

/// Every API of an agency, whatever its visibility and lifecycle, with its
/// number of versions: (slug, name, visibility, lifecycle, versions).
pub async fn list_agency_apis(
    pool: &AnyPool,
    tenant_id: i64,
) -> sqlx::Result<Vec<(String, String, String, String, i64)>> {
    sqlx::query_as(
        "select a.slug, a.name, a.visibility, a.lifecycle, \
         (select count(*) from api_version v where v.api_id = a.id) \
         from api a where a.tenant_id = $1 order by a.name",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// How many APIs each agency has, by tenant id.
pub async fn count_apis_by_tenant(pool: &AnyPool) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as("select tenant_id, count(*) from api group by tenant_id")
        .fetch_all(pool)
        .await
}
