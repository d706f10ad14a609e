//! Server functions of the publishing pages. The management pages are for
//! the agency's maintainers and owners, each checked first; a guide is read
//! by whoever may see its API.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{ApiManagement, GuidePage, NewApiPage};

/// The "publish an API" page of an agency.
#[server(prefix = "/fn", endpoint = "manage_new_api", input = GetUrl)]
pub async fn load_new_api(agency: String) -> Result<NewApiPage, ServerFnError> {
    use crate::auth::{access, model::Role};

    let caller = access::require_member(&agency, Role::Maintainer)?;
    let state = crate::server::state::app_state()?;
    let tenant = super::service::find_agency(&state, &agency).await?;
    Ok(NewApiPage {
        agency_slug: tenant.slug,
        agency_name: tenant.name,
        csrf_token: caller.csrf_token.clone(),
        notice: crate::server::flash::take().await?,
    })
}

/// An API's management page; `None` when the agency has no such API.
#[server(prefix = "/fn", endpoint = "manage_api", input = GetUrl)]
pub async fn load_api_management(
    agency: String,
    #[server(default)] api: String,
) -> Result<Option<ApiManagement>, ServerFnError> {
    use crate::auth::{access, model::Role};
    use crate::catalogue::repo;
    use crate::server::error::AppError;

    let caller = access::require_member(&agency, Role::Maintainer)?;
    let state = crate::server::state::app_state()?;
    let tenant = super::service::find_agency(&state, &agency).await?;
    let pool = state.db.pool();
    let Some((api_id, settings)) = repo::find_settings(pool, tenant.id, &api)
        .await
        .map_err(AppError::from)?
    else {
        return Ok(None);
    };
    Ok(Some(ApiManagement {
        versions: repo::list_versions(pool, api_id)
            .await
            .map_err(AppError::from)?,
        guides: repo::list_guides(pool, api_id)
            .await
            .map_err(AppError::from)?,
        warnings: super::upload::take_warnings().await?,
        notice: crate::server::flash::take().await?,
        agency_slug: tenant.slug,
        agency_name: tenant.name,
        api_slug: api,
        settings,
        csrf_token: caller.csrf_token.clone(),
    }))
}

/// The editor of a new guide (`guide` empty) or of an existing one; `None`
/// when the API or the guide does not exist.
#[server(prefix = "/fn", endpoint = "manage_guide", input = GetUrl)]
pub async fn load_guide_editor(
    agency: String,
    #[server(default)] api: String,
    #[server(default)] guide: String,
) -> Result<Option<super::model::GuideEditor>, ServerFnError> {
    use super::model::GuideEditor;
    use crate::auth::{access, model::Role};
    use crate::catalogue::repo;
    use crate::server::error::AppError;

    let caller = access::require_member(&agency, Role::Maintainer)?;
    let state = crate::server::state::app_state()?;
    let tenant = super::service::find_agency(&state, &agency).await?;
    let pool = state.db.pool();
    let Some((api_id, settings)) = repo::find_settings(pool, tenant.id, &api)
        .await
        .map_err(AppError::from)?
    else {
        return Ok(None);
    };
    let guide = if guide.is_empty() {
        None
    } else {
        match repo::find_guide(pool, api_id, &guide)
            .await
            .map_err(AppError::from)?
        {
            Some((_, fields)) => Some(fields),
            None => return Ok(None),
        }
    };
    Ok(Some(GuideEditor {
        agency_slug: tenant.slug,
        api_slug: api,
        api_name: settings.name,
        guide,
        csrf_token: caller.csrf_token.clone(),
        notice: crate::server::flash::take().await?,
    }))
}

/// A guide of an API, for whoever may see the API (the catalogue's
/// visitors when it is listed, the agency's members always); `None`
/// otherwise.
#[server(prefix = "/fn", endpoint = "guide", input = GetUrl)]
pub async fn load_guide(
    agency: String,
    api: String,
    guide: String,
) -> Result<Option<GuidePage>, ServerFnError> {
    use crate::catalogue::repo;
    use crate::server::error::AppError;

    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let member = crate::auth::access::current_caller()
        .is_some_and(|caller| caller.role_in(&agency).is_some());
    let Some((found, _listed)) = repo::find_visible(pool, &agency, &api, member)
        .await
        .map_err(AppError::from)?
    else {
        return Ok(None);
    };
    let Some((_, fields)) = repo::find_guide(pool, found.id, &guide)
        .await
        .map_err(AppError::from)?
    else {
        return Ok(None);
    };
    Ok(Some(GuidePage {
        guides: repo::list_guides(pool, found.id)
            .await
            .map_err(AppError::from)?,
        body_html: crate::openapi::markdown::render(&fields.body_md, 1),
        title: fields.title,
        api: found.summary,
    }))
}
