//! SQL of the catalogue. Only this file reads or writes its tables.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::model::{AgencyRef, ApiSummary, CatalogueFilter, PlanSummary, VersionSummary};

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

fn select_listed(extra: &str) -> String {
    format!(
        "select a.id, t.slug as agency_slug, t.name as agency_name, a.slug, a.name, \
         a.summary, a.lifecycle, a.access_mode, v.label as version \
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
    let sql = select_listed(
        "and (cast($1 as text) is null or t.slug = $1) \
         and (cast($2 as text) is null or exists \
              (select 1 from api_tag g where g.api_id = a.id and g.tag = $2)) \
         order by lower(a.name), a.id",
    );
    let rows: Vec<ApiRow> = sqlx::query_as(&sql)
        .bind(filter.agency.clone())
        .bind(filter.tag.clone())
        .fetch_all(pool)
        .await?;
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

#[derive(Debug, FromRow)]
struct PlanRow {
    slug: String,
    name: String,
    description: String,
    rate_per_second: Option<i64>,
    rate_per_minute: Option<i64>,
    quota_per_day: Option<i64>,
    quota_per_month: Option<i64>,
    approval: String,
}

/// Active plans of an API, cheapest limits first.
pub async fn list_active_plans(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<PlanSummary>> {
    let rows: Vec<PlanRow> = sqlx::query_as(
        "select slug, name, description, rate_per_second, rate_per_minute, quota_per_day, \
         quota_per_month, approval from plan where api_id = $1 and status = 'active' \
         order by coalesce(rate_per_second, 0), id",
    )
    .bind(api_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PlanSummary {
            slug: r.slug,
            name: r.name,
            description: r.description,
            rate_per_second: r.rate_per_second,
            rate_per_minute: r.rate_per_minute,
            quota_per_day: r.quota_per_day,
            quota_per_month: r.quota_per_month,
            approval: r.approval,
        })
        .collect())
}

/// Versions of an API's document, newest first.
pub async fn list_versions(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<VersionSummary>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "select v.label, v.openapi_version, v.created_at, \
         case when a.default_version_id = v.id then 1 else 0 end as is_default \
         from api_version v join api a on a.id = v.api_id where v.api_id = $1 \
         order by v.created_at desc, v.id desc",
    )
    .bind(api_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(label, openapi_version, created_at, is_default)| VersionSummary {
                label,
                openapi_version,
                is_default: is_default == 1,
                created_at,
            },
        )
        .collect())
}

/// The stored source text of the default version's document.
pub async fn default_document_source(
    pool: &AnyPool,
    api_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "select v.source_format, v.source_text from api_version v \
         join api a on a.default_version_id = v.id where a.id = $1",
    )
    .bind(api_id)
    .fetch_optional(pool)
    .await
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

/// A version of an API's OpenAPI document, already parsed and normalised.
pub struct NewVersion<'a> {
    pub api_id: i64,
    pub label: &'a str,
    pub openapi_version: &'a str,
    pub source_format: &'a str,
    pub source_text: &'a str,
    pub document: &'a str,
}

/// Inserts the version unless its label exists, makes it the default when the
/// API has none, and returns its id.
pub async fn ensure_version(
    conn: &mut AnyConnection,
    version: &NewVersion<'_>,
    now: &str,
) -> sqlx::Result<i64> {
    let id = match find_version_id(conn, version.api_id, version.label).await? {
        Some(id) => id,
        None => insert_version(conn, version, now).await?,
    };
    sqlx::query(
        "update api set default_version_id = $1 where id = $2 and default_version_id is null",
    )
    .bind(id)
    .bind(version.api_id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A plan to offer on an API.
pub struct NewPlan<'a> {
    pub api_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    pub approval: &'a str,
}

/// Inserts the plan unless the API has one with its slug.
pub async fn ensure_plan(
    conn: &mut AnyConnection,
    plan: &NewPlan<'_>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into plan (api_id, slug, name, description, rate_per_second, rate_per_minute, \
         quota_per_day, quota_per_month, approval, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) on conflict (api_id, slug) do nothing",
    )
    .bind(plan.api_id)
    .bind(plan.slug)
    .bind(plan.name)
    .bind(plan.description)
    .bind(plan.rate_per_second)
    .bind(plan.rate_per_minute)
    .bind(plan.quota_per_day)
    .bind(plan.quota_per_month)
    .bind(plan.approval)
    .bind(now)
    .execute(&mut *conn)
    .await?;
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
}

/// Every API the gateway should know: not retired, of an active agency, with
/// an upstream.
pub async fn list_routes(pool: &AnyPool) -> sqlx::Result<Vec<RouteRow>> {
    sqlx::query_as(
        "select a.id as api_id, t.slug as agency_slug, a.slug as api_slug, a.access_mode, \
         a.upstream_url from api a join tenant t on t.id = a.tenant_id \
         where a.upstream_url is not null and a.lifecycle in ('published', 'deprecated') \
         and t.status = 'active'",
    )
    .fetch_all(pool)
    .await
}

/// The id of the API's version with this label, if there is one.
pub async fn find_version_id(
    conn: &mut AnyConnection,
    api_id: i64,
    label: &str,
) -> sqlx::Result<Option<i64>> {
    let found: Option<(i64,)> =
        sqlx::query_as("select id from api_version where api_id = $1 and label = $2")
            .bind(api_id)
            .bind(label)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.map(|(id,)| id))
}

/// Inserts a new version and returns its id; the label must be free.
pub async fn insert_version(
    conn: &mut AnyConnection,
    version: &NewVersion<'_>,
    now: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into api_version (api_id, label, openapi_version, source_format, source_text, \
         document, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(version.api_id)
    .bind(version.label)
    .bind(version.openapi_version)
    .bind(version.source_format)
    .bind(version.source_text)
    .bind(version.document)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Makes a version the one the catalogue shows.
pub async fn set_default_version(
    conn: &mut AnyConnection,
    api_id: i64,
    version_id: i64,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query("update api set default_version_id = $1, updated_at = $2 where id = $3")
        .bind(version_id)
        .bind(now)
        .bind(api_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The API's overview as its agency wrote it (Markdown).
pub async fn overview_markdown(pool: &AnyPool, api_id: i64) -> sqlx::Result<String> {
    let (text,): (String,) = sqlx::query_as("select overview_md from api where id = $1")
        .bind(api_id)
        .fetch_one(pool)
        .await?;
    Ok(text)
}
