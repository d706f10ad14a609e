//! The axum wiring of the portal: configuration, state, router, errors,
//! health, telemetry, and the application that runs both listeners.

pub mod access;
pub mod clock;
pub mod config;
mod data_plane;
pub mod error;
pub mod flash;
pub mod health;
pub mod lanes;
pub mod layers;
pub mod log_batch;
pub mod log_direct;
pub mod log_format;
mod page_rules;
pub mod portal;
pub mod problem;
pub mod security;
pub mod startup;
pub mod state;
pub mod telemetry;
