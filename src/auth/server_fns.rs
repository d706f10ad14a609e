//! Server functions of sign-in and the account page.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AccountPage, SignInPage, Viewer};

/// Who is signed in, for the header; `None` for a visitor.
#[server(prefix = "/fn", endpoint = "viewer", input = GetUrl)]
pub async fn load_viewer() -> Result<Option<Viewer>, ServerFnError> {
    Ok(super::access::current_caller().map(|caller| caller.viewer()))
}

/// The sign-in page: the providers, the development sign-in when it is on,
/// and the sentence for a failed sign-in (`problem` is its code).
#[server(prefix = "/fn", endpoint = "sign_in_page", input = GetUrl)]
pub async fn load_sign_in_page(problem: Option<String>) -> Result<SignInPage, ServerFnError> {
    use super::model::SignInOption;

    let state = crate::server::state::app_state()?;
    let options = state
        .auth
        .providers
        .config()
        .providers
        .iter()
        .map(|provider| SignInOption {
            id: provider.id.clone(),
            name: provider.name.clone(),
            kind: provider.kind,
            description: provider.description.clone(),
        })
        .collect();
    let csrf_token = super::access::current_caller()
        .map(|caller| caller.csrf_token.clone())
        .unwrap_or_default();
    Ok(SignInPage {
        options,
        dev: state.dev,
        csrf_token,
        problem: problem
            .as_deref()
            .and_then(super::oidc::failure_sentence)
            .map(str::to_string),
    })
}

/// The signed-in user's account page.
#[server(prefix = "/fn", endpoint = "account", input = GetUrl)]
pub async fn load_account() -> Result<AccountPage, ServerFnError> {
    use crate::server::error::AppError;

    let caller = super::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let identities = super::repo::identities(state.db.pool(), caller.user_id)
        .await
        .map_err(AppError::from)?;
    Ok(AccountPage {
        viewer: caller.viewer(),
        email: caller.email.clone(),
        identities,
        member_since: caller.created_at.clone(),
    })
}
