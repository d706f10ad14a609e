//! SQL the reference pages read: which version to show, and its document.

use sqlx::AnyPool;

/// A stored version: id and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownVersion {
    pub id: i64,
    pub label: String,
    pub is_default: bool,
}

/// The version with this label, or the API's default version.
pub async fn find_version(
    pool: &AnyPool,
    api_id: i64,
    label: Option<&str>,
) -> sqlx::Result<Option<ShownVersion>> {
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "select v.id, v.label, case when a.default_version_id = v.id then 1 else 0 end \
         from api_version v join api a on a.id = v.api_id \
         where v.api_id = $1 and ((cast($2 as text) is null and a.default_version_id = v.id) \
         or v.label = $2)",
    )
    .bind(api_id)
    .bind(label)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, label, is_default)| ShownVersion {
        id,
        label,
        is_default: is_default == 1,
    }))
}

/// The normalised document (OpenAPI 3.x JSON) of a version.
pub async fn document_text(pool: &AnyPool, version_id: i64) -> sqlx::Result<Option<String>> {
    super::versions::version_document(pool, version_id).await
}
