//! The form handlers of the applications pages: create, rename and
//! describe, delete. Each reads the caller's own application only.

use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::service;
use crate::app::forms::Notice;
use crate::auth::access::Acting;
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

/// The create and update forms.
#[derive(Debug, Deserialize)]
pub struct AppForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `POST /apps`: a new application for the caller.
pub async fn create(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Form(form): Form<AppForm>,
) -> Result<Response, AppError> {
    let (name, description) = match service::check_form(&form.name, &form.description) {
        Ok(checked) => checked,
        Err(errors) => {
            let values = [("name", form.name), ("description", form.description)];
            return Ok(flash::send_back(&session, "/apps", errors, values).await);
        }
    };
    let id = service::create(
        &state.db,
        &state.clock,
        &acting.actor,
        acting.caller.user_id,
        &name,
        &description,
    )
    .await?;
    let notice = Notice::success(format!(
        "Application \u{201c}{name}\u{201d} created. Create a key for it below."
    ));
    Ok(flash::redirect_with(&session, &format!("/apps/{id}"), notice).await)
}

/// `POST /apps/{app}`: renames and describes the application.
pub async fn update(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(app): Path<String>,
    Form(form): Form<AppForm>,
) -> Result<Response, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let found = service::owned(&mut conn, acting.caller.user_id, &app).await?;
    drop(conn);
    let to = format!("/apps/{}", found.id);
    let (name, description) = match service::check_form(&form.name, &form.description) {
        Ok(checked) => checked,
        Err(errors) => {
            let values = [("name", form.name), ("description", form.description)];
            return Ok(flash::send_back(&session, &to, errors, values).await);
        }
    };
    service::update(
        &state.db,
        &state.clock,
        &acting.actor,
        &found,
        &name,
        &description,
    )
    .await?;
    let notice = Notice::success("Application details saved.");
    Ok(flash::redirect_with(&session, &to, notice).await)
}

/// `POST /apps/{app}/delete`: deletes the application, revoking its keys
/// and ending its access requests.
pub async fn delete(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(app): Path<String>,
) -> Result<Response, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let found = service::owned(&mut conn, acting.caller.user_id, &app).await?;
    drop(conn);
    let user = acting.caller.user_id;
    let (keys, subscriptions) = service::delete(&state, &acting.actor, user, &found).await?;
    let notice = Notice::success(format!(
        "Application \u{201c}{}\u{201d} deleted: {} revoked, {} ended.",
        found.name,
        plural(keys, "key"),
        plural(subscriptions as i64, "access request"),
    ));
    Ok(flash::redirect_with(&session, "/apps", notice).await)
}

/// "1 key", "2 keys".
pub fn plural(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
