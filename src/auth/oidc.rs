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
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, ProviderMetadata,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

mod endpoint;
use endpoint::error_chain;
mod failure;
mod id_token;

pub use failure::{failure_sentence, Failure};

use super::config::{AuthConfig, Profile, ProviderConfig};
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
