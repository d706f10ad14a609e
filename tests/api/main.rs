//! Integration tests: the real application on port 0, a fresh database per
//! test, run against SQLite and against PostgreSQL.

mod helpers;
#[path = "../../src/gateway/shared_limits/redis_server.rs"]
mod redis_server;

mod access;
mod access_email;
mod access_requests;
mod apps;
mod audit;
mod bundle;
mod catalogue;
mod changelog;
mod cli;
mod cluster;
mod cluster_support;
mod developer_api;
mod developer_api_input;
mod gateway;
mod gateway_cluster_limits;
mod gateway_keys;
mod gateway_limits;
mod gateway_support;
mod gateway_tls;
mod gateway_usage;
mod health;
mod import;
mod metrics;
mod pages;
mod providers;
mod publishing;
mod reference;
mod search;
mod seed;
mod sign_in;
mod tenancy;
mod tokens;
mod usage_pages;
