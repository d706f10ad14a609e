//! Rules of the catalogue: what a visitor sees, assembled from the repo.

use crate::db::Db;
use crate::server::error::AppError;

use super::model::{ApiDetail, CatalogueFilter, CataloguePage};
use super::repo;

/// The catalogue page for a filter: matching APIs and the choices to narrow.
pub async fn catalogue_page(db: &Db, filter: CatalogueFilter) -> Result<CataloguePage, AppError> {
    let filter = filter.normalised();
    let pool = db.pool();
    Ok(CataloguePage {
        apis: repo::list_listed(pool, &filter).await?,
        agencies: repo::list_agencies_with_listed_apis(pool).await?,
        tags: repo::list_listed_tags(pool).await?,
    })
}

/// The page of one listed API, or `None` if the catalogue does not list it.
pub async fn api_detail(
    db: &Db,
    gateway_url: &str,
    agency: &str,
    api: &str,
) -> Result<Option<ApiDetail>, AppError> {
    let pool = db.pool();
    let Some(listed) = repo::find_listed(pool, agency, api).await? else {
        return Ok(None);
    };
    Ok(Some(ApiDetail {
        gateway_url: format!(
            "{}/{}/{}",
            gateway_url.trim_end_matches('/'),
            listed.summary.agency.slug,
            listed.summary.slug
        ),
        overview_html: crate::openapi::markdown::render(
            &repo::overview_markdown(pool, listed.id).await?,
            2,
        ),
        versions: repo::list_versions(pool, listed.id).await?,
        plans: repo::list_active_plans(pool, listed.id).await?,
        api: listed.summary,
    }))
}

/// The original OpenAPI document of a listed API's default version, with its
/// media type, or `NotFound` with a sentence saying what is missing.
pub async fn default_document(
    db: &Db,
    agency: &str,
    api: &str,
) -> Result<(&'static str, String), AppError> {
    let pool = db.pool();
    let listed = repo::find_listed(pool, agency, api).await?.ok_or_else(|| {
        AppError::NotFound(format!("No API '{api}' of agency '{agency}' is listed."))
    })?;
    let (format, text) = repo::default_document_source(pool, listed.id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "API '{api}' has no published OpenAPI document yet."
            ))
        })?;
    let media_type = if format == "yaml" {
        "application/yaml"
    } else {
        "application/json"
    };
    Ok((media_type, text))
}
