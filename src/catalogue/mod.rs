//! The catalogue: which APIs exist, who publishes them, and what a visitor may
//! see of them, and search over it. Owns the `api`, `api_tag`, `api_version`,
//! `api_operation` and `plan` tables and their full-text indexes.

pub mod model;
pub mod publish;
pub mod server_fns;
pub mod slug;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod service;
