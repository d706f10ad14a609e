//! Developers' applications: what API keys and access requests belong to.
//! Any signed-in user has their own; nobody else sees them. Owns the `app`
//! table.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
