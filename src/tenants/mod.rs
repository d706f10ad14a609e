//! Agencies (tenants): who publishes APIs. Owns the `tenant` table.

#[cfg(feature = "ssr")]
pub mod repo;
