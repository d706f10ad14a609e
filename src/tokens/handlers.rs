//! The form handlers of the tokens pages, an agency's and the account's
//! (developer tokens): create a token (its secret shown once on the page
//! that follows) and revoke one.

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
    let (name, days) = match checked(&form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(send_back(&session, &to, errors, form).await),
    };
    let secret = service::create(
        &state.db,
        &state.clock,
        &acting.actor,
        acting.caller.user_id,
        Some(&tenant),
        &name,
        days,
    )
    .await?;
    Ok(flash::redirect_with(&session, &to, created(&secret, &name, days)).await)
}

/// The create form checked: the name and lifetime, or the fields to fix.
fn checked(form: &CreateForm) -> Result<(String, i64), Vec<FieldError>> {
    service::check_request(&TokenRequest {
        name: &form.name,
        days: &form.days,
    })
    .map_err(|problems| {
        problems
            .into_iter()
            .map(|p| FieldError::new(p.field, p.message))
            .collect()
    })
}

async fn send_back(
    session: &Session,
    to: &str,
    errors: Vec<FieldError>,
    form: CreateForm,
) -> Response {
    flash::send_back(
        session,
        to,
        errors,
        [("name", form.name), ("days", form.days)],
    )
    .await
}

/// The notice after a token was created: its secret, shown once.
fn created(secret: &crate::secret::Secret, name: &str, days: i64) -> Notice {
    Notice {
        secret: Some(secret.expose().to_owned()),
        ..Notice::success(format!(
            "Token \u{201c}{name}\u{201d} created. It expires in {days} days."
        ))
    }
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

/// The account's developer tokens page.
const ACCOUNT_TOKENS: &str = "/account/tokens";

/// `POST /account/tokens`: a new developer token for the caller.
pub async fn create_developer(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let (name, days) = match checked(&form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(send_back(&session, ACCOUNT_TOKENS, errors, form).await),
    };
    let user = acting.caller.user_id;
    let secret = service::create(
        &state.db,
        &state.clock,
        &acting.actor,
        user,
        None,
        &name,
        days,
    )
    .await?;
    let notice = created(&secret, &name, days);
    Ok(flash::redirect_with(&session, ACCOUNT_TOKENS, notice).await)
}

/// `POST /account/tokens/{id}/revoke`: one of the caller's developer tokens.
pub async fn revoke_developer(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| AppError::NotFound("You have no such developer token.".into()))?;
    let user = acting.caller.user_id;
    let name = super::developer::revoke(&state.db, &state.clock, &acting.actor, user, id).await?;
    let notice = Notice::success(format!(
        "Token \u{201c}{name}\u{201d} revoked: it no longer works."
    ));
    Ok(flash::redirect_with(&session, ACCOUNT_TOKENS, notice).await)
}
