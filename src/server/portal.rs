//! The portal's router: pages (Leptos), server functions, REST endpoints,
//! static files, and the middleware every request passes.

use axum::http::{HeaderName, HeaderValue, Request};
use std::sync::{Arc, Mutex};

use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::access::{self, Guard, PageRenderer, Rules};
use super::security;
use super::state::AppState;
use crate::app::{shell, App};
use crate::auth::access::Need;
use crate::auth::handlers as auth;
use crate::auth::model::Role;
use crate::reference::handlers as reference;
use crate::{catalogue, demo};

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
];

/// A hand-written route: its path, what it needs, its handlers.
type Route = (String, Need, MethodRouter<AppState>);

/// The hand-written routes. Each comes with its rule: there is no way to
/// add one without saying who may call it.
fn handwritten(dev: bool) -> Vec<Route> {
    let open =
        |path: &str, handlers: MethodRouter<AppState>| (path.to_string(), Need::Anyone, handlers);
    let mut routes = vec![
        open("/healthz", get(healthz)),
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
    ];
    if dev {
        routes.push(open("/dev/sign-in", post(auth::dev_sign_in)));
        routes.push(open(
            &format!("{}/{{api}}", demo::UPSTREAM_PATH),
            any(demo::upstream::echo_root),
        ));
        routes.push(open(
            &format!("{}/{{api}}/{{*rest}}", demo::UPSTREAM_PATH),
            any(demo::upstream::echo),
        ));
    }
    routes
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

/// Builds the portal's service around its state.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
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

/// Request ids, one trace span per request, and security headers. Shared by
/// the portal and the gateway; `response_level` is the level of the line that
/// each response logs (the gateway logs its own richer line).
pub fn with_common_layers(router: Router, response_level: Level) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request<axum::body::Body>| {
                        let id = request
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", request.id = %id, http.method = %request.method())
                    })
                    .on_response(DefaultOnResponse::new().level(response_level)),
            )
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(SetResponseHeaderLayer::if_not_present(
                HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                HeaderName::from_static("referrer-policy"),
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            )),
    )
}
