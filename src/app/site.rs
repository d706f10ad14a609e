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
}

#[server(prefix = "/fn", endpoint = "site_info", input = GetUrl)]
pub async fn load_site_info() -> Result<SiteInfo, ServerFnError> {
    let state = crate::server::state::app_state()?;
    Ok(SiteInfo {
        dev: state.dev,
        gateway_url: state.gateway_url.clone(),
    })
}
