//! SQL of catalogue search: listed APIs and the operations of their default
//! versions that match a visitor's words, best first.
//!
//! The engines differ, so each query is written once per backend: FTS5
//! tables and `bm25` on SQLite, `tsvector` columns and `ts_rank` on
//! PostgreSQL (see the `0002_search` migrations). `bm25` is smaller for
//! better matches, `ts_rank` larger; each query orders by its own.

use sqlx::FromRow;

use super::{with_tags, ApiRow, API_COLUMNS, LISTED, NARROWED};
use crate::catalogue::model::{ApiSummary, CatalogueFilter, OperationMatch};
use crate::catalogue::search::SearchTerms;
use crate::db::{Backend, Db};

/// Listed APIs whose name, summary, overview or tags hold every word,
/// narrowed by the filter's agency and tag, most relevant first.
pub async fn search_listed(
    db: &Db,
    filter: &CatalogueFilter,
    terms: &SearchTerms,
) -> sqlx::Result<Vec<ApiSummary>> {
    let joins = "join tenant t on t.id = a.tenant_id \
                 left join api_version v on v.id = a.default_version_id";
    let (sql, query) = match db.backend() {
        // Weights per column: name, summary, overview, tags.
        Backend::Sqlite => (
            format!(
                "select {API_COLUMNS} from api_fts join api a on a.id = api_fts.rowid {joins} \
                 where api_fts match $3 and {LISTED} {NARROWED} \
                 order by bm25(api_fts, 10.0, 4.0, 1.0, 4.0), lower(a.name), a.id"
            ),
            terms.to_fts5(),
        ),
        Backend::Postgres => (
            format!(
                "select {API_COLUMNS} from api a {joins} \
                 cross join to_tsquery('english', $3) as q \
                 where a.search_vector @@ q and {LISTED} {NARROWED} \
                 order by ts_rank(a.search_vector, q) desc, lower(a.name), a.id"
            ),
            terms.to_tsquery(),
        ),
    };
    let rows: Vec<ApiRow> = sqlx::query_as(&sql)
        .bind(filter.agency.clone())
        .bind(filter.tag.clone())
        .bind(query)
        .fetch_all(db.pool())
        .await?;
    with_tags(db.pool(), rows).await
}

#[derive(Debug, FromRow)]
struct OperationRow {
    agency_slug: String,
    api_slug: String,
    api_name: String,
    slug: String,
    method: String,
    path: String,
    summary: String,
    deprecated: i64,
}

/// Operations matching every word, in the default version of each listed
/// API the filter keeps, most relevant first: at most `limit`, and whether
/// there are more.
pub async fn search_operations(
    db: &Db,
    filter: &CatalogueFilter,
    terms: &SearchTerms,
    limit: usize,
) -> sqlx::Result<(Vec<OperationMatch>, bool)> {
    let columns = "t.slug as agency_slug, a.slug as api_slug, a.name as api_name, o.slug, \
                   o.method, o.path, o.summary, o.deprecated";
    let joins = "join api a on a.default_version_id = o.version_id \
                 join tenant t on t.id = a.tenant_id";
    let then = "lower(a.name), o.path, o.method, o.id";
    let (sql, query) = match db.backend() {
        // Weights per column: path, operationId, summary, description, tags.
        Backend::Sqlite => (
            format!(
                "select {columns} from api_operation_fts \
                 join api_operation o on o.id = api_operation_fts.rowid {joins} \
                 where api_operation_fts match $3 and {LISTED} {NARROWED} \
                 order by bm25(api_operation_fts, 3.0, 3.0, 6.0, 1.0, 2.0), {then} limit $4"
            ),
            terms.to_fts5(),
        ),
        Backend::Postgres => (
            format!(
                "select {columns} from api_operation o {joins} \
                 cross join to_tsquery('english', $3) as q \
                 where o.search_vector @@ q and {LISTED} {NARROWED} \
                 order by ts_rank(o.search_vector, q) desc, {then} limit $4"
            ),
            terms.to_tsquery(),
        ),
    };
    // One more than shown tells whether there are more.
    let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
    let mut rows: Vec<OperationRow> = sqlx::query_as(&sql)
        .bind(filter.agency.clone())
        .bind(filter.tag.clone())
        .bind(query)
        .bind(fetch)
        .fetch_all(db.pool())
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    Ok((rows.into_iter().map(into_match).collect(), more))
}

fn into_match(row: OperationRow) -> OperationMatch {
    OperationMatch {
        agency: row.agency_slug,
        api: row.api_slug,
        api_name: row.api_name,
        slug: row.slug,
        method: row.method,
        path: row.path,
        summary: row.summary,
        deprecated: row.deprecated == 1,
    }
}
