//! The portal's router: pages (Leptos), server functions, REST endpoints,
//! static files, and the middleware every request passes.

use axum::http::{HeaderName, HeaderValue, Request};
use axum::routing::{any, get};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::state::AppState;
use crate::app::{shell, App};
use crate::reference::handlers as reference;
use crate::{catalogue, demo};

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

    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/apis", get(catalogue::handlers::list_apis))
        .route(
            "/api/v1/apis/{agency}/{api}/changelog",
            get(catalogue::handlers::changelog),
        )
        .route(
            "/apis/{agency}/{api}/openapi",
            get(catalogue::handlers::download_document),
        )
        .route("/apis/{agency}/{api}/reference", get(reference::index))
        .route(
            "/apis/{agency}/{api}/reference/tags/{tag}",
            get(reference::tag),
        )
        .route(
            "/apis/{agency}/{api}/reference/operations/{operation}",
            get(reference::operation).post(reference::try_operation),
        )
        .route(
            "/apis/{agency}/{api}/reference/schemas",
            get(reference::schemas),
        )
        .route(
            "/apis/{agency}/{api}/reference/schemas/{name}",
            get(reference::schema),
        );
    if state.dev {
        router = router
            .route(
                &format!("{}/{{api}}", demo::UPSTREAM_PATH),
                any(demo::upstream::echo_root),
            )
            .route(
                &format!("{}/{{api}}/{{*rest}}", demo::UPSTREAM_PATH),
                any(demo::upstream::echo),
            );
    }
    let router = router
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
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
