//! The form handlers of an application's keys: create (the secret shown
//! once on the page that follows), rotate, revoke. Each first finds the
//! caller's own application: another user's answers 404.

use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::service;
use crate::app::forms::{FieldError, Notice};
use crate::apps::repo::StoredApp;
use crate::auth::access::Acting;
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

/// The create form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub key_name: String,
    /// `YYYY-MM-DD` from a date input, or empty for no expiry.
    #[serde(default)]
    pub expires_on: String,
}

/// The rotate form.
#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    pub grace: String,
}

async fn owned_app(state: &AppState, acting: &Acting, app: &str) -> Result<StoredApp, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    crate::apps::service::owned(&mut conn, acting.caller.user_id, app).await
}

fn key_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .map_err(|_| AppError::NotFound("This application has no such key.".into()))
}

fn with_secret(secret: &crate::secret::Secret, sentence: String) -> Notice {
    Notice {
        secret: Some(secret.expose().to_owned()),
        ..Notice::success(sentence)
    }
}

/// `POST /apps/{app}/keys`: a new key for the application.
pub async fn create(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(app): Path<String>,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let app = owned_app(&state, &acting, &app).await?;
    let to = format!("/apps/{}", app.id);
    let values = [
        ("key_name", form.key_name.clone()),
        ("expires_on", form.expires_on.clone()),
    ];
    let (name, expires_at) =
        match service::check_request(&form.key_name, &form.expires_on, state.clock.now()) {
            Ok(checked) => checked,
            Err(errors) => return Ok(flash::send_back(&session, &to, errors, values).await),
        };
    let created = service::create(&state, &acting.actor, &app, &name, expires_at.as_deref()).await;
    let secret = match created {
        Ok(issued) => issued.secret,
        Err(AppError::Conflict(message)) => {
            let errors = vec![FieldError::new("key_name", message)];
            return Ok(flash::send_back(&session, &to, errors, values).await);
        }
        Err(err) => return Err(err),
    };
    let until = match &expires_at {
        Some(at) => format!("It works until the end of {} (UTC).", &at[..10]),
        None => "It does not expire: revoke it when you no longer need it.".into(),
    };
    let notice = with_secret(
        &secret,
        format!("Key \u{201c}{name}\u{201d} created. {until}"),
    );
    Ok(flash::redirect_with(&session, &to, notice).await)
}

/// `POST /apps/{app}/keys/{key}/rotate`: a new key in place of this one,
/// which works for the grace period chosen.
pub async fn rotate(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((app, key)): Path<(String, String)>,
    Form(form): Form<RotateForm>,
) -> Result<Response, AppError> {
    let app = owned_app(&state, &acting, &app).await?;
    let key = key_id(&key)?;
    let to = format!("/apps/{}", app.id);
    let Some(grace) = service::grace_seconds(&form.grace) else {
        let errors = vec![FieldError::new(
            &format!("grace-{key}"),
            "Choose how long the old key keeps working: none, 1 hour, 24 hours or 7 days.",
        )];
        return Ok(flash::send_back(&session, &to, errors, []).await);
    };
    let rotated = service::rotate(&state, &acting.actor, &app, key, grace).await;
    let (secret, name) = match rotated {
        Ok(issued) => (issued.secret, issued.name),
        // A page older than the key's last change: say so on the page.
        Err(AppError::Conflict(message)) => {
            let errors = vec![FieldError::new("keys", message)];
            return Ok(flash::send_back(&session, &to, errors, []).await);
        }
        Err(err) => return Err(err),
    };
    let old = if grace == 0 {
        "The old key no longer works.".to_string()
    } else {
        "The old key keeps working until its grace period ends: update your application before then.".to_string()
    };
    let notice = with_secret(
        &secret,
        format!("Key \u{201c}{name}\u{201d} rotated. {old}"),
    );
    Ok(flash::redirect_with(&session, &to, notice).await)
}

/// `POST /apps/{app}/keys/{key}/revoke`: the key stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((app, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let app = owned_app(&state, &acting, &app).await?;
    let key = key_id(&key)?;
    let name = service::revoke(&state, &acting.actor, &app, key).await?;
    let notice = Notice::success(format!(
        "Key \u{201c}{name}\u{201d} revoked: it no longer works."
    ));
    Ok(flash::redirect_with(&session, &format!("/apps/{}", app.id), notice).await)
}
