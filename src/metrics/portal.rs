//! The portal's metrics: requests by status class and their latency,
//! counted by a middleware around every route, and whether the database
//! answers.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::{ByClass, Histogram, Page};

/// Counted for every portal request.
#[derive(Default)]
pub struct PortalMetrics {
    requests: ByClass,
    duration: Histogram,
}

impl PortalMetrics {
    pub fn render(&self, database_up: bool) -> Page {
        let mut page = Page::default();
        self.requests.render(
            &mut page,
            "portico_portal_requests_total",
            "Requests answered by the portal (pages, forms, REST API), by status class.",
        );
        self.duration.render(
            &mut page,
            "portico_portal_request_duration_seconds",
            "Time from a request's arrival to its response headers.",
        );
        page.sample(
            "portico_portal_database_up",
            "1 when the database answers.",
            "gauge",
            u8::from(database_up),
        );
        page
    }
}

/// Middleware: counts each request once its response is ready.
pub async fn count(
    State(metrics): State<Arc<PortalMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.requests.add(response.status().as_u16());
    metrics.duration.observe(started.elapsed());
    response
}

/// `GET /metrics` on the portal, to loopback or to holders of the token.
pub async fn serve(
    State(state): State<crate::server::state::AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !state.metrics_access.allows(peer, &headers) {
        return state.metrics_access.refusal();
    }
    state.metrics.render(state.db.ping().await).into_response()
}
