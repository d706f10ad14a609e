//! What each Leptos page and each server function needs of the caller.
//! The hand-written routes carry their rules with them (see `portal`).

use crate::auth::access::Need;
use crate::auth::model::Role;

/// The Leptos pages and what each needs. A page route without an entry
/// here is refused (and the access test fails).
pub const PAGE_RULES: &[(&str, Need)] = &[
    ("/", Need::Anyone),
    ("/apis", Need::Anyone),
    ("/agencies/{agency}", Need::Anyone),
    ("/apis/{agency}/{api}", Need::Anyone),
    ("/apis/{agency}/{api}/changelog", Need::Anyone),
    ("/sign-in", Need::Anyone),
    ("/forbidden", Need::Anyone),
    ("/account", Need::SignedIn),
    ("/admin", Need::Admin),
    ("/manage/{agency}", Need::Agency(Role::Maintainer)),
    ("/admin/agencies/new", Need::Admin),
    ("/admin/agencies/{agency}", Need::Admin),
    ("/admin/settings", Need::Admin),
    ("/admin/audit", Need::Admin),
    ("/manage/{agency}/audit", Need::Agency(Role::Owner)),
    ("/invitations/{token}", Need::SignedIn),
    ("/terms", Need::Anyone),
    ("/manage/{agency}/apis/new", Need::Agency(Role::Maintainer)),
    (
        "/manage/{agency}/apis/{api}",
        Need::Agency(Role::Maintainer),
    ),
    (
        "/manage/{agency}/apis/{api}/guides/new",
        Need::Agency(Role::Maintainer),
    ),
    (
        "/manage/{agency}/apis/{api}/guides/{guide}",
        Need::Agency(Role::Maintainer),
    ),
    ("/apis/{agency}/{api}/guides/{guide}", Need::Anyone),
    ("/manage/{agency}/tokens", Need::Agency(Role::Maintainer)),
    ("/account/tokens", Need::SignedIn),
    // Self-service access. The queue and consumers show developers'
    // names, emails and purposes: owners only, like plans.
    (
        "/manage/{agency}/apis/{api}/plans",
        Need::Agency(Role::Owner),
    ),
    (
        "/manage/{agency}/apis/{api}/consumers",
        Need::Agency(Role::Owner),
    ),
    // Usage names consumers and their owners too: owners only.
    (
        "/manage/{agency}/apis/{api}/usage",
        Need::Agency(Role::Owner),
    ),
    ("/manage/{agency}/requests", Need::Agency(Role::Owner)),
    ("/apis/{agency}/{api}/access", Need::SignedIn),
    ("/notifications", Need::SignedIn),
    // Developers' applications: the functions find the caller's own only.
    ("/apps", Need::SignedIn),
    ("/apps/{app}", Need::SignedIn),
    ("/apps/{app}/delete", Need::SignedIn),
];

/// The server functions and what each needs. The functions check again
/// themselves; for `AgencyArgument` only they can, as the agency is an
/// argument.
pub const SERVER_FN_RULES: &[(&str, Need)] = &[
    ("/fn/site_info", Need::Anyone),
    ("/fn/viewer", Need::Anyone),
    ("/fn/sign_in_page", Need::Anyone),
    ("/fn/catalogue", Need::Anyone),
    ("/fn/api_detail", Need::Anyone),
    ("/fn/changelog", Need::Anyone),
    ("/fn/account", Need::SignedIn),
    ("/fn/admin_overview", Need::Admin),
    ("/fn/agency_console", Need::AgencyArgument(Role::Maintainer)),
    ("/fn/admin_form", Need::Admin),
    ("/fn/admin_agency", Need::Admin),
    ("/fn/platform_settings", Need::Admin),
    ("/fn/terms", Need::Anyone),
    ("/fn/invitation", Need::SignedIn),
    // With an agency, its owners' log; without, the admins' (the function checks).
    ("/fn/audit_log", Need::AgencyArgument(Role::Owner)),
    ("/fn/manage_new_api", Need::AgencyArgument(Role::Maintainer)),
    ("/fn/manage_api", Need::AgencyArgument(Role::Maintainer)),
    ("/fn/manage_guide", Need::AgencyArgument(Role::Maintainer)),
    ("/fn/guide", Need::Anyone),
    ("/fn/tokens_page", Need::AgencyArgument(Role::Maintainer)),
    ("/fn/developer_tokens_page", Need::SignedIn),
    ("/fn/manage_plans", Need::AgencyArgument(Role::Owner)),
    ("/fn/request_queue", Need::AgencyArgument(Role::Owner)),
    ("/fn/consumers", Need::AgencyArgument(Role::Owner)),
    ("/fn/api_usage", Need::AgencyArgument(Role::Owner)),
    ("/fn/app_usage", Need::SignedIn),
    ("/fn/access_request", Need::SignedIn),
    ("/fn/app_subscriptions", Need::SignedIn),
    ("/fn/my_access_requests", Need::SignedIn),
    ("/fn/notifications", Need::SignedIn),
    // A visitor has none: the header asks on every page.
    ("/fn/unread_notifications", Need::Anyone),
    ("/fn/apps_page", Need::SignedIn),
    ("/fn/app_page", Need::SignedIn),
    ("/fn/app_delete_page", Need::SignedIn),
];
