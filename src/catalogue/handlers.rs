//! The catalogue's REST endpoints on the portal, the JSON twins of its pages.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use crate::db::Db;
use crate::server::error::AppError;

use super::model::{CatalogueFilter, CataloguePage, ChangelogPage};
use super::service;

/// `GET /api/v1/apis?q=&agency=&tag=`: the public catalogue, searched.
pub async fn list_apis(
    State(db): State<Db>,
    Query(filter): Query<CatalogueFilter>,
) -> Result<Json<CataloguePage>, AppError> {
    Ok(Json(service::catalogue_page(&db, filter).await?))
}

/// `GET /apis/{agency}/{api}/openapi`: the original document, as uploaded.
pub async fn download_document(
    State(db): State<Db>,
    Path((agency, api)): Path<(String, String)>,
) -> Result<impl IntoResponse, AppError> {
    let (media_type, text) = service::default_document(&db, &agency, &api).await?;
    let extension = if media_type.ends_with("yaml") {
        "yaml"
    } else {
        "json"
    };
    Ok((
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{agency}-{api}-openapi.{extension}\""),
            ),
        ],
        text,
    ))
}

/// The versions to compare, by label; blank or absent means the default.
#[derive(Debug, serde::Deserialize)]
pub struct ChangelogQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /api/v1/apis/{agency}/{api}/changelog?from=&to=`: what changed
/// between two versions, the JSON twin of the changelog page.
pub async fn changelog(
    State(db): State<Db>,
    Path((agency, api)): Path<(String, String)>,
    Query(query): Query<ChangelogQuery>,
) -> Result<Json<ChangelogPage>, AppError> {
    let page = service::changelog(
        &db,
        &agency,
        &api,
        query.from.as_deref(),
        query.to.as_deref(),
    )
    .await?;
    Ok(Json(page))
}
