//! Server functions of the catalogue: thin calls into the service.

use leptos::prelude::*;

use super::model::{ApiDetail, CatalogueFilter, CataloguePage};

/// The public catalogue, narrowed by agency and tag. Anyone may read it.
#[server(prefix = "/fn", endpoint = "catalogue")]
pub async fn load_catalogue(filter: CatalogueFilter) -> Result<CataloguePage, ServerFnError> {
    let state = crate::server::state::app_state()?;
    Ok(super::service::catalogue_page(&state.db, filter).await?)
}

/// One API's page; `None` when the public catalogue does not list it.
#[server(prefix = "/fn", endpoint = "api_detail")]
pub async fn load_api_detail(
    agency: String,
    api: String,
) -> Result<Option<ApiDetail>, ServerFnError> {
    let state = crate::server::state::app_state()?;
    Ok(super::service::api_detail(&state.db, &state.gateway_url, &agency, &api).await?)
}
