//! The audit log as CSV, for admins (`/admin/audit.csv`) and an agency's
//! owners (`/manage/{agency}/audit.csv`), with the page's filter.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::model::AuditFilter;
use super::query;
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::server::error::AppError;
use crate::server::state::AppState;

async fn csv(
    state: &AppState,
    filter: &AuditFilter,
    agency: Option<&str>,
) -> Result<Response, AppError> {
    let (checked, problems) = query::check(filter, agency);
    if let Some(problem) = problems.first() {
        return Err(AppError::Invalid(problem.message.clone()));
    }
    let entries = query::all(state.db.pool(), &checked).await?;
    let name = match agency {
        Some(slug) => format!("portico-audit-{slug}.csv"),
        None => "portico-audit.csv".to_string(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        query::to_csv(&entries),
    )
        .into_response())
}

/// `GET /admin/audit.csv`.
pub async fn admin_csv(
    State(state): State<AppState>,
    acting: Acting,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    csv(&state, &filter, None).await
}

/// `GET /manage/{agency}/audit.csv`.
pub async fn agency_csv(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    acting: Acting,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    csv(&state, &filter, Some(&agency)).await
}
