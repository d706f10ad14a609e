//! Developers' API keys (`ptc_...`): created, rotated and revoked per
//! application, and looked up by the gateway. Owns the `api_key` table.

pub mod model;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod lookup;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
