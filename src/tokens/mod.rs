//! Personal access tokens. An agency's token: how a member publishes from
//! CI; it belongs to one user and one agency, and acts with that user's
//! role there at the time of use. A developer token: of one user and no
//! agency, for the REST API on that user's own applications. Owns the
//! `access_token` table.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod bearer;
#[cfg(feature = "ssr")]
pub mod developer;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
