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

pub mod model;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
