//! Security headers on every portal response: a Content Security Policy
//! (scripts only with the page's nonce, and only on pages that hydrate),
//! no framing, HSTS outside development.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderName, HeaderValue};

use super::state::AppState;

/// The header the HTML shell uses to hand its nonce to [`headers`], which
/// takes it off the response and writes the policy with it.
pub const NONCE_HEADER: &str = "x-portico-csp-nonce";

#[derive(Clone, Debug)]
pub struct Headers {
    /// `form-action` sources: this portal, and the identity providers a
    /// sign-out form may redirect to.
    form_action: String,
    hsts: bool,
}

impl Headers {
    pub fn new(state: &AppState) -> Self {
        let mut form_action = String::from("'self'");
        for provider in &state.auth.providers.config().providers {
            if let Ok(url) = url::Url::parse(&provider.issuer) {
                let origin = url.origin().ascii_serialization();
                if origin != "null" && !form_action.contains(&origin) {
                    form_action.push(' ');
                    form_action.push_str(&origin);
                }
            }
        }
        Headers {
            form_action,
            hsts: !state.dev,
        }
    }

    /// The policy for a response; `nonce` when the page runs Leptos' scripts.
    pub fn policy(&self, nonce: Option<&str>) -> String {
        let scripts = match nonce {
            Some(nonce) => format!("'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"),
            None => "'none'".to_string(),
        };
        format!(
            "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action {}; frame-ancestors 'none'",
            self.form_action
        )
    }
}

pub async fn headers(State(config): State<Headers>, request: Request, next: Next) -> Response {
    let is_asset =
        request.uri().path().starts_with("/pkg/") || request.uri().path() == "/favicon.svg";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Pages and data carry who is signed in (and the session's CSRF token):
    // no cache may keep them. The site's files may be kept.
    if !is_asset && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let nonce = headers
        .remove(NONCE_HEADER)
        .and_then(|value| value.to_str().ok().map(str::to_string));
    if let Ok(policy) = HeaderValue::from_str(&config.policy(nonce.as_deref())) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if config.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_run_only_with_the_nonce() {
        let headers = Headers {
            form_action: "'self' https://idp.example".into(),
            hsts: true,
        };
        let with = headers.policy(Some("abc"));
        assert!(with.contains("script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(!with.contains("unsafe-inline"));
        assert!(with.contains("frame-ancestors 'none'"));
        assert!(with.contains("form-action 'self' https://idp.example;"));
        assert!(headers.policy(None).contains("script-src 'none';"));
    }
}
