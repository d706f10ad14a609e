//! The platform's own settings: the portal's name and logo, where to get
//! help, and the terms of use that developers accept before their first
//! key. One row, edited by platform admins. Owns `platform_setting`.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
