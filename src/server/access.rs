//! The access middleware: every portal request passes here after routing.
//! It loads the caller from the session, looks up what the matched route
//! needs, refuses what the caller may not do, and checks that a
//! state-changing request comes from this portal (CSRF).
//!
//! A matched route without a rule is refused for everyone and logged: a
//! new route cannot be reachable by accident before it is given one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, Method, StatusCode};
use tower_sessions::Session;

use super::error::AppError;
use super::state::AppState;
use crate::auth::access::{authorize, Caller, CallerSlot, Need, Refusal};
use crate::auth::handlers::constant_time_eq;
use crate::auth::repo;
use crate::auth::session as keys;

/// What each route needs, by its path pattern as axum matched it.
#[derive(Debug, Clone, Default)]
pub struct Rules(pub HashMap<String, Need>);

impl Rules {
    pub fn add(&mut self, path: &str, need: Need) {
        if let Some(previous) = self.0.insert(path.to_string(), need) {
            assert_eq!(previous, need, "two different rules for {path}");
        }
    }

    pub fn get(&self, path: &str) -> Option<Need> {
        self.0.get(path).copied()
    }
}

pub type PageRenderer = Box<
    dyn Fn(Request) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>> + Send,
>;

/// The middleware's own state.
#[derive(Clone)]
pub struct Guard {
    pub state: AppState,
    pub rules: Arc<Rules>,
    /// Renders a page of the application for a path (the refusal page).
    pub render: Arc<Mutex<PageRenderer>>,
}

/// Largest form body read for its CSRF token.
const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// Largest upload (a form with a file: an OpenAPI document) read for its
/// CSRF token: the largest document Portico imports, and room for the rest.
const UPLOAD_LIMIT: usize = crate::openapi::source::MAX_BYTES + 1024 * 1024;

/// Name of the hidden form field with the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// Header alternative to the form field.
pub const CSRF_HEADER: &str = "x-csrf-token";

pub async fn enforce(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let caller = match &session {
        Some(session) => match load_caller(&guard.state, session).await {
            Ok(caller) => caller,
            Err(err) => return err.into_response(),
        },
        None => None,
    };
    let mut request = request;
    request.extensions_mut().insert(CallerSlot(caller.clone()));

    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let need = match &matched {
        Some(pattern) => match guard.rules.get(pattern) {
            Some(need) => need,
            None => {
                tracing::error!(route = %pattern, "route has no access rule; refused");
                return AppError::Forbidden("This route has no access rule yet.".into())
                    .into_response();
            }
        },
        // Static files and unknown paths.
        None => Need::Anyone,
    };
    let agency = matched
        .as_deref()
        .and_then(|pattern| segment_for(pattern, request.uri().path(), "{agency}"));
    if let Err(refusal) = authorize(caller.as_deref(), need, agency.as_deref()) {
        return refuse(&guard, refusal, request).await;
    }

    // A bearer token is not sent by browsers on their own, as cookies are:
    // a token route cannot be forged from another site, and CI sends no
    // CSRF token.
    if is_state_changing(request.method()) && !need.is_token() {
        let token = match &session {
            Some(session) => session.get::<String>(keys::CSRF).await.ok().flatten(),
            None => None,
        };
        match check_csrf(request, caller.is_some(), token.as_deref()).await {
            Ok(request) => next.run(request).await,
            Err(response) => response,
        }
    } else {
        next.run(request).await
    }
}

/// The signed-in user of a session, or `None`; a session past its absolute
/// timeout, or whose user is gone, is ended here.
async fn load_caller(state: &AppState, session: &Session) -> Result<Option<Arc<Caller>>, AppError> {
    let user_id: Option<i64> = session.get(keys::USER_ID).await?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let signed_in_at: i64 = session.get(keys::SIGNED_IN_AT).await?.unwrap_or(0);
    let now = state.clock.now().unix_timestamp();
    if now - signed_in_at > keys::ABSOLUTE_TIMEOUT.whole_seconds() {
        session.flush().await?;
        return Ok(None);
    }
    let Some(user) = repo::load_user(state.db.pool(), user_id).await? else {
        session.flush().await?;
        return Ok(None);
    };
    let csrf_token: String = session.get(keys::CSRF).await?.unwrap_or_default();
    let config = state.auth.providers.config();
    let named_admin = user
        .identities
        .iter()
        .any(|(provider, subject)| config.names_admin(provider, subject));
    Ok(Some(Arc::new(Caller {
        user_id: user.id,
        name: user.display_name,
        kind: user.kind,
        email: user.email,
        admin: user.admin_granted || named_admin,
        memberships: user.memberships,
        created_at: user.created_at,
        csrf_token,
    })))
}

/// The path segment at the position of `name` in the route pattern.
fn segment_for(pattern: &str, path: &str, name: &str) -> Option<String> {
    let index = pattern.split('/').position(|segment| segment == name)?;
    path.split('/').nth(index).map(str::to_string)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/fn/")
}

fn wants_page(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD) && !is_api(request.uri().path())
}

async fn refuse(guard: &Guard, refusal: Refusal, request: Request) -> Response {
    match refusal {
        Refusal::SignInNeeded if wants_page(&request) => {
            let here = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
            Redirect::to(&format!("/sign-in?next={next}")).into_response()
        }
        Refusal::Forbidden if wants_page(&request) => {
            let (mut parts, _) = request.into_parts();
            parts.uri = http::Uri::from_static("/forbidden");
            parts.method = Method::GET;
            parts.extensions.insert(crate::app::StaticPage);
            let page = Request::from_parts(parts, Body::empty());
            let future = {
                let render = guard
                    .render
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                (*render)(page)
            };
            let mut response = future.await;
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
        refusal => AppError::from(refusal).into_response(),
    }
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// A state-changing request must come from a page of this portal: the
/// browser says so (Sec-Fetch-Site, or Origin against Host), and a
/// signed-in session's request must also carry the session's token (form
/// field or header).
async fn check_csrf(
    request: Request,
    signed_in: bool,
    token: Option<&str>,
) -> Result<Request, Response> {
    let refused = |why: &str| {
        tracing::warn!(reason = why, "cross-site request refused");
        AppError::Forbidden(
            "This form was sent from another site or an old page. Go back, reload the page and \
             send it again."
                .into(),
        )
        .into_response()
    };
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return Err(refused("sec-fetch-site"));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        if origin == "null" || origin_host != host {
            return Err(refused("origin"));
        }
    }
    if !signed_in {
        return Ok(request);
    }
    let Some(expected) = token.filter(|t| !t.is_empty()) else {
        return Err(refused("no token in session"));
    };
    if let Some(sent) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            Ok(request)
        } else {
            Err(refused("header token"))
        };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(refused("no token"));
    }
    let (parts, body) = request.into_parts();
    let limit = if multipart { UPLOAD_LIMIT } else { FORM_LIMIT };
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        AppError::Invalid(format!(
            "The form is larger than Portico accepts ({} MB).",
            limit / 1024 / 1024
        ))
        .into_response()
    })?;
    let sent = if multipart {
        multipart_token(&parts, bytes.clone()).await
    } else {
        url::form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value.into_owned())
    };
    match sent {
        Some(sent) if constant_time_eq(sent.as_bytes(), expected.as_bytes()) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(refused("form token")),
    }
}

/// The CSRF field of a multipart form (a form with a file), read from a
/// copy of the buffered body.
async fn multipart_token(parts: &http::request::Parts, bytes: axum::body::Bytes) -> Option<String> {
    use axum::extract::FromRequest;

    let mut copy = Request::new(Body::from(bytes));
    *copy.headers_mut() = parts.headers.clone();
    let mut form = axum::extract::Multipart::from_request(copy, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_segment_is_read_from_the_path() {
        assert_eq!(
            segment_for("/manage/{agency}/apis", "/manage/demo-ipo/apis", "{agency}").as_deref(),
            Some("demo-ipo")
        );
        assert_eq!(segment_for("/account", "/account", "{agency}"), None);
    }
}
