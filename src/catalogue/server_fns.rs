//! Server functions of the catalogue: thin calls into the service.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{ApiDetail, CatalogueFilter, CataloguePage, ChangelogPage};

/// The public catalogue, searched and narrowed by agency and tag. Anyone
/// may read it. An empty filter leaves nothing in the query string, so the
/// argument defaults rather than being required.
#[server(prefix = "/fn", endpoint = "catalogue", input = GetUrl)]
pub async fn load_catalogue(
    #[server(default)] filter: CatalogueFilter,
) -> Result<CataloguePage, ServerFnError> {
    let state = crate::server::state::app_state()?;
    Ok(super::service::catalogue_page(&state.db, filter).await?)
}

/// One API's page; `None` when the visitor may not see it (the catalogue
/// does not list it, and they are not a member of its agency).
#[server(prefix = "/fn", endpoint = "api_detail", input = GetUrl)]
pub async fn load_api_detail(
    agency: String,
    api: String,
) -> Result<Option<ApiDetail>, ServerFnError> {
    let state = crate::server::state::app_state()?;
    let member = crate::auth::access::current_caller()
        .is_some_and(|caller| caller.role_in(&agency).is_some());
    Ok(super::service::api_detail(
        &state.db,
        &state.reference,
        &state.gateway_url,
        (&agency, &api),
        member,
    )
    .await?)
}

/// What changed in a listed API between two versions (by label; the default
/// version against the one before it when absent). `Ok(Err(sentence))` when
/// the API or a version does not exist: the page answers 404 with it.
#[server(prefix = "/fn", endpoint = "changelog", input = GetUrl)]
pub async fn load_changelog(
    agency: String,
    api: String,
    from: Option<String>,
    to: Option<String>,
) -> Result<Result<ChangelogPage, String>, ServerFnError> {
    let state = crate::server::state::app_state()?;
    let found =
        super::service::changelog(&state.db, &agency, &api, from.as_deref(), to.as_deref()).await;
    match found {
        Ok(page) => Ok(Ok(page)),
        Err(crate::server::error::AppError::NotFound(sentence)) => Ok(Err(sentence)),
        Err(err) => Err(err.into()),
    }
}
