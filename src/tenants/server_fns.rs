//! Server functions of the admin area and the agencies' own pages. Each
//! checks its caller first.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AdminAgencyPage, AdminOverview, AgencyConsole, FormPage, InvitationPage};

/// The admin area's front page: agencies, admins, how many users.
#[server(prefix = "/fn", endpoint = "admin_overview", input = GetUrl)]
pub async fn load_admin_overview() -> Result<AdminOverview, ServerFnError> {
    use std::collections::HashMap;

    use super::model::{AdminRow, AgencyRow};
    use crate::auth::{access, repo as users};
    use crate::catalogue::repo as catalogue;
    use crate::server::error::AppError;

    let caller = access::require_admin()?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let apis: HashMap<i64, i64> = catalogue::count_apis_by_tenant(pool)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .collect();
    let members: HashMap<i64, i64> = users::count_members_by_tenant(pool)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .collect();
    let agencies = super::repo::list(pool)
        .await
        .map_err(AppError::from)?
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
    for (user_id, name, granted, provider, subject) in users::list_admin_candidates(pool)
        .await
        .map_err(AppError::from)?
    {
        let named = config.names_admin(&provider, &subject);
        if !(granted == 1 || named) {
            continue;
        }
        match admins.iter_mut().find(|a| a.user_id == user_id) {
            Some(seen) => seen.from_configuration |= named,
            None => admins.push(AdminRow {
                user_id,
                name,
                granted: granted == 1,
                from_configuration: named,
            }),
        }
    }
    let users = users::count_users(pool).await.map_err(AppError::from)?;
    Ok(AdminOverview {
        agencies,
        admins,
        users,
        providers: super::admins::providers(config, state.dev),
        you: caller.user_id,
        notice: crate::server::flash::take().await?,
        csrf_token: caller.csrf_token.clone(),
    })
}

/// A form page of the admin area: its notice and the CSRF token.
#[server(prefix = "/fn", endpoint = "admin_form", input = GetUrl)]
pub async fn load_admin_form() -> Result<FormPage, ServerFnError> {
    let caller = crate::auth::access::require_admin()?;
    Ok(FormPage {
        notice: crate::server::flash::take().await?,
        csrf_token: caller.csrf_token.clone(),
    })
}

/// An agency's page in the admin area.
#[server(prefix = "/fn", endpoint = "admin_agency", input = GetUrl)]
pub async fn load_admin_agency(agency: Option<String>) -> Result<AdminAgencyPage, ServerFnError> {
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_admin()?;
    let agency = agency.unwrap_or_default();
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let mut conn = pool.acquire().await.map_err(AppError::from)?;
    let tenant = super::service::find_agency(&mut conn, &agency).await?;
    drop(conn);
    let config = state.auth.providers.config();
    Ok(AdminAgencyPage {
        apis: agency_apis(pool, tenant.id).await?,
        members: members(pool, tenant.id).await?,
        invitations: invitations(pool, tenant.id, state.clock.now()).await?,
        providers: super::admins::providers(config, state.dev),
        slug: tenant.slug,
        name: tenant.name,
        contact_email: tenant.contact_email.unwrap_or_default(),
        status: tenant.status,
        created_at: tenant.created_at,
        notice: crate::server::flash::take().await?,
        csrf_token: caller.csrf_token.clone(),
    })
}

/// An agency's own front page: its members and all its APIs. For members
/// of that agency only; owners also see the invitations.
#[server(prefix = "/fn", endpoint = "agency_console", input = GetUrl)]
pub async fn load_agency_console(agency: String) -> Result<AgencyConsole, ServerFnError> {
    use crate::auth::access;
    use crate::auth::model::Role;
    use crate::server::error::AppError;

    let caller = access::require_member(&agency, Role::Maintainer)?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let tenant = super::repo::find(pool, &agency)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::NotFound(format!("There is no agency {agency:?}.")))?;
    let your_role = caller.role_in(&agency).unwrap_or(Role::Maintainer);
    let invitations = if your_role == Role::Owner {
        invitations(pool, tenant.id, state.clock.now()).await?
    } else {
        Vec::new()
    };
    Ok(AgencyConsole {
        your_role,
        you: caller.user_id,
        members: members(pool, tenant.id).await?,
        apis: agency_apis(pool, tenant.id).await?,
        invitations,
        slug: tenant.slug,
        name: tenant.name,
        status: tenant.status,
        notice: crate::server::flash::take().await?,
        csrf_token: caller.csrf_token.clone(),
    })
}

/// The page an invitation link opens, for the signed-in person.
#[server(prefix = "/fn", endpoint = "invitation", input = GetUrl)]
pub async fn load_invitation(token: Option<String>) -> Result<InvitationPage, ServerFnError> {
    use super::invitations::{self, InvitationSecret, Standing};
    use crate::server::error::AppError;

    let caller = crate::auth::access::require_signed_in()?;
    let token = token.unwrap_or_default();
    let state = crate::server::state::app_state()?;
    let mut conn = state.db.pool().acquire().await.map_err(AppError::from)?;
    let found = invitations::find_by_hash(&mut conn, &InvitationSecret::from_link(&token).hash())
        .await
        .map_err(AppError::from)?;
    let notice = crate::server::flash::take().await?;
    let Some(found) = found else {
        return Ok(InvitationPage {
            agency: None,
            role: None,
            pending: false,
            standing: String::new(),
            already_member: false,
            notice,
            csrf_token: caller.csrf_token.clone(),
        });
    };
    let agency: (String, String) = sqlx::query_as("select slug, name from tenant where id = $1")
        .bind(found.tenant_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(AppError::from)?;
    let standing = found.standing(state.clock.now());
    Ok(InvitationPage {
        already_member: caller.role_in(&agency.0).is_some(),
        agency: Some(agency),
        role: Some(found.role()),
        pending: standing == Standing::Pending,
        standing: standing.label().to_string(),
        notice,
        csrf_token: caller.csrf_token.clone(),
    })
}

#[cfg(feature = "ssr")]
async fn members(
    pool: &sqlx::AnyPool,
    tenant_id: i64,
) -> Result<Vec<super::model::MemberRow>, crate::server::error::AppError> {
    use crate::auth::model::Role;
    Ok(crate::auth::repo::list_members(pool, tenant_id)
        .await?
        .into_iter()
        .map(|m| super::model::MemberRow {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role: Role::parse(&m.role).unwrap_or(Role::Maintainer),
            since: m.since,
        })
        .collect())
}

#[cfg(feature = "ssr")]
async fn agency_apis(
    pool: &sqlx::AnyPool,
    tenant_id: i64,
) -> Result<Vec<super::model::ManagedApi>, crate::server::error::AppError> {
    Ok(crate::catalogue::repo::list_agency_apis(pool, tenant_id)
        .await?
        .into_iter()
        .map(
            |(slug, name, visibility, lifecycle, versions)| super::model::ManagedApi {
                slug,
                name,
                visibility,
                lifecycle,
                versions,
            },
        )
        .collect())
}

#[cfg(feature = "ssr")]
async fn invitations(
    pool: &sqlx::AnyPool,
    tenant_id: i64,
    now: time::OffsetDateTime,
) -> Result<Vec<super::model::InvitationRow>, crate::server::error::AppError> {
    use super::invitations::Standing;
    Ok(super::invitations::list(pool, tenant_id)
        .await?
        .into_iter()
        .map(|i| {
            let standing = i.standing(now);
            super::model::InvitationRow {
                id: i.id,
                role: i.role(),
                standing: match (standing, &i.redeemed_by_name) {
                    (Standing::Accepted, Some(name)) => format!("Accepted by {name}"),
                    (standing, _) => standing.label().to_string(),
                },
                pending: standing == Standing::Pending,
                note: i.note,
                created_by: i.created_by_name.unwrap_or_default(),
                created_at: i.created_at,
                expires_at: i.expires_at,
            }
        })
        .collect())
}
