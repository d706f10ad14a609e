//! OpenAPI documents: reading what agencies hand in (JSON or YAML; OpenAPI
//! 3.0, 3.1, and Swagger 2.0, which is converted), checking it, and saying
//! precisely what to fix when it is wrong.

pub mod changelog_model;
pub mod model;

#[cfg(feature = "ssr")]
pub mod bundle;
#[cfg(feature = "ssr")]
pub mod changelog;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod operations;
#[cfg(feature = "ssr")]
pub mod refs;
#[cfg(feature = "ssr")]
pub mod source;
#[cfg(feature = "ssr")]
pub mod swagger2;
#[cfg(feature = "ssr")]
pub mod validate;
#[cfg(feature = "ssr")]
pub mod yaml;
