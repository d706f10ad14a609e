//! Personal access tokens: how a member of an agency publishes from CI.
//! A token belongs to one user and one agency, and acts with that user's
//! role there at the time of use. Owns the `access_token` table.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod bearer;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
