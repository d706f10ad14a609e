//! Agencies (tenants): who publishes APIs. Owns the `tenant` table.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod admins;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod membership;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
