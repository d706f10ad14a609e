//! One file per route.

pub mod agency;
pub mod api;
pub mod catalogue;
pub mod changelog;
pub mod home;
pub mod not_found;
