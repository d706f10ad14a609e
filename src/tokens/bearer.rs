//! The extractors of routes that a personal access token authorises: an
//! agency's token (`Need::AgencyToken`) or a developer's
//! (`Need::DeveloperToken`). The whole check, once, before the handler
//! runs; each kind is refused on the other's routes, saying which to use.
//! The token is never logged: it lives in a [`Secret`], whose `Debug` and
//! `Display` show only its prefix.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};

use super::model::TokenStatus;
use super::repo::{self, StoredToken};
use super::service;
use crate::audit::Actor;
use crate::auth::model::Role;
use crate::secret::{Secret, SecretKind};
use crate::server::problem::Problem;
use crate::server::state::AppState;

/// A request authorised by a personal access token of the agency in its
/// path, whose user is still a member there.
#[derive(Debug, Clone)]
pub struct AgencyToken {
    pub token_id: i64,
    pub tenant_id: i64,
    pub agency: String,
    /// The user's role in the agency now (not when the token was made).
    pub role: Role,
    /// The actor of the request's audit events: "NAME (token ptt_PREFIX)".
    pub actor: Actor,
}

/// Why a token was refused: 401 for the token itself, 403 for its reach.
#[derive(Debug)]
pub enum TokenRefusal {
    Unauthenticated(String),
    Forbidden(String),
    Internal(anyhow::Error),
}

impl IntoResponse for TokenRefusal {
    fn into_response(self) -> Response {
        match self {
            TokenRefusal::Unauthenticated(detail) => {
                let mut response = Problem::unauthenticated(detail).into_response();
                // RFC 6750: say which scheme the endpoint takes.
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"portico\""),
                );
                response
            }
            TokenRefusal::Forbidden(detail) => {
                Problem::new(StatusCode::FORBIDDEN, "forbidden", detail).into_response()
            }
            TokenRefusal::Internal(err) => {
                crate::server::error::AppError::Internal(err).into_response()
            }
        }
    }
}

impl From<sqlx::Error> for TokenRefusal {
    fn from(err: sqlx::Error) -> Self {
        TokenRefusal::Internal(err.into())
    }
}

/// Which token a route takes: said in every refusal, so that the caller
/// learns where to create the right one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wanted {
    Agency,
    Developer,
}

impl Wanted {
    fn where_to_create(self) -> &'static str {
        match self {
            Wanted::Agency => "on the agency's Tokens page (/manage/AGENCY/tokens)",
            Wanted::Developer => "on your account's Tokens page (/account/tokens)",
        }
    }
}

/// Steps 1 to 3 of both extractors: the header, the checksum, the lookup,
/// and the token's status. Returns a live token, of either kind.
async fn authenticate(
    parts: &Parts,
    state: &AppState,
    wanted: Wanted,
) -> Result<StoredToken, TokenRefusal> {
    let create = wanted.where_to_create();
    // 1. The header, and the secret's own checksum: a mistyped or
    //    made-up token is refused without a database query.
    let presented = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .ok_or_else(|| {
            TokenRefusal::Unauthenticated(format!(
                "Send a personal access token: Authorization: Bearer ptt_... (create one {create})."
            ))
        })?;
    let secret =
        Secret::parse(presented).map_err(|err| TokenRefusal::Unauthenticated(err.to_string()))?;
    if secret.kind() != SecretKind::AccessToken {
        return Err(TokenRefusal::Unauthenticated(format!(
            "This is an API key, for calling APIs through the gateway: this route needs a personal access token (ptt_...), created {create}."
        )));
    }
    // 2. The hash lookup. Comparing hashes through an index compares
    //    no secret byte by byte, so there is no timing to measure.
    let token = repo::find_by_hash(state.db.pool(), &secret.hash())
        .await?
        .ok_or_else(|| {
            TokenRefusal::Unauthenticated(format!(
                "The token is not valid: it may have been revoked or deleted. Create a new one {create}."
            ))
        })?;
    // 3. Revoked or expired: dead, whoever holds it.
    match service::status(&token, state.clock.now()) {
        TokenStatus::Active => Ok(token),
        TokenStatus::Revoked => Err(TokenRefusal::Unauthenticated(format!(
            "The token was revoked. Create a new one {create}."
        ))),
        TokenStatus::Expired => Err(TokenRefusal::Unauthenticated(format!(
            "The token expired at {}. Create a new one {create}.",
            token.expires_at
        ))),
    }
}

/// A token that passed every check: its last use is recorded, and the
/// request's audit actor is "NAME (token ptt_PREFIX)" from its address.
async fn accept(
    parts: &Parts,
    state: &AppState,
    token: &StoredToken,
    user_id: i64,
    display_name: &str,
) -> Result<Actor, TokenRefusal> {
    repo::touch(state.db.pool(), token.id, &state.clock.now_text()).await?;
    Ok(Actor {
        user_id: Some(user_id),
        name: format!(
            "{display_name} (token {})",
            service::shown_prefix(&token.prefix)
        ),
        client_addr: parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string()),
    })
}

impl FromRequestParts<AppState> for AgencyToken {
    type Rejection = TokenRefusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = authenticate(parts, state, Wanted::Agency).await?;
        let Some(token_tenant) = token.tenant_id else {
            return Err(TokenRefusal::Forbidden(format!(
                "This is a developer token, for your own applications: publishing needs a token of the agency, created {}.",
                Wanted::Agency.where_to_create()
            )));
        };
        // 4. The agency in the path is the token's.
        let path: Path<HashMap<String, String>> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| TokenRefusal::Forbidden("This route names no agency.".into()))?;
        let agency = path.get("agency").cloned().unwrap_or_default();
        let tenant = crate::tenants::repo::find(state.db.pool(), &agency).await?;
        let Some(tenant) = tenant.filter(|tenant| tenant.id == token_tenant) else {
            return Err(TokenRefusal::Forbidden(format!(
                "This token is for another agency, not {agency:?}: use a token created on {agency:?}'s Tokens page."
            )));
        };
        if tenant.status != "active" {
            return Err(TokenRefusal::Forbidden(format!(
                "The agency {agency:?} is suspended: nothing can be published for it."
            )));
        }
        // 5. Its user is still a member there, and acts with today's role.
        let user = crate::auth::repo::load_user(state.db.pool(), token.user_id).await?;
        let role = user.as_ref().and_then(|user| {
            user.memberships
                .iter()
                .find(|(tenant_id, _)| *tenant_id == tenant.id)
                .map(|(_, membership)| membership.role)
        });
        let (Some(user), Some(role)) = (user, role) else {
            return Err(TokenRefusal::Forbidden(
                "The token's owner is no longer a member of this agency, so the token no longer works.".into(),
            ));
        };
        let actor = accept(parts, state, &token, user.id, &user.display_name).await?;
        Ok(AgencyToken {
            token_id: token.id,
            tenant_id: tenant.id,
            agency: tenant.slug,
            role,
            actor,
        })
    }
}

/// A request authorised by a developer token: it acts as its user, on
/// that user's own applications only (`Need::DeveloperToken`).
#[derive(Debug, Clone)]
pub struct DeveloperToken {
    pub token_id: i64,
    pub user_id: i64,
    /// The slugs of the user's agencies now: their private APIs are
    /// visible to them, as on the portal.
    pub agencies: Vec<String>,
    /// The actor of the request's audit events: "NAME (token ptt_PREFIX)".
    pub actor: Actor,
}

impl FromRequestParts<AppState> for DeveloperToken {
    type Rejection = TokenRefusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = authenticate(parts, state, Wanted::Developer).await?;
        // 4. A developer token: an agency's token publishes, nothing more.
        if token.tenant_id.is_some() {
            return Err(TokenRefusal::Forbidden(format!(
                "This is an agency's publishing token: the developer API needs a developer token, created {}.",
                Wanted::Developer.where_to_create()
            )));
        }
        let Some(user) = crate::auth::repo::load_user(state.db.pool(), token.user_id).await? else {
            return Err(TokenRefusal::Unauthenticated(
                "The token's owner no longer exists, so the token no longer works.".into(),
            ));
        };
        let actor = accept(parts, state, &token, user.id, &user.display_name).await?;
        Ok(DeveloperToken {
            token_id: token.id,
            user_id: user.id,
            agencies: user.memberships.into_iter().map(|(_, m)| m.slug).collect(),
            actor,
        })
    }
}
