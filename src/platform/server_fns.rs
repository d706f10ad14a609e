//! Server functions of the settings page and the terms of use.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{SettingsPage, TermsPage};

/// The settings form, for admins.
#[server(prefix = "/fn", endpoint = "platform_settings", input = GetUrl)]
pub async fn load_settings_page() -> Result<SettingsPage, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_admin()?;
    let state = crate::server::state::app_state()?;
    Ok(SettingsPage {
        settings: super::repo::load(state.db.pool())
            .await
            .map_err(AppError::from)?,
        notice: crate::server::flash::take().await?,
        csrf_token: caller.csrf_token.clone(),
    })
}

/// The terms of use, for anyone, rendered from Markdown (sanitised).
#[server(prefix = "/fn", endpoint = "terms", input = GetUrl)]
pub async fn load_terms() -> Result<TermsPage, ServerFnError> {
    use crate::server::error::AppError;

    let state = crate::server::state::app_state()?;
    let settings = super::repo::load(state.db.pool())
        .await
        .map_err(AppError::from)?;
    Ok(TermsPage {
        html: crate::openapi::markdown::render(&settings.terms_md, 2),
        version: settings.terms_version,
        updated_at: settings.updated_at,
        portal_name: settings.portal_name,
    })
}
