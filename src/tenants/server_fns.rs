//! Server functions of the admin area and the agencies' own pages. Each
//! checks its caller first.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AdminOverview, AgencyConsole};

/// The admin area's front page: agencies, admins, how many users.
#[server(prefix = "/fn", endpoint = "admin_overview", input = GetUrl)]
pub async fn load_admin_overview() -> Result<AdminOverview, ServerFnError> {
    use std::collections::HashMap;

    use super::model::{AdminRow, AgencyRow};
    use crate::auth::{access, repo as users};
    use crate::catalogue::repo as catalogue;

    access::require_admin()?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let apis: HashMap<i64, i64> = catalogue::count_apis_by_tenant(pool)
        .await
        .map_err(crate::server::error::AppError::from)?
        .into_iter()
        .collect();
    let members: HashMap<i64, i64> = users::count_members_by_tenant(pool)
        .await
        .map_err(crate::server::error::AppError::from)?
        .into_iter()
        .collect();
    let agencies = super::repo::list(pool)
        .await
        .map_err(crate::server::error::AppError::from)?
        .into_iter()
        .map(|tenant| AgencyRow {
            apis: apis.get(&tenant.id).copied().unwrap_or(0),
            members: members.get(&tenant.id).copied().unwrap_or(0),
            slug: tenant.slug,
            name: tenant.name,
            status: tenant.status,
        })
        .collect();
    let config = state.auth.providers.config();
    let mut admins: Vec<AdminRow> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (user_id, name, granted, provider, subject) in users::list_admin_candidates(pool)
        .await
        .map_err(crate::server::error::AppError::from)?
    {
        let named = config.names_admin(&provider, &subject);
        if (granted == 1 || named) && seen.insert(user_id) {
            admins.push(AdminRow {
                name,
                from_configuration: named,
            });
        }
    }
    let users = users::count_users(pool)
        .await
        .map_err(crate::server::error::AppError::from)?;
    Ok(AdminOverview {
        agencies,
        admins,
        users,
    })
}

/// An agency's own front page: its members and all its APIs. For members
/// of that agency only.
#[server(prefix = "/fn", endpoint = "agency_console", input = GetUrl)]
pub async fn load_agency_console(agency: String) -> Result<AgencyConsole, ServerFnError> {
    use super::model::{ManagedApi, MemberRow};
    use crate::auth::model::Role;
    use crate::auth::{access, repo as users};
    use crate::catalogue::repo as catalogue;
    use crate::server::error::AppError;

    let caller = access::require_member(&agency, Role::Maintainer)?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let tenant = super::repo::find(pool, &agency)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::NotFound(format!("There is no agency {agency:?}.")))?;
    let members = users::list_members(pool, tenant.id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(name, email, role)| MemberRow { name, email, role })
        .collect();
    let apis = catalogue::list_agency_apis(pool, tenant.id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(slug, name, visibility, lifecycle, versions)| ManagedApi {
            slug,
            name,
            visibility,
            lifecycle,
            versions,
        })
        .collect();
    Ok(AgencyConsole {
        your_role: caller.role_in(&agency).unwrap_or(Role::Maintainer),
        slug: tenant.slug,
        name: tenant.name,
        status: tenant.status,
        members,
        apis,
    })
}
