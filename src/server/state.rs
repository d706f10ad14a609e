//! The portal's shared state, handed to handlers by axum and to server
//! functions through Leptos context.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::{use_context, ServerFnError};

use super::clock::Clock;
use crate::db::Db;
use crate::gateway::routes::RouteTable;
use crate::reference::cache::DocumentCache;

#[derive(Clone, FromRef)]
pub struct AppState {
    /// Where the site bundle lives and what it is called, for rendering.
    pub leptos_options: LeptosOptions,
    /// The database: SQLite or PostgreSQL behind one query layer.
    pub db: Db,
    /// The time source; fixed in tests.
    pub clock: Clock,
    /// The gateway's public base URL, shown to developers in samples.
    pub gateway_url: String,
    /// Development mode: demo data and the development sign-in are on.
    pub dev: bool,
    /// The gateway's route table, reloaded when the catalogue changes.
    pub routes: RouteTable,
    /// Carries committed changes (keys, subscriptions, plans, routes) to
    /// the gateway before the portal answers.
    pub changes: crate::gateway::changes::Changes,
    /// Parsed OpenAPI documents for the reference pages, by version.
    pub reference: DocumentCache,
    /// Where the portal itself reaches this Portico's gateway (the try-it
    /// console sends there, never anywhere else).
    #[from_ref(skip)]
    pub gateway_internal_url: String,
    /// The client the console sends with.
    pub http: crate::gateway::proxy::Client,
    /// How long the console waits for an answer.
    pub upstream_timeout: std::time::Duration,
    /// Identity providers, Portico's keys, the portal's public URL.
    #[from_ref(skip)]
    pub auth: std::sync::Arc<crate::auth::AuthState>,
    /// Queues notification emails for the SMTP task (sends nothing without
    /// `--smtp-url`).
    #[from_ref(skip)]
    pub mailer: crate::notify::mail::Mailer,
    /// The portal's request counters, for `/metrics`.
    pub metrics: std::sync::Arc<crate::metrics::portal::PortalMetrics>,
    /// Who may read `/metrics`.
    #[from_ref(skip)]
    pub metrics_access: crate::metrics::Access,
}

/// The state inside a server function. Missing context is a wiring bug, and
/// reported as a server error rather than a panic.
pub fn app_state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>()
        .ok_or_else(|| ServerFnError::new("the portal's state is missing from the request context"))
}
