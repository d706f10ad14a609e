//! SQL of the guides an agency writes for an API.

use sqlx::{AnyConnection, AnyPool};

use crate::catalogue::publish::model::{GuideFields, GuideRow};

/// An API's guides, in their order.
pub async fn list_guides(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<GuideRow>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select slug, title, updated_at from api_guide where api_id = $1 \
         order by position, lower(title), id",
    )
    .bind(api_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, title, updated_at)| GuideRow {
            slug,
            title,
            updated_at,
        })
        .collect())
}

/// One of an API's guides by slug, with its id.
pub async fn find_guide(
    pool: &AnyPool,
    api_id: i64,
    slug: &str,
) -> sqlx::Result<Option<(i64, GuideFields)>> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "select id, slug, title, body_md from api_guide where api_id = $1 and slug = $2",
    )
    .bind(api_id)
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, slug, title, body_md)| {
        (
            id,
            GuideFields {
                slug,
                title,
                body_md,
            },
        )
    }))
}

/// Records a new guide after the API's others; `None` when its slug is taken.
pub async fn insert_guide(
    conn: &mut AnyConnection,
    api_id: i64,
    guide: &GuideFields,
    now: &str,
) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "insert into api_guide (api_id, slug, title, body_md, position, created_at, updated_at) \
         values ($1, $2, $3, $4, \
           (select coalesce(max(position), 0) + 1 from api_guide where api_id = $1), $5, $5) \
         on conflict (api_id, slug) do nothing returning id",
    )
    .bind(api_id)
    .bind(&guide.slug)
    .bind(&guide.title)
    .bind(&guide.body_md)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Rewrites a guide; `false` when its new slug is another guide's.
pub async fn update_guide(
    conn: &mut AnyConnection,
    api_id: i64,
    id: i64,
    guide: &GuideFields,
    now: &str,
) -> sqlx::Result<bool> {
    let clash: Option<(i64,)> =
        sqlx::query_as("select id from api_guide where api_id = $1 and slug = $2 and id <> $3")
            .bind(api_id)
            .bind(&guide.slug)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if clash.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "update api_guide set slug = $1, title = $2, body_md = $3, updated_at = $4 where id = $5",
    )
    .bind(&guide.slug)
    .bind(&guide.title)
    .bind(&guide.body_md)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Deletes a guide.
pub async fn delete_guide(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("delete from api_guide where id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
