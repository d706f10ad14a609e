//! Facts about this Portico that every page may show.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Development mode: demo data, development sign-in. Pages say so.
    pub dev: bool,
    /// The gateway's public base URL.
    pub gateway_url: String,
    /// What the platform's admins set: name, logo, where to get help.
    pub portal_name: String,
    pub logo_url: String,
    pub contact_email: String,
    pub support_url: String,
    /// Whether there are terms of use to read at /terms.
    pub has_terms: bool,
}

#[server(prefix = "/fn", endpoint = "site_info", input = GetUrl)]
pub async fn load_site_info() -> Result<SiteInfo, ServerFnError> {
    let state = crate::server::state::app_state()?;
    let settings = crate::platform::repo::load(state.db.pool())
        .await
        .map_err(crate::server::error::AppError::from)?;
    Ok(SiteInfo {
        dev: state.dev,
        gateway_url: state.gateway_url.clone(),
        has_terms: !settings.terms_md.is_empty(),
        portal_name: settings.portal_name,
        logo_url: settings.logo_url,
        contact_email: settings.contact_email,
        support_url: settings.support_url,
    })
}
