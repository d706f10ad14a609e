//! The settings form's handler.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::service::{self, SettingsForm};
use crate::app::forms::Notice;
use crate::auth::access::Acting;
use crate::server::error::AppError;
use crate::server::flash::{redirect_with, send_back};
use crate::server::state::AppState;
use crate::tenants::service::Refused;

#[derive(Debug, Deserialize)]
pub struct SettingsFields {
    portal_name: String,
    #[serde(default)]
    logo_url: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    support_url: String,
    #[serde(default)]
    terms_md: String,
}

/// `POST /admin/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Form(form): Form<SettingsFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let outcome = service::save(
        &state.db,
        &state.clock,
        &acting.actor,
        &SettingsForm {
            portal_name: &form.portal_name,
            logo_url: &form.logo_url,
            contact_email: &form.contact_email,
            support_url: &form.support_url,
            terms_md: &form.terms_md,
        },
    )
    .await;
    Ok(match outcome {
        Ok(()) => {
            redirect_with(
                &session,
                "/admin/settings",
                Notice::success("Settings saved."),
            )
            .await
        }
        Err(Refused::Fields(errors)) => {
            send_back(
                &session,
                "/admin/settings",
                errors,
                [
                    ("portal_name", form.portal_name),
                    ("logo_url", form.logo_url),
                    ("contact_email", form.contact_email),
                    ("support_url", form.support_url),
                    ("terms_md", form.terms_md),
                ],
            )
            .await
        }
        Err(Refused::Error(err)) => err.into_response(),
    })
}
