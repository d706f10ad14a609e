//! One file per route.

pub mod api;
pub mod catalogue;
pub mod changelog;
pub mod home;
pub mod not_found;
