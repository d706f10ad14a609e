//! One file per route.

pub mod account;
pub mod admin;
pub mod admin_agency;
pub mod agency;
pub mod api;
pub mod audit;
pub mod catalogue;
pub mod changelog;
pub mod forbidden;
pub mod guide;
pub mod home;
pub mod invitation;
pub mod manage;
pub mod manage_api;
pub mod manage_api_new;
pub mod manage_guide;
pub mod not_found;
pub mod settings;
pub mod sign_in;
pub mod tokens;
