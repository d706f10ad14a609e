//! Publishing from the browser: an agency's maintainers create APIs from
//! OpenAPI documents, change their settings and lifecycle, add versions, and
//! write guides. Every form works without JavaScript (see
//! `crate::app::forms`); every change writes its audit event in the same
//! transaction.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod guides;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod upload;
