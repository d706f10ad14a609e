//! SQL of the versions of an API's OpenAPI document.

use sqlx::{AnyConnection, AnyPool};

use crate::catalogue::model::VersionSummary;
use crate::openapi::operations::{Index, Operation, UNTAGGED};

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

/// A version's id and label, to pick versions by label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRef {
    pub id: i64,
    pub label: String,
    pub is_default: bool,
}

/// Versions of an API's document, oldest first (by `created_at`, then id):
/// each version's predecessor is the one before it.
pub async fn list_version_refs(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<VersionRef>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "select v.id, v.label, case when a.default_version_id = v.id then 1 else 0 end \
         from api_version v join api a on a.id = v.api_id where v.api_id = $1 \
         order by v.created_at, v.id",
    )
    .bind(api_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, label, is_default)| VersionRef {
            id,
            label,
            is_default: is_default == 1,
        })
        .collect())
}

/// A version of an API's OpenAPI document, already parsed and normalised.
pub struct NewVersion<'a> {
    pub api_id: i64,
    pub label: &'a str,
    pub openapi_version: &'a str,
    pub source_format: &'a str,
    pub source_text: &'a str,
    /// The normalised document as JSON text; `None` when the source text is
    /// that document already (OpenAPI 3.x JSON): it is then not stored twice.
    pub document: Option<&'a str>,
    /// The document's operations, stored with the version for search.
    pub operations: &'a Index,
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
    .bind(version.document.unwrap_or(SAME_AS_SOURCE))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    insert_operations(conn, id, version.operations, now).await?;
    Ok(id)
}

/// Operations stored per statement: one round trip for many rows, well
/// under both backends' limits on bound values (10 a row).
const OPERATIONS_PER_INSERT: usize = 100;

/// Stores a version's operations for search; operations it has already
/// stored are kept.
pub async fn insert_operations(
    conn: &mut AnyConnection,
    version_id: i64,
    index: &Index,
    now: &str,
) -> sqlx::Result<()> {
    for chunk in index.operations.chunks(OPERATIONS_PER_INSERT) {
        let mut sql = String::from(
            "insert into api_operation (version_id, slug, method, path, operation_id, summary, \
             description, tags, deprecated, created_at, updated_at) values ",
        );
        for row in 0..chunk.len() {
            let first = row * 10 + 1;
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 0..11 {
                // created_at and updated_at take the same value.
                let number = first + column.min(9);
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${number}"));
            }
            sql.push(')');
        }
        sql.push_str(" on conflict (version_id, slug) do nothing");
        let mut query = sqlx::query(&sql);
        for op in chunk {
            query = query
                .bind(version_id)
                .bind(&op.slug)
                .bind(&op.method)
                .bind(&op.path)
                .bind(op.operation_id.as_deref())
                .bind(&op.summary)
                .bind(&op.description)
                .bind(searchable_tags(index, op))
                .bind(i64::from(op.deprecated))
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// An operation's tag names, one a line. The group of untagged operations
/// is Portico's, not a tag of the document: "other operations" would match
/// every search for them.
fn searchable_tags(index: &Index, op: &Operation) -> String {
    let tags: Vec<&str> = op
        .tags
        .iter()
        .filter_map(|slug| index.tag(slug))
        .map(|tag| tag.name.as_str())
        .filter(|name| *name != UNTAGGED)
        .collect();
    tags.join("\n")
}

/// Ids of the versions that have no stored operations: those stored before
/// search existed, and those whose document has none.
pub async fn list_versions_without_operations(pool: &AnyPool) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "select v.id from api_version v where not exists \
         (select 1 from api_operation o where o.version_id = v.id) order by v.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// What the `document` column holds when the source text is the normalised
/// document: a large JSON source is stored once, not twice.
pub const SAME_AS_SOURCE: &str = "";

/// The normalised document (OpenAPI 3.x JSON) of a version.
pub async fn version_document(pool: &AnyPool, version_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "select case when document = '' then source_text else document end \
         from api_version where id = $1",
    )
    .bind(version_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(text,)| text))
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
