//! Signing in with an OpenID Connect provider: the authorization code flow
//! with PKCE, state and nonce; client authentication by secret or by signed
//! assertion; encrypted ID tokens; and, for providers with the FAPI 2.0
//! profile, pushed authorization requests and DPoP-bound tokens.
//!
//! `openidconnect` does discovery, PKCE, the random state and nonce, and
//! verifies the ID token (signature against the provider's JWKS, issuer,
//! audience, expiry, nonce). The steps it has no API for (client
//! assertions, JWE, PAR, DPoP) use josekit through [`super::keys`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreIdToken, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, ClientId, CsrfToken, IdTokenVerifier, IssuerUrl, Nonce,
    NonceVerifier, PkceCodeChallenge, ProviderMetadata,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::config::{AuthConfig, ClientAuth, Profile, ProviderConfig};
use super::keys::KeySet;

/// What discovery documents say beyond the core fields.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<String>,
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

pub type Metadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Discovery documents are kept this long before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(600);

/// A sign-in that has been sent to a provider and not come back yet: kept
/// in the visitor's session, taken out (once) by the callback.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pending {
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go after signing in (a path of the portal).
    pub next: String,
    /// Unix seconds; a pending sign-in older than ten minutes is refused.
    pub started_at: i64,
}

/// How long a visitor may take at the provider.
pub const PENDING_TTL_SECONDS: i64 = 600;

/// Why a sign-in failed, as the sign-in page explains it. Details go to the
/// log (never tokens); the visitor sees the sentence of [`Failure::code`].
#[derive(Debug)]
pub enum Failure {
    /// The state is missing, forged, replayed or too old.
    State,
    /// The visitor cancelled or the provider refused the sign-in.
    Denied(String),
    /// The provider could not be reached or answered nonsense.
    ProviderDown(String),
    /// The provider's answer did not pass the checks (ID token signature,
    /// issuer, audience, expiry, nonce, decryption).
    Rejected(String),
    /// No such provider.
    UnknownProvider,
}

impl Failure {
    /// The code the sign-in page turns into a sentence.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::State => "state",
            Failure::Denied(_) => "denied",
            Failure::ProviderDown(_) => "unavailable",
            Failure::Rejected(_) => "rejected",
            Failure::UnknownProvider => "unknown-provider",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Failure::State => "state missing, unknown, replayed or expired",
            Failure::Denied(d) | Failure::ProviderDown(d) | Failure::Rejected(d) => d,
            Failure::UnknownProvider => "no such provider",
        }
    }
}

/// The sentence shown for a failure code on the sign-in page.
pub fn failure_sentence(code: &str) -> Option<&'static str> {
    Some(match code {
        "state" => {
            "The sign-in could not be matched to this browser, or it took too long. \
             Start again from this page."
        }
        "denied" => {
            "The sign-in was cancelled or refused at the identity provider. You can try again."
        }
        "unavailable" => {
            "The identity provider could not be reached. Try again in a few minutes; \
             if it keeps happening, contact the portal's support."
        }
        "rejected" => {
            "The identity provider's answer did not pass Portico's checks, so you were not \
             signed in. Try again; if it keeps happening, contact the portal's support."
        }
        "unknown-provider" => "That sign-in option does not exist. Choose one below.",
        "expired" => "Your session ended. Sign in again to continue.",
        _ => return None,
    })
}

/// The verified result of a sign-in.
#[derive(Debug, Clone)]
pub struct Verified {
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// Every claim of the ID token, as JSON.
    pub claims: Value,
    /// For the provider's end-session endpoint.
    pub id_token: String,
}

/// The configured providers and what talking to them needs.
pub struct Providers {
    config: AuthConfig,
    keys: Arc<KeySet>,
    http: reqwest::Client,
    /// The portal's public base URL, for redirect URIs.
    public_url: Url,
    metadata: Mutex<HashMap<String, (Instant, Arc<Metadata>)>>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers")
            .field(
                "providers",
                &self
                    .config
                    .providers
                    .iter()
                    .map(|p| &p.id)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Providers {
    pub fn new(config: AuthConfig, keys: Arc<KeySet>, public_url: Url) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send Portico
            // anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("Portico/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Providers {
            config,
            keys,
            http,
            public_url,
            metadata: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Where a provider sends the visitor back.
    pub fn redirect_uri(&self, provider: &str) -> String {
        let mut url = self.public_url.clone();
        url.set_path(&format!("/sign-in/{provider}/callback"));
        url.to_string()
    }

    async fn metadata(&self, provider: &ProviderConfig) -> Result<Arc<Metadata>, Failure> {
        let mut cache = self.metadata.lock().await;
        if let Some((fetched, metadata)) = cache.get(&provider.id) {
            if fetched.elapsed() < METADATA_TTL {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(provider.issuer.clone())
            .map_err(|err| Failure::ProviderDown(format!("issuer URL: {err}")))?;
        let metadata = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|err| Failure::ProviderDown(format!("discovery: {}", error_chain(&err))))?;
        let metadata = Arc::new(metadata);
        cache.insert(provider.id.clone(), (Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Starts a sign-in: the URL to send the visitor to, and what to keep in
    /// their session until they come back.
    pub async fn begin(
        &self,
        provider_id: &str,
        next: &str,
        now: i64,
    ) -> Result<(String, Pending), Failure> {
        let provider = self
            .config
            .provider(provider_id)
            .ok_or(Failure::UnknownProvider)?;
        let metadata = self.metadata(provider).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = CsrfToken::new_random();
        let nonce = Nonce::new_random();
        let mut scopes: Vec<&str> = vec!["openid"];
        scopes.extend(
            provider
                .scopes
                .iter()
                .map(String::as_str)
                .filter(|s| *s != "openid"),
        );
        let scope = scopes.join(" ");
        let redirect_uri = self.redirect_uri(&provider.id);
        let params: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", &provider.client_id),
            ("redirect_uri", &redirect_uri),
            ("scope", &scope),
            ("state", state.secret()),
            ("nonce", nonce.secret()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        let mut url = metadata.authorization_endpoint().url().clone();
        let use_par = provider.profile == Profile::Fapi2
            || metadata
                .additional_metadata()
                .require_pushed_authorization_requests;
        if use_par {
            let request_uri = self.push_request(provider, &metadata, &params).await?;
            url.query_pairs_mut()
                .append_pair("client_id", &provider.client_id)
                .append_pair("request_uri", &request_uri);
        } else {
            url.query_pairs_mut().extend_pairs(params.iter());
        }
        Ok((
            url.to_string(),
            Pending {
                provider: provider.id.clone(),
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next: next.to_string(),
                started_at: now,
            },
        ))
    }

    /// A pushed authorization request (RFC 9126): the parameters go to the
    /// provider directly, the browser carries only the `request_uri`.
    async fn push_request(
        &self,
        provider: &ProviderConfig,
        metadata: &Metadata,
        params: &[(&str, &str)],
    ) -> Result<String, Failure> {
        let endpoint = metadata
            .additional_metadata()
            .pushed_authorization_request_endpoint
            .clone()
            .ok_or_else(|| {
                Failure::ProviderDown(
                    "the provider has no pushed_authorization_request_endpoint".into(),
                )
            })?;
        #[derive(Deserialize)]
        struct Pushed {
            request_uri: String,
        }
        let answer: Pushed = self
            .post_form(provider, metadata, &endpoint, params.to_vec(), None)
            .await?;
        Ok(answer.request_uri)
    }

    /// Ends a sign-in: checks the state against the pending one, exchanges
    /// the code, decrypts and verifies the ID token.
    pub async fn finish(
        &self,
        pending: &Pending,
        code: &str,
        now: i64,
    ) -> Result<Verified, Failure> {
        if now - pending.started_at > PENDING_TTL_SECONDS {
            return Err(Failure::State);
        }
        let provider = self
            .config
            .provider(&pending.provider)
            .ok_or(Failure::UnknownProvider)?;
        let metadata = self.metadata(provider).await?;
        let token_endpoint = metadata
            .token_endpoint()
            .ok_or_else(|| Failure::ProviderDown("the provider has no token endpoint".into()))?
            .url()
            .to_string();
        let redirect_uri = self.redirect_uri(&provider.id);
        let params = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", pending.pkce_verifier.as_str()),
        ];
        #[derive(Deserialize)]
        struct Tokens {
            id_token: Option<String>,
        }
        let dpop = provider.profile == Profile::Fapi2;
        let tokens: Tokens = self
            .post_form(
                provider,
                &metadata,
                &token_endpoint,
                params,
                dpop.then_some(()),
            )
            .await?;
        let raw = tokens
            .id_token
            .ok_or_else(|| Failure::Rejected("the token response has no id_token".into()))?;
        // Five parts: a JWE (RFC 7516) addressed to Portico's encryption key,
        // with the signed ID token inside.
        let signed = if raw.split('.').count() == 5 {
            self.keys
                .decrypt(&raw)
                .map_err(|err| Failure::Rejected(format!("{err:#}")))?
        } else {
            raw
        };
        self.verify(provider, &metadata, &signed, &pending.nonce)
    }

    fn verify(
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

    /// POSTs a form to a provider's endpoint with the client's
    /// authentication (and a DPoP proof when asked), retrying once with the
    /// provider's DPoP nonce if it demands one.
    async fn post_form<T: serde::de::DeserializeOwned>(
        &self,
        provider: &ProviderConfig,
        metadata: &Metadata,
        endpoint: &str,
        params: Vec<(&str, &str)>,
        dpop: Option<()>,
    ) -> Result<T, Failure> {
        let mut dpop_nonce: Option<String> = None;
        for attempt in 0..2 {
            let mut form: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let mut request = self.http.post(endpoint);
            match provider.client_auth {
                ClientAuth::ClientSecretBasic => {
                    // RFC 6749 2.3.1: both halves form-encoded first.
                    let id: String =
                        url::form_urlencoded::byte_serialize(provider.client_id.as_bytes())
                            .collect();
                    let secret: String = url::form_urlencoded::byte_serialize(
                        provider.client_secret.as_deref().unwrap_or("").as_bytes(),
                    )
                    .collect();
                    request = request.basic_auth(id, Some(secret));
                }
                ClientAuth::PrivateKeyJwt => {
                    // The audience is the issuer: what Singpass asks for, and
                    // what FAPI 2.0 requires of servers to accept.
                    let assertion = self
                        .keys
                        .client_assertion(&provider.client_id, metadata.issuer().as_str())
                        .map_err(|err| Failure::Rejected(format!("client assertion: {err:#}")))?;
                    // A pushed authorization request carries client_id
                    // already; a parameter sent twice is refused (RFC 6749 3.1).
                    if !form.iter().any(|(name, _)| name == "client_id") {
                        form.push(("client_id".into(), provider.client_id.clone()));
                    }
                    form.push((
                        "client_assertion_type".into(),
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
                    ));
                    form.push(("client_assertion".into(), assertion));
                }
            }
            if dpop.is_some() {
                let proof = self
                    .keys
                    .dpop_proof("POST", endpoint, dpop_nonce.as_deref(), None)
                    .map_err(|err| Failure::Rejected(format!("DPoP proof: {err:#}")))?;
                request = request.header("DPoP", proof);
            }
            let response = request.form(&form).send().await.map_err(|err| {
                Failure::ProviderDown(format!("{endpoint}: {}", error_chain(&err)))
            })?;
            let status = response.status();
            let nonce_header = response
                .headers()
                .get("dpop-nonce")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response
                .bytes()
                .await
                .map_err(|err| Failure::ProviderDown(format!("{endpoint}: {err}")))?;
            if status.is_success() {
                return serde_json::from_slice(&body).map_err(|err| {
                    Failure::ProviderDown(format!(
                        "{endpoint} answered JSON that Portico cannot read: {err}"
                    ))
                });
            }
            // Only the error code and description are logged: never the body
            // as a whole, which could hold tokens.
            let error: OAuthError = serde_json::from_slice(&body).unwrap_or_default();
            if attempt == 0
                && dpop.is_some()
                && error.error == "use_dpop_nonce"
                && nonce_header.is_some()
            {
                dpop_nonce = nonce_header;
                continue;
            }
            return Err(if status.is_server_error() {
                Failure::ProviderDown(format!("{endpoint} answered {status}"))
            } else {
                Failure::Rejected(format!(
                    "{endpoint} answered {status}: {} {}",
                    error.error, error.error_description
                ))
            });
        }
        Err(Failure::Rejected(
            "the provider kept asking for a new DPoP nonce".into(),
        ))
    }

    /// Where to send a signed-out visitor: the provider's end-session
    /// endpoint when it has one (back to `return_to` afterwards).
    pub async fn end_session_url(
        &self,
        provider_id: &str,
        id_token: Option<&str>,
        return_to: &str,
    ) -> Option<String> {
        let provider = self.config.provider(provider_id)?;
        let metadata = self.metadata(provider).await.ok()?;
        let endpoint = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let mut url = Url::parse(&endpoint).ok()?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("client_id", &provider.client_id);
            query.append_pair("post_logout_redirect_uri", return_to);
            if let Some(token) = id_token {
                query.append_pair("id_token_hint", token);
            }
        }
        Some(url.to_string())
    }
}

#[derive(Debug, Default, Deserialize)]
struct OAuthError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

/// An error with its sources, on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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

    #[test]
    fn every_failure_code_has_a_sentence() {
        for failure in [
            Failure::State,
            Failure::Denied(String::new()),
            Failure::ProviderDown(String::new()),
            Failure::Rejected(String::new()),
            Failure::UnknownProvider,
        ] {
            assert!(
                failure_sentence(failure.code()).is_some(),
                "{}",
                failure.code()
            );
        }
    }
}
