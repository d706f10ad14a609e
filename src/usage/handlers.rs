//! Usage as CSV: `/apps/{app}/usage.csv` for the application's developer
//! and `/manage/{agency}/apis/{api}/usage.csv` for the agency's owners,
//! with the page's span and filter.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{Series, Span};
use super::{pages, service};
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// The query of a usage page: `?span=day&key=3` or `?span=day&app=7`.
#[derive(Debug, Default, Deserialize)]
pub struct UsageQuery {
    pub span: Option<String>,
    pub key: Option<i64>,
    pub app: Option<i64>,
}

fn csv(series: &Series, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        service::to_csv(series),
    )
        .into_response()
}

/// `GET /apps/{app}/usage.csv`.
pub async fn app_csv(
    State(state): State<AppState>,
    acting: Acting,
    Path(app): Path<String>,
    Query(query): Query<UsageQuery>,
) -> Result<Response, AppError> {
    let span = Span::from_query(query.span.as_deref());
    let usage = pages::app_usage(&state, acting.caller.user_id, &app, span, query.key).await?;
    let key = query.key.map(|k| format!("-key-{k}")).unwrap_or_default();
    let name = format!(
        "portico-usage-app-{}{key}-{}.csv",
        usage.app_id,
        span.slug()
    );
    Ok(csv(&usage.series, &name))
}

/// `GET /manage/{agency}/apis/{api}/usage.csv`.
pub async fn api_csv(
    State(state): State<AppState>,
    acting: Acting,
    Path((agency, api)): Path<(String, String)>,
    Query(query): Query<UsageQuery>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let span = Span::from_query(query.span.as_deref());
    let usage = pages::api_usage(&state, &agency, &api, span, query.app).await?;
    let app = query.app.map(|a| format!("-app-{a}")).unwrap_or_default();
    let name = format!("portico-usage-{agency}-{api}{app}-{}.csv", span.slug());
    Ok(csv(&usage.series, &name))
}
