//! Portico: a self-service API developer portal with an embedded API gateway.
//!
//! One crate, two builds: `ssr` is the server (portal and gateway), `hydrate`
//! the browser bundle that makes the server-rendered pages interactive.

pub mod access;
pub mod app;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod keys;
pub mod notify;
pub mod openapi;
pub mod platform;
pub mod tenants;
pub mod tokens;
pub mod usage;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod gateway;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod reference;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Said on the page once the application has taken it over: styles and
    // tests can tell a hydrated page from one still being served as HTML
    // only (the bundle downloaded is not yet the bundle running).
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
