//! The usage pages' data: an application's, for its developer, and an
//! API's, for its agency's owners.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{ApiUsage, AppUsage};

/// The usage of one of the caller's applications over `span` (`hour`,
/// `day` or `month`), of all its keys or of one.
#[server(prefix = "/fn", endpoint = "app_usage", input = GetUrl)]
pub async fn load_app_usage(
    app: Option<String>,
    span: Option<String>,
    key: Option<i64>,
) -> Result<AppUsage, ServerFnError> {
    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let span = super::model::Span::from_query(span.as_deref());
    let app = app.unwrap_or_default();
    Ok(super::pages::app_usage(&state, caller.user_id, &app, span, key).await?)
}

/// The usage of an agency's API over `span`, or of one consumer's calls.
#[server(prefix = "/fn", endpoint = "api_usage", input = GetUrl)]
pub async fn load_api_usage(
    agency: String,
    api: Option<String>,
    span: Option<String>,
    app: Option<i64>,
) -> Result<ApiUsage, ServerFnError> {
    use crate::auth::model::Role;

    crate::auth::access::require_member(&agency, Role::Owner)?;
    let state = crate::server::state::app_state()?;
    let span = super::model::Span::from_query(span.as_deref());
    let api = api.unwrap_or_default();
    Ok(super::pages::api_usage(&state, &agency, &api, span, app).await?)
}
