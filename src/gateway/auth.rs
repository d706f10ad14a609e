//! The authenticate phase: the key from `x-api-key` or `Authorization:
//! Bearer`, its checksum checked before any lookup (a mistyped key costs
//! nothing), then the SHA-256 of the secret looked up in the snapshot. The
//! key is never logged: errors name what is wrong, never the key.

use axum::http::header::{self, HeaderMap, HeaderName};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use super::respond::Refusal;
use super::snapshot::{KeyEntry, KeyLookup, Snapshot};
use crate::secret::{Secret, SecretKind};

/// The header that carries a key.
pub const KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The text of `Authorization: Bearer ...`, if that is its scheme.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether the request's `Authorization` carries a Portico API key, which
/// must not reach the upstream (any other credential is the upstream's).
pub fn authorization_is_a_key(headers: &HeaderMap) -> bool {
    bearer(headers).is_some_and(|token| token.starts_with(SecretKind::ApiKey.prefix()))
}

/// The caller's key, if it opens the gateway now.
pub fn authenticate(
    snapshot: &Snapshot,
    headers: &HeaderMap,
    now: OffsetDateTime,
) -> Result<KeyEntry, Refusal> {
    let presented = match headers.get(&KEY_HEADER) {
        Some(value) => value.to_str().ok().unwrap_or_default(),
        None => bearer(headers).ok_or_else(|| {
            Refusal::unauthenticated(
                "This API needs an API key. Send it in the x-api-key header (or as Authorization: Bearer).",
            )
        })?,
    };
    let secret = match Secret::check(presented) {
        Ok((SecretKind::ApiKey, secret)) => secret,
        Ok(_) => {
            return Err(Refusal::unauthenticated(
                "This is a personal access token, for publishing: the gateway takes an API key (ptc_...).",
            ))
        }
        Err(err) => return Err(Refusal::unauthenticated(err.to_string())),
    };
    let hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    match snapshot.key(&hash, now) {
        KeyLookup::Valid(entry) => Ok(entry),
        KeyLookup::Unknown => Err(Refusal::unauthenticated(
            "This API key is not known: check that you copied the whole key, or create a new one on your application's page.",
        )),
        KeyLookup::Revoked => Err(Refusal::unauthenticated(
            "This API key was revoked: create a new one on your application's page.",
        )),
        KeyLookup::Expired => Err(Refusal::unauthenticated(
            "This API key has expired (or its rotation's grace period ended): use its replacement, or create a new key.",
        )),
    }
}
