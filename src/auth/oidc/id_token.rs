//! The ID token: its checks (through openidconnect) and the claims Portico
//! keeps from it.

use openidconnect::core::{CoreIdToken, CoreJwsSigningAlgorithm};
use openidconnect::{ClientId, IdTokenVerifier, Nonce, NonceVerifier};
use serde_json::Value;

use super::{Failure, Metadata, Providers, Verified};
use crate::auth::config::ProviderConfig;

impl Providers {
    pub(super) fn verify(
        &self,
        provider: &ProviderConfig,
        metadata: &Metadata,
        signed: &str,
        nonce: &str,
    ) -> Result<Verified, Failure> {
        let token: CoreIdToken = signed
            .parse()
            .map_err(|err| Failure::Rejected(format!("the ID token is not a JWT: {err}")))?;
        let verifier = IdTokenVerifier::new_public_client(
            ClientId::new(provider.client_id.clone()),
            metadata.issuer().clone(),
            metadata.jwks().clone(),
        )
        .set_allowed_algs([
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EcdsaP384Sha384,
            CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
        ]);
        let expected = Nonce::new(nonce.to_string());
        let claims = token
            .claims(&verifier, |found: Option<&Nonce>| expected.verify(found))
            .map_err(|err| Failure::Rejected(format!("ID token: {err}")))?;
        let subject = claims.subject().as_str().to_string();
        // The signature holds, so the payload can be read as it is for the
        // claims that openidconnect's types leave out.
        let all = payload_json(signed).unwrap_or(Value::Null);
        let name = provider
            .name_claim
            .as_deref()
            .and_then(|path| claim_at(&all, path))
            .or_else(|| {
                claims
                    .name()
                    .and_then(|name| name.get(None))
                    .map(|name| name.as_str().to_string())
            });
        let email = claims.email().map(|email| email.as_str().to_string());
        Ok(Verified {
            subject,
            name,
            email,
            claims: all,
            id_token: signed.to_string(),
        })
    }
}

/// The JSON payload of a compact JWS.
fn payload_json(jws: &str) -> Option<Value> {
    use base64::Engine as _;
    let payload = jws.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A claim by dotted path (`userInfo.CPUID_FullName`), as text.
fn claim_at(claims: &Value, path: &str) -> Option<String> {
    let mut value = claims;
    for part in path.split('.') {
        value = value.get(part)?;
    }
    value
        .as_str()
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_found_by_dotted_path() {
        let claims = serde_json::json!({"userInfo": {"CPUID_FullName": "Tan Ah Kow"}, "n": 1});
        assert_eq!(
            claim_at(&claims, "userInfo.CPUID_FullName").as_deref(),
            Some("Tan Ah Kow")
        );
        assert_eq!(claim_at(&claims, "userInfo.missing"), None);
        assert_eq!(claim_at(&claims, "n"), None);
    }
}
