//! The form handlers of the tokens page: create a token (its secret shown
//! once on the page that follows) and revoke one.

use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::service::{self, TokenRequest};
use crate::app::forms::{FieldError, Notice};
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

/// The create form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub days: String,
}

fn page(agency: &str) -> String {
    format!("/manage/{agency}/tokens")
}

/// `POST /manage/{agency}/tokens`: a new token for the caller.
pub async fn create(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(agency): Path<String>,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::agency(&state.db, &agency).await?;
    let to = page(&agency);
    let (name, days) = match service::check_request(&TokenRequest {
        name: &form.name,
        days: &form.days,
    }) {
        Ok(checked) => checked,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|p| FieldError::new(p.field, p.message))
                .collect();
            return Ok(flash::send_back(
                &session,
                &to,
                errors,
                [("name", form.name), ("days", form.days)],
            )
            .await);
        }
    };
    let secret = service::create(
        &state.db,
        &state.clock,
        &acting.actor,
        &acting.caller,
        &tenant,
        &name,
        days,
    )
    .await?;
    let notice = Notice {
        secret: Some(secret.expose().to_owned()),
        ..Notice::success(format!(
            "Token \u{201c}{name}\u{201d} created. It expires in {days} days."
        ))
    };
    Ok(flash::redirect_with(&session, &to, notice).await)
}

/// `POST /manage/{agency}/tokens/{id}/revoke`: the caller's own token, or
/// anyone's for an owner.
pub async fn revoke(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::agency(&state.db, &agency).await?;
    let id = id
        .parse::<i64>()
        .map_err(|_| AppError::NotFound("There is no such token in this agency.".into()))?;
    let name = service::revoke(
        &state.db,
        &state.clock,
        &acting.actor,
        &acting.caller,
        &tenant,
        id,
    )
    .await?;
    let notice = Notice::success(format!(
        "Token \u{201c}{name}\u{201d} revoked: it no longer works."
    ));
    Ok(flash::redirect_with(&session, &page(&agency), notice).await)
}
