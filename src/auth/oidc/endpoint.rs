//! Calls to a provider's endpoints (pushed authorization, token) with the
//! client's authentication, and a DPoP proof where the profile asks for one.

use serde::Deserialize;

use super::{Failure, Metadata, Providers};
use crate::auth::config::{ClientAuth, ProviderConfig};

impl Providers {
    /// POSTs a form to a provider's endpoint with the client's
    /// authentication (and a DPoP proof when asked), retrying once with the
    /// provider's DPoP nonce if it demands one.
    pub(super) async fn post_form<T: serde::de::DeserializeOwned>(
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
}

#[derive(Debug, Default, Deserialize)]
struct OAuthError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

/// An error with its sources, on one line.
pub(super) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
