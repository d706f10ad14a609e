//! Self-service access: the plans an agency offers on its APIs, developers'
//! access requests (subscriptions of an application to a plan), the owners'
//! decisions, and the terms of use accepted on the way. Owns the `plan`
//! writes, and the `subscription` and `terms_acceptance` tables.

pub mod components;
pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod decisions;
#[cfg(feature = "ssr")]
pub mod developer;
#[cfg(feature = "ssr")]
pub mod grants;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod plan_form;
#[cfg(feature = "ssr")]
pub mod plan_repo;
#[cfg(feature = "ssr")]
pub mod plans;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
