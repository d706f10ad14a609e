//! The catalogue's REST endpoints on the portal, the JSON twins of its pages.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use crate::db::Db;
use crate::server::error::AppError;

use super::model::{CatalogueFilter, CataloguePage};
use super::service;

/// `GET /api/v1/apis?agency=&tag=`: the public catalogue.
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
