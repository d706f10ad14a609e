//! Portico's own keys as a relying party: an ES256 key that signs client
//! assertions (`private_key_jwt`), an ECDH-ES key that providers encrypt ID
//! tokens to (Singpass and Corppass do), and a key for DPoP proofs (FAPI
//! 2.0). The public halves of the first two are served as a JWKS at
//! `/.well-known/jwks.json`.
//!
//! Keys live as private JWKs, one file each, in a directory (by default
//! `keys/` in the data directory), generated on first start with mode 0600.
//! Rotation: start Portico with a new key file beside the old one (a key id
//! that sorts later, e.g. from `portico keys generate`); the newest signing
//! key signs, every key is published and every encryption key decrypts.
//! Remove the old file once the providers have fetched the new JWKS.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use josekit::jwe::{JweDecrypter, JweHeader, ECDH_ES_A256KW};
use josekit::jwk::alg::ec::EcCurve;
use josekit::jwk::Jwk;
use josekit::jws::{JwsHeader, ES256};
use josekit::jwt::{self, JwtPayload};
use serde_json::{json, Value};

/// The role of a key, which is also the start of its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    Signing,
    Encryption,
    Dpop,
    /// Signs the gateway's identity tokens for upstreams (their own JWKS,
    /// at the gateway's `/.well-known/jwks.json`).
    Upstream,
}

impl KeyUse {
    fn prefix(self) -> &'static str {
        match self {
            KeyUse::Signing => "sig",
            KeyUse::Encryption => "enc",
            KeyUse::Dpop => "dpop",
            KeyUse::Upstream => "upstream",
        }
    }
}

/// Portico's keys.
pub struct KeySet {
    /// Newest first.
    signing: Vec<Jwk>,
    encryption: Vec<Jwk>,
    dpop: Jwk,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private parts.
        f.debug_struct("KeySet")
            .field(
                "signing",
                &self.signing.iter().map(Jwk::key_id).collect::<Vec<_>>(),
            )
            .field(
                "encryption",
                &self.encryption.iter().map(Jwk::key_id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl KeySet {
    /// Reads every key file in `dir`, generating a key of each use that has
    /// none (and the directory itself).
    pub fn load_or_generate(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the key directory {}", dir.display()))?;
        let mut found: Vec<(String, PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the key directory {}", dir.display()))?
        {
            let path = entry?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name.ends_with(".jwk.json") {
                found.push((name.to_string(), path));
            }
        }
        // Names start with the use, then a UTC time stamp: sorted in reverse,
        // the newest key of each use comes first.
        found.sort();
        found.reverse();
        let mut set = KeySet {
            signing: Vec::new(),
            encryption: Vec::new(),
            dpop: Jwk::generate_ec_key(EcCurve::P256)?,
        };
        let mut have_dpop = false;
        for (name, path) in found {
            let text = std::fs::read(&path)
                .with_context(|| format!("cannot read the key {}", path.display()))?;
            let jwk = Jwk::from_bytes(&text)
                .with_context(|| format!("{} is not a JWK", path.display()))?;
            if jwk.parameter("d").is_none() {
                anyhow::bail!(
                    "{} holds no private key: a key file needs the private JWK",
                    path.display()
                );
            }
            if name.starts_with("sig-") {
                set.signing.push(jwk);
            } else if name.starts_with("enc-") {
                set.encryption.push(jwk);
            } else if name.starts_with("dpop-") && !have_dpop {
                set.dpop = jwk;
                have_dpop = true;
            }
        }
        if set.signing.is_empty() {
            set.signing.push(generate(dir, KeyUse::Signing)?);
        }
        if set.encryption.is_empty() {
            set.encryption.push(generate(dir, KeyUse::Encryption)?);
        }
        if !have_dpop {
            set.dpop = generate(dir, KeyUse::Dpop)?;
        }
        Ok(set)
    }

    /// The public JWKS: every signing and encryption key.
    pub fn public_jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .signing
            .iter()
            .chain(&self.encryption)
            .filter_map(|jwk| public_half(jwk).ok())
            .map(|jwk| Value::Object(jwk.as_ref().clone()))
            .collect();
        json!({ "keys": keys })
    }

    /// A client assertion for `private_key_jwt` (RFC 7523): signed by the
    /// newest signing key, valid for two minutes, with a fresh `jti`.
    pub fn client_assertion(&self, client_id: &str, audience: &str) -> anyhow::Result<String> {
        let key = &self.signing[0];
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        if let Some(kid) = key.key_id() {
            header.set_key_id(kid);
        }
        let now = SystemTime::now();
        let mut payload = JwtPayload::new();
        payload.set_issuer(client_id);
        payload.set_subject(client_id);
        payload.set_audience(vec![audience]);
        payload.set_issued_at(&now);
        payload.set_expires_at(&(now + Duration::from_secs(120)));
        payload.set_jwt_id(random_id());
        let signer = ES256.signer_from_jwk(key)?;
        Ok(jwt::encode_with_signer(&payload, &header, &signer)?)
    }

    /// A DPoP proof (RFC 9449) for a request to `url` with `method`; with
    /// the server's nonce when it asked for one, and bound to the access
    /// token (`ath`) when one is sent.
    pub fn dpop_proof(
        &self,
        method: &str,
        url: &str,
        nonce: Option<&str>,
        access_token: Option<&str>,
    ) -> anyhow::Result<String> {
        let mut header = JwsHeader::new();
        header.set_token_type("dpop+jwt");
        header.set_jwk(public_half(&self.dpop)?);
        let mut payload = JwtPayload::new();
        payload.set_jwt_id(random_id());
        payload.set_issued_at(&SystemTime::now());
        payload.set_claim("htm", Some(json!(method)))?;
        payload.set_claim("htu", Some(json!(url)))?;
        if let Some(nonce) = nonce {
            payload.set_claim("nonce", Some(json!(nonce)))?;
        }
        if let Some(token) = access_token {
            use base64::Engine as _;
            use sha2::Digest as _;
            let hash = sha2::Sha256::digest(token.as_bytes());
            let ath = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash);
            payload.set_claim("ath", Some(json!(ath)))?;
        }
        let signer = ES256.signer_from_jwk(&self.dpop)?;
        Ok(jwt::encode_with_signer(&payload, &header, &signer)?)
    }

    /// Decrypts a compact JWE addressed to one of the encryption keys (by
    /// `kid`, or each in turn without one) and returns its payload: for an
    /// encrypted ID token, the signed JWT inside.
    pub fn decrypt(&self, jwe: &str) -> anyhow::Result<String> {
        let decrypters: Vec<(Option<String>, Box<dyn JweDecrypter>)> = self
            .encryption
            .iter()
            .map(|jwk| {
                let decrypter = ECDH_ES_A256KW.decrypter_from_jwk(jwk)?;
                Ok((
                    jwk.key_id().map(str::to_string),
                    Box::new(decrypter) as Box<dyn JweDecrypter>,
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        let mut last_error = None;
        for (kid, decrypter) in &decrypters {
            let chosen = |header: &JweHeader| {
                let wanted = header.key_id();
                if wanted.is_some() && wanted != kid.as_deref() {
                    return Ok(None);
                }
                if header.algorithm() != Some("ECDH-ES+A256KW") {
                    return Ok(None);
                }
                Ok(Some(decrypter.as_ref()))
            };
            match josekit::jwe::deserialize_compact_with_selector(jwe, chosen) {
                Ok((payload, _)) => {
                    return String::from_utf8(payload).context("the decrypted token is not text")
                }
                Err(err) => last_error = Some(err),
            }
        }
        match last_error {
            Some(err) => Err(anyhow::anyhow!(
                "the encrypted token could not be decrypted with Portico's keys ({err})"
            )),
            None => Err(anyhow::anyhow!("Portico has no encryption key")),
        }
    }
}

/// The public key with the private key's id, use and algorithm (josekit's
/// `to_public_key` keeps the key material only).
pub fn public_half(jwk: &Jwk) -> anyhow::Result<Jwk> {
    let mut public = jwk.to_public_key()?;
    if let Some(kid) = jwk.key_id() {
        public.set_key_id(kid);
    }
    if let Some(key_use) = jwk.key_use() {
        public.set_key_use(key_use);
    }
    if let Some(alg) = jwk.algorithm() {
        public.set_algorithm(alg);
    }
    Ok(public)
}

/// 128 random bits, base64url.
fn random_id() -> String {
    use base64::Engine as _;
    let bytes: [u8; 16] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Generates a P-256 key for `use_`, writes it as `{prefix}-{time}-{id}.jwk.json`
/// (mode 0600, written then renamed so no half-written key is ever read).
pub fn generate(dir: &Path, use_: KeyUse) -> anyhow::Result<Jwk> {
    let mut jwk = Jwk::generate_ec_key(EcCurve::P256)?;
    let stamp = time::OffsetDateTime::now_utc().format(time::macros::format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))?;
    let kid = format!("{}-{stamp}-{}", use_.prefix(), &random_id()[..8]);
    jwk.set_key_id(&kid);
    match use_ {
        KeyUse::Signing | KeyUse::Upstream => {
            jwk.set_key_use("sig");
            jwk.set_algorithm("ES256");
        }
        KeyUse::Encryption => {
            jwk.set_key_use("enc");
            jwk.set_algorithm("ECDH-ES+A256KW");
        }
        KeyUse::Dpop => {
            jwk.set_algorithm("ES256");
        }
    }
    let path = dir.join(format!("{kid}.jwk.json"));
    let partial = dir.join(format!(".{kid}.partial"));
    {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)
            .with_context(|| format!("cannot write the key {}", partial.display()))?;
        file.write_all(jwk.to_string().as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&partial, &path)?;
    tracing::info!(key = %kid, dir = %dir.display(), "generated a relying-party key");
    Ok(jwk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_generated_once_and_published_without_private_parts() {
        let dir = tempfile::tempdir().unwrap();
        let first = KeySet::load_or_generate(dir.path()).unwrap();
        let again = KeySet::load_or_generate(dir.path()).unwrap();
        assert_eq!(
            first.public_jwks(),
            again.public_jwks(),
            "the same keys the second time"
        );
        let jwks = first.public_jwks();
        let keys = jwks["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0]["use"], "sig");
        assert_eq!(keys[1]["use"], "enc");
        assert!(keys.iter().all(|key| key.get("d").is_none()), "{jwks}");
        let mode = std::fs::metadata(
            std::fs::read_dir(dir.path())
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(mode.permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn decrypts_what_is_encrypted_to_the_published_key_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeySet::load_or_generate(dir.path()).unwrap();
        let public =
            Jwk::from_map(keys.public_jwks()["keys"][1].as_object().unwrap().clone()).unwrap();
        let mut header = JweHeader::new();
        header.set_algorithm("ECDH-ES+A256KW");
        header.set_content_encryption("A256GCM");
        header.set_key_id(public.key_id().unwrap());
        let encrypter = ECDH_ES_A256KW.encrypter_from_jwk(&public).unwrap();
        let jwe = josekit::jwe::serialize_compact(b"inner.jwt.here", &header, &encrypter).unwrap();
        assert_eq!(keys.decrypt(&jwe).unwrap(), "inner.jwt.here");

        let other = KeySet::load_or_generate(tempfile::tempdir().unwrap().path()).unwrap();
        let err = other.decrypt(&jwe).unwrap_err().to_string();
        assert!(err.contains("could not be decrypted"), "{err}");
        assert!(keys.decrypt("not.a.jwe").is_err());
    }

    #[test]
    fn client_assertions_and_dpop_proofs_verify_with_the_public_keys() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeySet::load_or_generate(dir.path()).unwrap();
        let assertion = keys
            .client_assertion("portico", "https://idp.example/token")
            .unwrap();
        let public =
            Jwk::from_map(keys.public_jwks()["keys"][0].as_object().unwrap().clone()).unwrap();
        let verifier = ES256.verifier_from_jwk(&public).unwrap();
        let (payload, header) = jwt::decode_with_verifier(&assertion, &verifier).unwrap();
        assert_eq!(payload.issuer(), Some("portico"));
        assert_eq!(payload.subject(), Some("portico"));
        assert_eq!(payload.audience(), Some(vec!["https://idp.example/token"]));
        assert!(payload.jwt_id().is_some());
        assert_eq!(header.key_id(), public.key_id());

        let proof = keys
            .dpop_proof("POST", "https://idp.example/token", Some("n1"), Some("tok"))
            .unwrap();
        let unverified = jwt::decode_header(&proof).unwrap();
        assert_eq!(unverified.claim("typ"), Some(&json!("dpop+jwt")));
        let jwk = Jwk::from_map(
            unverified
                .claim("jwk")
                .unwrap()
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
        assert!(
            jwk.parameter("d").is_none(),
            "the proof carries the public key only"
        );
        let verifier = ES256.verifier_from_jwk(&jwk).unwrap();
        let (payload, header) = jwt::decode_with_verifier(&proof, &verifier).unwrap();
        assert_eq!(payload.claim("htm"), Some(&json!("POST")));
        assert_eq!(payload.claim("nonce"), Some(&json!("n1")));
        assert!(payload.claim("ath").is_some());
        assert_eq!(header.token_type(), Some("dpop+jwt"));
    }
}
