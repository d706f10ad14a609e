//! The audit log's page: admins read every event, an agency's owners their
//! agency's.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AuditFilter, AuditPage};

/// A page of the log. With `agency`, that agency's events, for its owners;
/// without, the whole platform's, for admins.
#[server(prefix = "/fn", endpoint = "audit_log", input = GetUrl)]
pub async fn load_audit_log(
    agency: Option<String>,
    filter: Option<AuditFilter>,
) -> Result<AuditPage, ServerFnError> {
    use super::model::PAGE_SIZE;
    use super::query;
    use crate::auth::access;
    use crate::auth::model::Role;
    use crate::server::error::AppError;

    let filter = filter.unwrap_or_default();
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let agency = match agency.filter(|a| !a.is_empty()) {
        Some(slug) => {
            access::require_member(&slug, Role::Owner)?;
            let tenant = crate::tenants::repo::find(pool, &slug)
                .await
                .map_err(AppError::from)?
                .ok_or_else(|| AppError::NotFound(format!("There is no agency `{slug}`.")))?;
            Some((tenant.slug, tenant.name))
        }
        None => {
            access::require_admin()?;
            None
        }
    };
    let tenant = agency.as_ref().map(|(slug, _)| slug.as_str());
    let (checked, problems) = query::check(&filter, tenant);
    let page = filter.page.unwrap_or(1).max(1);
    let (entries, total) = query::page(pool, &checked, page)
        .await
        .map_err(AppError::from)?;
    let size = i64::from(PAGE_SIZE);
    let pages = u32::try_from((total + size - 1) / size).unwrap_or(u32::MAX);
    Ok(AuditPage {
        actions: query::actions(pool, tenant).await.map_err(AppError::from)?,
        agency,
        filter,
        entries,
        total,
        page,
        pages: pages.max(1),
        problems,
    })
}
