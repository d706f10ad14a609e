//! Notifications: what Portico tells a user in the portal (the
//! `notification` table, which this module owns) and, when SMTP is
//! configured, by email from a background task.

pub mod components;
pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
