//! One file per route.

pub mod account;
pub mod admin;
pub mod agency;
pub mod api;
pub mod catalogue;
pub mod changelog;
pub mod forbidden;
pub mod home;
pub mod manage;
pub mod not_found;
pub mod sign_in;
