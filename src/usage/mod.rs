//! Usage of the gateway: calls per minute per (key, API, status class) with
//! latency buckets, and the quota counters that survive a restart. Owns the
//! `usage_minute` and `quota_usage` tables (migration 0010).
//!
//! The gateway writes here in batches from its background task
//! (`crate::gateway::usage`); pages read through [`service`]:
//!
//! - [`service::series`]: requests, errors by status class and latency
//!   percentiles (p50, p95) for one application, key or API, over the last
//!   hour (per minute), day (per hour) or month (per day);
//! - [`service::quota_used`]: how much of its daily and monthly quota a key
//!   has used on an API, as of the gateway's last flush.
//!
//! The caller checks who may see which scope: these functions do not.
//! [`pages`] gathers what the usage pages show (and their CSV), checking
//! that a key belongs to its application and a consumer to its API;
//! [`components`] draws it: SVG charts rendered on the server, each with a
//! table of the same figures.

pub mod chart;
pub mod components;
pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
