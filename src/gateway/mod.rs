//! The data plane: routes API calls to agencies' upstreams.
//!
//! A request passes named phases that share one [`context::RequestContext`]:
//! route, authenticate, forward, respond, and record. Nothing on the request
//! path awaits the database: routes come from an in-memory table loaded at
//! start and replaced whole when the catalogue changes.

pub mod context;
pub mod proxy;
pub mod routes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::db::Db;
use crate::server::health;
use crate::server::problem::Problem;

use context::RequestContext;
use routes::{AccessMode, RouteTable};

/// What every gateway request needs, cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    /// The database, for health checks only: the request path never awaits it.
    pub db: Db,
    /// The routes the gateway knows, swapped whole on change.
    pub routes: RouteTable,
    /// Pooled HTTP client to the upstreams.
    pub client: proxy::Client,
    /// How long an upstream may take to answer before the caller gets 504.
    pub upstream_timeout: Duration,
}

impl Gateway {
    pub fn new(db: Db, routes: RouteTable, upstream_timeout: Duration) -> Self {
        Self {
            db,
            routes,
            client: proxy::client(),
            upstream_timeout,
        }
    }

    /// The gateway's HTTP service.
    pub fn router(self) -> Router {
        Router::new()
            .route("/healthz", get(healthz))
            .fallback(handle)
            .with_state(Arc::new(self))
    }
}

async fn healthz(State(gw): State<Arc<Gateway>>) -> Response {
    // The gateway keeps serving from memory when the database is down, so it
    // stays healthy (200) and reports the database separately.
    health::report(&gw.db, "gateway", true)
        .await
        .into_response()
}

/// Every API call: the phases in order, then one log line.
async fn handle(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let mut ctx = RequestContext::new(&request, peer);
    let response = match process(&gw, &mut ctx, request).await {
        Ok(response) => response,
        Err(problem) => problem
            .with_instance(ctx.path.clone())
            .with_request_id(ctx.request_id.clone())
            .into_response(),
    };
    ctx.record(response.status());
    response
}

async fn process(
    gw: &Gateway,
    ctx: &mut RequestContext,
    request: Request,
) -> Result<Response, Problem> {
    let route = gw.routes.resolve(&ctx.path).ok_or_else(|| {
        Problem::not_found("No API is published at this path. Paths look like /{agency}/{api}/...")
    })?;
    ctx.api_id = Some(route.api.api_id);
    ctx.route = Some(format!("/{}/{}", route.api.agency, route.api.api));
    if route.api.suspended {
        return Err(Problem::service_unavailable(
            "The agency that publishes this API is suspended on this portal: its APIs are unavailable until it is reactivated.",
        ));
    }
    if route.api.access_mode == AccessMode::Key {
        return Err(Problem::unauthenticated(
            "This API needs an API key. Send it in the x-api-key header.",
        ));
    }
    proxy::forward(&gw.client, gw.upstream_timeout, ctx, &route, request).await
}
