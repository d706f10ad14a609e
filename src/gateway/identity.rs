//! The consumer's identity for upstreams: a short-lived JWT (ES256) signed
//! by Portico, sent in the `x-portico-identity` header, whose public key is
//! served at the gateway's `/.well-known/jwks.json`. An upstream that
//! checks it knows which application, key, owner and plan called, and that
//! the call came through the gateway.
//!
//! Keys are `upstream-*.jwk.json` files in Portico's key directory,
//! generated on first start; the newest signs, every one is published, so
//! a new key file beside the old one rotates without breaking upstreams.
//! A token is reused for the same (key, API, plan) for half its life, so
//! that signing costs one ECDSA operation per key every 30 seconds, not
//! one per call.

use std::path::Path;
use std::sync::RwLock;

use anyhow::Context;
use axum::body::Bytes;
use axum::http::HeaderValue;
use josekit::jwk::Jwk;
use josekit::jws::alg::ecdsa::EcdsaJwsSigner;
use josekit::jws::{JwsHeader, ES256};
use josekit::jwt::{self, JwtPayload};

use super::FastMap;
use serde_json::json;

use crate::auth::keys::{generate, public_half, KeyUse};

/// The header that carries the token to the upstream.
pub const HEADER: axum::http::HeaderName =
    axum::http::HeaderName::from_static("x-portico-identity");
/// How long a token is valid, in seconds.
pub const LIFETIME_SECS: i64 = 60;
const FILE_PREFIX: &str = "upstream-";

/// Who is calling, as the token says.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    pub app_id: i64,
    pub key_id: i64,
    pub owner_user_id: i64,
    pub plan_id: i64,
    /// The plan's slug.
    pub plan: &'a str,
    /// `{agency}/{api}`: also the token's audience.
    pub api: &'a str,
    pub api_id: i64,
}

/// Portico's signing key for upstreams, its JWKS and recent tokens.
pub struct Identity {
    signer: EcdsaJwsSigner,
    kid: Option<String>,
    issuer: String,
    jwks: Bytes,
    recent: RwLock<Recent>,
}

/// (key, API, plan) -> (issued at, token). A token is kept as the header
/// value it is sent as: cloning it costs a reference count, not a copy.
type Recent = FastMap<(i64, i64, i64), (i64, HeaderValue)>;

impl Identity {
    /// Reads the upstream keys in `dir`, generating one when there is none.
    pub fn load_or_generate(dir: &Path, issuer: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the key directory {}", dir.display()))?;
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the key directory {}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(FILE_PREFIX) && n.ends_with(".jwk.json"))
            })
            .collect();
        // Names carry a UTC time stamp: the newest sorts last.
        files.sort();
        files.reverse();
        let mut keys = Vec::new();
        for path in files {
            let text = std::fs::read(&path)
                .with_context(|| format!("cannot read the key {}", path.display()))?;
            keys.push(
                Jwk::from_bytes(&text)
                    .with_context(|| format!("{} is not a JWK", path.display()))?,
            );
        }
        if keys.is_empty() {
            keys.push(generate(dir, KeyUse::Upstream)?);
        }
        let public: Vec<serde_json::Value> = keys
            .iter()
            .map(|jwk| public_half(jwk).map(|p| serde_json::Value::Object(p.as_ref().clone())))
            .collect::<anyhow::Result<_>>()?;
        let jwks = Bytes::from(serde_json::to_vec(&json!({ "keys": public }))?);
        Ok(Self {
            signer: ES256.signer_from_jwk(&keys[0])?,
            kid: keys[0].key_id().map(str::to_owned),
            issuer: issuer.to_owned(),
            jwks,
            recent: RwLock::default(),
        })
    }

    /// The public keys, as a JWKS document.
    pub fn jwks(&self) -> Bytes {
        self.jwks.clone()
    }

    /// A token for the caller at `now` (Unix seconds): a recent one when it
    /// has at least half its life left.
    pub fn token(&self, caller: &Caller<'_>, now: i64) -> anyhow::Result<HeaderValue> {
        let id = (caller.key_id, caller.api_id, caller.plan_id);
        let recent = self
            .recent
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&id)
            .cloned();
        if let Some((issued, token)) = recent {
            if (0..LIFETIME_SECS / 2).contains(&(now - issued)) {
                return Ok(token);
            }
        }
        // A JWT is base64url text and dots: always a valid header value.
        let token = HeaderValue::from_maybe_shared(Bytes::from(self.sign(caller, now)?))?;
        self.recent
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id, (now, token.clone()));
        Ok(token)
    }

    fn sign(&self, caller: &Caller<'_>, now: i64) -> anyhow::Result<String> {
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        if let Some(kid) = &self.kid {
            header.set_key_id(kid);
        }
        let at =
            |secs: i64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
        let mut payload = JwtPayload::new();
        payload.set_issuer(&self.issuer);
        payload.set_subject(caller.app_id.to_string());
        payload.set_audience(vec![caller.api]);
        payload.set_issued_at(&at(now));
        payload.set_expires_at(&at(now + LIFETIME_SECS));
        payload.set_claim("app_id", Some(json!(caller.app_id)))?;
        payload.set_claim("key_id", Some(json!(caller.key_id)))?;
        payload.set_claim("owner_user_id", Some(json!(caller.owner_user_id)))?;
        payload.set_claim("plan", Some(json!(caller.plan)))?;
        payload.set_claim("api", Some(json!(caller.api)))?;
        Ok(jwt::encode_with_signer(&payload, &header, &self.signer)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_against_the_jwks_and_are_reused_for_half_their_life() {
        let dir = tempfile::tempdir().unwrap();
        let identity = Identity::load_or_generate(dir.path(), "http://gw.test").unwrap();
        let caller = Caller {
            app_id: 3,
            key_id: 5,
            owner_user_id: 8,
            plan_id: 1,
            plan: "standard",
            api: "demo/pets",
            api_id: 2,
        };
        let token = identity.token(&caller, 1_000).unwrap();
        assert_eq!(identity.token(&caller, 1_029).unwrap(), token);
        assert_ne!(identity.token(&caller, 1_030).unwrap(), token);

        let jwks: serde_json::Value = serde_json::from_slice(&identity.jwks()).unwrap();
        assert!(jwks["keys"][0].get("d").is_none(), "no private part");
        let public = Jwk::from_map(jwks["keys"][0].as_object().unwrap().clone()).unwrap();
        let verifier = ES256.verifier_from_jwk(&public).unwrap();
        let (payload, _) = jwt::decode_with_verifier(token.to_str().unwrap(), &verifier).unwrap();
        assert_eq!(payload.audience(), Some(vec!["demo/pets"]));
        assert_eq!(payload.claim("key_id"), Some(&json!(5)));
        assert_eq!(payload.claim("plan"), Some(&json!("standard")));
        // The same directory gives the same key.
        let again = Identity::load_or_generate(dir.path(), "http://gw.test").unwrap();
        assert_eq!(again.jwks(), identity.jwks());
    }
}
