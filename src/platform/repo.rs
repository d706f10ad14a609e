//! SQL of the platform settings. Only this file touches `platform_setting`.

use sqlx::{AnyConnection, AnyPool};

use super::model::PlatformSettings;

type Row = (String, String, String, String, String, i64, String);

fn from_row(row: Row) -> PlatformSettings {
    let (portal_name, logo_url, contact_email, support_url, terms_md, terms_version, updated_at) =
        row;
    PlatformSettings {
        portal_name,
        logo_url,
        contact_email,
        support_url,
        terms_md,
        terms_version,
        updated_at,
    }
}

const SELECT: &str = "select portal_name, logo_url, contact_email, support_url, terms_md, \
     terms_version, updated_at from platform_setting where id = 1";

/// The settings, or the defaults when no admin has saved any.
pub async fn load(pool: &AnyPool) -> sqlx::Result<PlatformSettings> {
    let row: Option<Row> = sqlx::query_as(SELECT).fetch_optional(pool).await?;
    Ok(row.map(from_row).unwrap_or_default())
}

/// The settings inside a transaction (to compare before and after).
pub async fn load_in(conn: &mut AnyConnection) -> sqlx::Result<PlatformSettings> {
    let row: Option<Row> = sqlx::query_as(SELECT).fetch_optional(&mut *conn).await?;
    Ok(row.map(from_row).unwrap_or_default())
}

/// Saves the settings whole.
pub async fn save(conn: &mut AnyConnection, settings: &PlatformSettings) -> sqlx::Result<()> {
    sqlx::query(
        "insert into platform_setting (id, portal_name, logo_url, contact_email, support_url, \
         terms_md, terms_version, updated_at) values (1, $1, $2, $3, $4, $5, $6, $7) \
         on conflict (id) do update set portal_name = excluded.portal_name, \
         logo_url = excluded.logo_url, contact_email = excluded.contact_email, \
         support_url = excluded.support_url, terms_md = excluded.terms_md, \
         terms_version = excluded.terms_version, updated_at = excluded.updated_at",
    )
    .bind(&settings.portal_name)
    .bind(&settings.logo_url)
    .bind(&settings.contact_email)
    .bind(&settings.support_url)
    .bind(&settings.terms_md)
    .bind(settings.terms_version)
    .bind(&settings.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
