//! Who is calling and what they may do: users and the identities they sign
//! in with (OpenID Connect providers, or the development sign-in), their
//! roles (developer, agency maintainer and owner, platform admin), sessions,
//! and the one access check every route passes.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod oidc;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;

/// What the sign-in routes need from the portal's state.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct AuthState {
    pub providers: oidc::Providers,
    /// The portal's public base URL (redirect URIs, sign-out return).
    pub public_url: url::Url,
}
