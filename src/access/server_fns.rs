//! The server functions of the access pages. Each checks its caller first.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AccessRequestPage, ConsumersPage, PlansPage, QueuePage, SubscriptionView};

/// An API's plans, for its agency's owners; with `plan`, that plan's form.
#[server(prefix = "/fn", endpoint = "manage_plans", input = GetUrl)]
pub async fn load_manage_plans(
    agency: String,
    api: Option<String>,
    plan: Option<String>,
) -> Result<PlansPage, ServerFnError> {
    use crate::auth::model::Role;
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_member(&agency, Role::Owner)?;
    let state = crate::server::state::app_state()?;
    let api = super::service::managed_api(&state, &agency, api.as_deref().unwrap_or("")).await?;
    let plans: Vec<_> = super::plan_repo::list(state.db.pool(), api.id)
        .await
        .map_err(AppError::from)?
        .iter()
        .map(|p| p.row())
        .collect();
    let editing =
        match plan {
            Some(slug) => Some(plans.iter().find(|p| p.slug == slug).cloned().ok_or_else(
                || AppError::NotFound(format!("{} has no plan {slug:?}.", api.name)),
            )?),
            None => None,
        };
    Ok(PlansPage {
        agency: api.agency_slug,
        agency_name: api.agency_name,
        api: api.slug,
        api_name: api.name,
        plans,
        editing,
        csrf_token: caller.csrf_token.clone(),
        notice: crate::server::flash::take().await?,
    })
}

/// The access request form of a plan, for a signed-in developer. A private
/// API outside the caller's agencies is not found.
#[server(prefix = "/fn", endpoint = "access_request", input = GetUrl)]
pub async fn load_access_request(
    agency: Option<String>,
    api: Option<String>,
    plan: Option<String>,
) -> Result<AccessRequestPage, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let agency = agency.unwrap_or_default();
    let api = super::service::visible_api(
        &state,
        caller.role_in(&agency).is_some(),
        &agency,
        api.as_deref().unwrap_or(""),
    )
    .await?;
    let plan = plan.unwrap_or_default();
    let pool = state.db.pool();
    let mut conn = pool.acquire().await.map_err(AppError::from)?;
    let plan = super::plan_repo::find(&mut conn, api.id, &plan)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::NotFound(format!("{} has no plan {plan:?}.", api.name)))?;
    drop(conn);
    let apps = super::repo::list_apps(pool, caller.user_id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(id, name)| super::model::AppChoice { id, name })
        .collect();
    let settings = crate::platform::repo::load(pool)
        .await
        .map_err(AppError::from)?;
    let terms_version = if settings.terms_md.trim().is_empty() {
        0
    } else {
        settings.terms_version
    };
    Ok(AccessRequestPage {
        agency: api.agency_slug,
        agency_name: api.agency_name,
        api: api.slug,
        api_name: api.name,
        plan: plan.row(),
        apps,
        terms_version,
        csrf_token: caller.csrf_token.clone(),
        notice: crate::server::flash::take().await?,
    })
}

/// The agency's requests waiting for a decision, and its approved ones.
#[server(prefix = "/fn", endpoint = "request_queue", input = GetUrl)]
pub async fn load_request_queue(agency: String) -> Result<QueuePage, ServerFnError> {
    use super::model::SubscriptionStatus;
    use crate::auth::model::Role;
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_member(&agency, Role::Owner)?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let tenant = crate::tenants::repo::find(pool, &agency)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::NotFound(format!("There is no agency {agency:?}.")))?;
    let list = |status| super::repo::list_for_tenant(pool, tenant.id, status);
    let pending = list(SubscriptionStatus::Pending)
        .await
        .map_err(AppError::from)?;
    let approved = list(SubscriptionStatus::Approved)
        .await
        .map_err(AppError::from)?;
    // Each approved application's working keys, which an owner may revoke.
    let now = state.clock.now();
    let mut conn = pool.acquire().await.map_err(AppError::from)?;
    let mut with_keys = Vec::with_capacity(approved.len());
    for request in approved {
        let keys = crate::keys::service::list(&mut conn, request.app_id, now).await?;
        let mut row = request.for_agency();
        row.keys = keys.into_iter().filter(|k| k.status.works()).collect();
        with_keys.push(row);
    }
    drop(conn);
    Ok(QueuePage {
        agency: tenant.slug,
        agency_name: tenant.name,
        pending: pending.into_iter().map(|r| r.for_agency()).collect(),
        approved: with_keys,
        csrf_token: caller.csrf_token.clone(),
        notice: crate::server::flash::take().await?,
    })
}

/// Who uses an API: every request on it, newest first.
#[server(prefix = "/fn", endpoint = "consumers", input = GetUrl)]
pub async fn load_consumers(
    agency: String,
    api: Option<String>,
) -> Result<ConsumersPage, ServerFnError> {
    use crate::auth::model::Role;
    use crate::server::error::AppError;

    crate::auth::access::require_member(&agency, Role::Owner)?;
    let state = crate::server::state::app_state()?;
    let api = super::service::managed_api(&state, &agency, api.as_deref().unwrap_or("")).await?;
    let consumers = super::repo::list_for_api(state.db.pool(), api.id)
        .await
        .map_err(AppError::from)?;
    Ok(ConsumersPage {
        agency: api.agency_slug,
        agency_name: api.agency_name,
        api: api.slug,
        api_name: api.name,
        consumers: consumers.into_iter().map(|r| r.for_agency()).collect(),
    })
}

/// The access requests of one of the caller's applications; another
/// user's application is not found.
#[server(prefix = "/fn", endpoint = "app_subscriptions", input = GetUrl)]
pub async fn load_app_subscriptions(
    app_id: Option<i64>,
) -> Result<Vec<SubscriptionView>, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let mut conn = pool.acquire().await.map_err(AppError::from)?;
    let not_found = || AppError::NotFound("You have no such application.".into());
    let (id, _) = super::repo::find_app(&mut conn, caller.user_id, app_id.ok_or_else(not_found)?)
        .await
        .map_err(AppError::from)?
        .ok_or_else(not_found)?;
    drop(conn);
    let rows = super::repo::list_for_app(pool, id)
        .await
        .map_err(AppError::from)?;
    Ok(rows.into_iter().map(|r| r.for_developer()).collect())
}

/// Every access request of the caller's applications, newest first.
#[server(prefix = "/fn", endpoint = "my_access_requests", input = GetUrl)]
pub async fn load_my_access_requests() -> Result<Vec<SubscriptionView>, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let state = crate::server::state::app_state()?;
    let rows = super::repo::list_for_owner(state.db.pool(), caller.user_id)
        .await
        .map_err(AppError::from)?;
    Ok(rows.into_iter().map(|r| r.for_developer()).collect())
}
