//! The server function of the tokens page. It checks its caller first.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{DeveloperTokensPage, TokensPage};

/// An agency's tokens page: the caller's tokens (and, for an owner,
/// everyone's), and a secret to show once after a token was created.
#[server(prefix = "/fn", endpoint = "tokens_page", input = GetUrl)]
pub async fn load_tokens_page(agency: String) -> Result<TokensPage, ServerFnError> {
    use crate::auth::access;
    use crate::auth::model::Role;

    let caller = access::require_member(&agency, Role::Maintainer)?;
    let state = crate::server::state::app_state()?;
    let tenant = super::service::agency(&state.db, &agency).await?;
    let (yours, others) = super::service::list(&state.db, &state.clock, &caller, &tenant).await?;
    let notice = crate::server::flash::take().await?;
    let api_base = format!(
        "{}/api/v1",
        state.auth.public_url.as_str().trim_end_matches('/')
    );
    Ok(TokensPage {
        owner_view: caller.role_in(&agency) == Some(Role::Owner),
        agency: tenant.slug,
        agency_name: tenant.name,
        yours,
        others,
        api_base,
        csrf_token: caller.csrf_token.clone(),
        notice,
    })
}

/// `/account/tokens`: the caller's developer tokens, and a secret to show
/// once after one was created.
#[server(prefix = "/fn", endpoint = "developer_tokens_page", input = GetUrl)]
pub async fn load_developer_tokens_page() -> Result<DeveloperTokensPage, ServerFnError> {
    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let tokens = super::developer::list(&state.db, &state.clock, caller.user_id).await?;
    let notice = crate::server::flash::take().await?;
    let api_base = format!(
        "{}/api/v1",
        state.auth.public_url.as_str().trim_end_matches('/')
    );
    Ok(DeveloperTokensPage {
        tokens,
        api_base,
        csrf_token: caller.csrf_token.clone(),
        notice,
    })
}
