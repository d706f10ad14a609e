//! The portal's router: pages (Leptos), server functions, REST endpoints,
//! static files, and the middleware every request passes.

use std::sync::{Arc, Mutex, OnceLock};

use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tracing::Level;

use super::access::{self, Guard, PageRenderer, Rules};
use super::layers::with_common_layers;
use super::security;
use super::state::AppState;
use crate::app::{shell, App};
use crate::auth::access::Need;
use crate::auth::handlers as auth;
use crate::auth::model::Role;
use crate::reference::handlers as reference;
use crate::{catalogue, demo, rest, tokens};

pub use super::page_rules::{PAGE_RULES, SERVER_FN_RULES};

/// A hand-written route: its path, what it needs, its handlers.
type Route = (String, Need, MethodRouter<AppState>);

/// The hand-written routes. Each comes with its rule: there is no way to
/// add one without saying who may call it.
fn handwritten(dev: bool) -> Vec<Route> {
    let open =
        |path: &str, handlers: MethodRouter<AppState>| (path.to_string(), Need::Anyone, handlers);
    let mut routes = vec![
        open("/healthz", get(healthz)),
        open("/metrics", get(crate::metrics::portal::serve)),
        open("/api/v1/apis", get(catalogue::handlers::list_apis)),
        open(
            "/api/v1/apis/{agency}/{api}/changelog",
            get(catalogue::handlers::changelog),
        ),
        open(
            "/apis/{agency}/{api}/openapi",
            get(catalogue::handlers::download_document),
        ),
        open("/apis/{agency}/{api}/reference", get(reference::index)),
        open(
            "/apis/{agency}/{api}/reference/tags/{tag}",
            get(reference::tag),
        ),
        open(
            "/apis/{agency}/{api}/reference/operations/{operation}",
            get(reference::operation).post(reference::try_operation),
        ),
        open(
            "/apis/{agency}/{api}/reference/schemas",
            get(reference::schemas),
        ),
        open(
            "/apis/{agency}/{api}/reference/schemas/{name}",
            get(reference::schema),
        ),
        open("/sign-in/{provider}", get(auth::start)),
        open("/sign-in/{provider}/callback", get(auth::callback)),
        open("/sign-out", post(auth::sign_out)),
        open("/.well-known/jwks.json", get(auth::jwks)),
        // Personal access tokens, and publishing from CI with one.
        (
            "/manage/{agency}/tokens".into(),
            Need::Agency(Role::Maintainer),
            post(tokens::handlers::create),
        ),
        (
            "/manage/{agency}/tokens/{id}/revoke".into(),
            Need::Agency(Role::Maintainer),
            post(tokens::handlers::revoke),
        ),
        (
            "/api/v1/agencies/{agency}/apis/{api}/versions".into(),
            Need::AgencyToken,
            post(rest::handlers::publish_version).layer(axum::extract::DefaultBodyLimit::max(
                crate::openapi::source::MAX_BYTES,
            )),
        ),
        open(
            "/api/v1/openapi.json",
            get(rest::handlers::openapi_document),
        ),
    ];
    routes.extend(publishing());
    routes.extend(app_routes());
    routes.extend(developer_api());
    routes.extend(tenancy_routes());
    routes.extend(access_routes());
    if dev {
        routes.push(open("/dev/sign-in", post(auth::dev_sign_in)));
        routes.push(open(
            &format!("{}/{{api}}", demo::UPSTREAM_PATH),
            any(demo::upstream::echo_root),
        ));
        // The root with its slash too: the API page's `curl` ends with one.
        routes.push(open(
            &format!("{}/{{api}}/", demo::UPSTREAM_PATH),
            any(demo::upstream::echo_root),
        ));
        routes.push(open(
            &format!("{}/{{api}}/{{*rest}}", demo::UPSTREAM_PATH),
            any(demo::upstream::echo),
        ));
    }
    routes
}

/// Publishing from the browser: the forms of an agency's APIs and guides
/// (their pages are Leptos pages in `PAGE_RULES`).
fn publishing() -> Vec<Route> {
    use catalogue::publish::{guides, handlers as publish};
    let upload_limit =
        || axum::extract::DefaultBodyLimit::max(crate::openapi::source::MAX_BYTES + 1024 * 1024);
    let maintainers = |path: &str, handlers: MethodRouter<AppState>| {
        (path.to_string(), Need::Agency(Role::Maintainer), handlers)
    };
    vec![
        maintainers(
            "/manage/{agency}/apis",
            get(publish::list_apis)
                .post(publish::create_api)
                .layer(upload_limit()),
        ),
        maintainers(
            "/manage/{agency}/apis/{api}/settings",
            post(publish::update_settings),
        ),
        maintainers(
            "/manage/{agency}/apis/{api}/versions",
            post(publish::upload_version).layer(upload_limit()),
        ),
        maintainers(
            "/manage/{agency}/apis/{api}/default-version",
            post(publish::set_default_version),
        ),
        maintainers(
            "/manage/{agency}/apis/{api}/guides",
            post(guides::create_guide),
        ),
        maintainers(
            "/manage/{agency}/apis/{api}/guides/{guide}/update",
            post(guides::update_guide),
        ),
        maintainers(
            "/manage/{agency}/apis/{api}/guides/{guide}/delete",
            post(guides::delete_guide),
        ),
    ]
}

/// Developers' applications and their keys: any signed-in user, for their
/// own applications only (the handlers answer 404 for anyone else's).
fn app_routes() -> Vec<Route> {
    use crate::{apps::handlers as apps, keys::handlers as keys, usage::handlers as usage};
    let signed_in =
        |path: &str, handlers: MethodRouter<AppState>| (path.to_string(), Need::SignedIn, handlers);
    vec![
        signed_in("/apps", post(apps::create)),
        signed_in("/apps/{app}", post(apps::update)),
        signed_in("/apps/{app}/delete", post(apps::delete)),
        signed_in("/apps/{app}/keys", post(keys::create)),
        signed_in("/apps/{app}/keys/{key}/rotate", post(keys::rotate)),
        signed_in("/apps/{app}/keys/{key}/revoke", post(keys::revoke)),
        signed_in("/apps/{app}/usage.csv", get(usage::app_csv)),
        (
            "/manage/{agency}/apis/{api}/usage.csv".to_string(),
            Need::Agency(Role::Owner),
            get(usage::api_csv),
        ),
    ]
}

/// The REST API of developers' applications, keys and access requests:
/// a developer token, for its user's own applications only (another
/// user's answers 404), and the developer tokens page's forms.
fn developer_api() -> Vec<Route> {
    use rest::{apps, keys, subscriptions};
    let token = |path: &str, handlers: MethodRouter<AppState>| {
        (path.to_string(), Need::DeveloperToken, handlers)
    };
    let signed_in =
        |path: &str, handlers: MethodRouter<AppState>| (path.to_string(), Need::SignedIn, handlers);
    vec![
        signed_in("/account/tokens", post(tokens::handlers::create_developer)),
        signed_in(
            "/account/tokens/{id}/revoke",
            post(tokens::handlers::revoke_developer),
        ),
        token("/api/v1/apps", get(apps::list).post(apps::create)),
        token(
            "/api/v1/apps/{app}",
            get(apps::read).patch(apps::update).delete(apps::delete),
        ),
        token(
            "/api/v1/apps/{app}/keys",
            get(keys::list).post(keys::create),
        ),
        token("/api/v1/apps/{app}/keys/{key}/rotate", post(keys::rotate)),
        token("/api/v1/apps/{app}/keys/{key}/revoke", post(keys::revoke)),
        token(
            "/api/v1/apps/{app}/subscriptions",
            get(subscriptions::list).post(subscriptions::create),
        ),
        token(
            "/api/v1/apps/{app}/subscriptions/{id}",
            get(subscriptions::read),
        ),
    ]
}

/// The forms of the admin area and of agency owners, and the audit log's CSV.
fn tenancy_routes() -> Vec<Route> {
    use crate::audit::handlers as audit;
    use crate::platform::handlers as platform;
    use crate::tenants::handlers as tenants;
    let admin =
        |path: &str, handlers: MethodRouter<AppState>| (path.to_string(), Need::Admin, handlers);
    let owner = |path: &str, handlers: MethodRouter<AppState>| {
        (path.to_string(), Need::Agency(Role::Owner), handlers)
    };
    vec![
        admin("/admin/agencies", post(tenants::create_agency)),
        admin("/admin/agencies/{agency}", post(tenants::update_agency)),
        admin(
            "/admin/agencies/{agency}/status",
            post(tenants::set_agency_status),
        ),
        admin("/admin/agencies/{agency}/owners", post(tenants::name_owner)),
        admin(
            "/admin/agencies/{agency}/invitations",
            post(tenants::admin_invite),
        ),
        admin("/admin/admins", post(tenants::grant_admin)),
        admin("/admin/admins/{user}/revoke", post(tenants::revoke_admin)),
        admin("/admin/settings", post(platform::save_settings)),
        admin("/admin/audit.csv", get(audit::admin_csv)),
        owner("/manage/{agency}/invitations", post(tenants::owner_invite)),
        owner(
            "/manage/{agency}/invitations/{id}/revoke",
            post(tenants::revoke_invitation),
        ),
        owner("/manage/{agency}/members/{user}", post(tenants::set_member)),
        owner("/manage/{agency}/audit.csv", get(audit::agency_csv)),
        (
            "/invitations/{token}".to_string(),
            Need::SignedIn,
            post(tenants::accept_invitation),
        ),
    ]
}

/// Self-service access: owners' plans and decisions, developers' requests,
/// everyone's notifications.
fn access_routes() -> Vec<Route> {
    use crate::access::handlers as access;
    let owner = |path: &str, handlers: MethodRouter<AppState>| {
        (path.to_string(), Need::Agency(Role::Owner), handlers)
    };
    let signed_in =
        |path: &str, handlers: MethodRouter<AppState>| (path.to_string(), Need::SignedIn, handlers);
    vec![
        owner(
            "/manage/{agency}/apis/{api}/plans",
            post(access::create_plan),
        ),
        owner(
            "/manage/{agency}/apis/{api}/plans/{plan}",
            post(access::update_plan),
        ),
        owner(
            "/manage/{agency}/apis/{api}/plans/{plan}/remove",
            post(access::remove_plan),
        ),
        owner(
            "/manage/{agency}/requests/{id}/approve",
            post(access::approve),
        ),
        owner(
            "/manage/{agency}/requests/{id}/reject",
            post(access::reject),
        ),
        owner(
            "/manage/{agency}/requests/{id}/revoke",
            post(access::revoke),
        ),
        owner(
            "/manage/{agency}/requests/{id}/keys/{key}/revoke",
            post(access::revoke_key),
        ),
        signed_in("/apis/{agency}/{api}/access", post(access::request_access)),
        signed_in(
            "/notifications/read",
            post(crate::notify::handlers::mark_all_read),
        ),
    ]
}

/// Every rule of the portal: hand-written routes, pages, server functions.
pub fn rules(dev: bool) -> Rules {
    let mut rules = Rules::default();
    for (path, need, _) in handwritten(dev) {
        rules.add(&path, need);
    }
    for (path, need) in PAGE_RULES.iter().chain(SERVER_FN_RULES) {
        rules.add(path, *need);
    }
    rules
}

/// The application's pages, generated once per process.
///
/// Generating them runs the whole application with resource loading
/// suppressed by a process-wide flag (leptos_server's
/// `SuppressResourceLoad`): a page rendered by another portal in the same
/// process at that moment would wait for its data forever
/// (leptos-rs/leptos#4773). One portal per process never meets this, but
/// the tests start many; so the list is made once, before any portal serves.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the portal's service around its state.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    let mut router = Router::new();
    for (path, _, handlers) in handwritten(state.dev) {
        router = router.route(&path, handlers);
    }
    let guard = Guard {
        state: state.clone(),
        rules: Arc::new(rules(state.dev)),
        render: {
            let page = leptos_axum::render_app_async_with_context(context.clone(), render.clone());
            let page: PageRenderer = Box::new(move |request| Box::pin(page(request)));
            Arc::new(Mutex::new(page))
        },
    };
    let router = router
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(guard, access::enforce))
        .layer(crate::auth::session::layer(state.db.clone(), !state.dev))
        .layer(axum::middleware::from_fn_with_state(
            security::Headers::new(&state),
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            crate::metrics::portal::count,
        ))
        .with_state(state);
    with_common_layers(router, Level::INFO)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    super::health::report(&state.db, "portal", false)
        .await
        .into_response()
}
