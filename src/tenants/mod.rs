//! Agencies (tenants): who publishes APIs. Owns the `tenant` table.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod repo;
