//! The portal's shared state, handed to handlers by axum and to server
//! functions through Leptos context.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::{use_context, ServerFnError};

use super::clock::Clock;
use crate::db::Db;
use crate::gateway::routes::RouteTable;

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
}

/// The state inside a server function. Missing context is a wiring bug, and
/// reported as a server error rather than a panic.
pub fn app_state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>()
        .ok_or_else(|| ServerFnError::new("the portal's state is missing from the request context"))
}
