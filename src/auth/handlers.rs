//! The sign-in routes: start and callback per provider, the development
//! sign-in, sign-out, and Portico's public keys.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use tower_sessions::Session;

use super::model::{Role, UserKind};
use super::oidc::{Failure, Pending};
use super::repo::{self, SignIn};
use super::session as keys;
use crate::server::error::AppError;
use crate::server::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

/// Only a path of this portal may follow a sign-in: never another site
/// (`//evil.example` and `/\evil.example` included).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_string()
        }
        _ => "/account".to_string(),
    }
}

fn to_sign_in_page(code: &str) -> Response {
    Redirect::to(&format!("/sign-in?problem={code}")).into_response()
}

fn log_failure(provider: &str, failure: &Failure) {
    tracing::warn!(
        provider,
        reason = failure.code(),
        detail = failure.detail(),
        "sign-in failed"
    );
}

/// `GET /sign-in/{provider}`: sends the visitor to the provider.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Path(provider): Path<String>,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(query.next.as_deref());
    let now = state.clock.now().unix_timestamp();
    match state.auth.providers.begin(&provider, &next, now).await {
        Ok((url, pending)) => {
            session.insert(keys::PENDING, &pending).await?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(failure) => {
            log_failure(&provider, &failure);
            Ok(to_sign_in_page(failure.code()))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /sign-in/{provider}/callback`: the provider sends the visitor back.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    // Taken out whatever happens next: a state is good for one try only.
    let pending: Option<Pending> = session.remove(keys::PENDING).await?;
    let now = state.clock.now();
    let providers = &state.auth.providers;
    let finished = async {
        let (pending, code) = returned(pending, &provider, query)?;
        let config = providers
            .config()
            .provider(&provider)
            .ok_or(Failure::UnknownProvider)?;
        let verified = providers
            .finish(&pending, &code, now.unix_timestamp())
            .await?;
        Ok::<_, Failure>((pending, config, verified))
    }
    .await;
    let (pending, config, verified) = match finished {
        Ok(finished) => finished,
        Err(failure) => {
            log_failure(&provider, &failure);
            return Ok(to_sign_in_page(failure.code()));
        }
    };
    let fallback_name = format!("{} user", config.name);
    let claims_json = verified.claims.to_string();
    let sign_in = SignIn {
        provider: &provider,
        subject: &verified.subject,
        kind: config.kind,
        display_name: verified.name.as_deref().unwrap_or(&fallback_name),
        email: verified.email.as_deref(),
        claims_json: &claims_json,
    };
    let stamp = crate::server::clock::format_timestamp(now);
    let mut tx = state.db.begin().await?;
    let user_id = repo::record_sign_in(&mut tx, &sign_in, &stamp).await?;
    tx.commit().await?;
    establish(
        &session,
        user_id,
        &provider,
        Some(&verified.id_token),
        now.unix_timestamp(),
    )
    .await?;
    tracing::info!(provider, user_id, "signed in");
    Ok(Redirect::to(&pending.next).into_response())
}

/// The pending sign-in and the code, when the callback matches the sign-in
/// this browser started (same provider, same state) and carries a code.
fn returned(
    pending: Option<Pending>,
    provider: &str,
    query: CallbackQuery,
) -> Result<(Pending, String), Failure> {
    let pending = match (pending, &query.state) {
        (Some(pending), Some(state))
            if pending.provider == provider
                && constant_time_eq(pending.state.as_bytes(), state.as_bytes()) =>
        {
            pending
        }
        _ => return Err(Failure::State),
    };
    if let Some(error) = query.error {
        return Err(Failure::Denied(format!(
            "the provider answered error={error}"
        )));
    }
    let code = query
        .code
        .ok_or_else(|| Failure::Rejected("the callback has no code".into()))?;
    Ok((pending, code))
}

/// Starts a signed-in session: a new session id (so that an id planted
/// before the sign-in is worthless), the user, and a new CSRF token.
pub async fn establish(
    session: &Session,
    user_id: i64,
    provider: &str,
    id_token: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(keys::USER_ID, user_id).await?;
    session.insert(keys::PROVIDER, provider).await?;
    session.insert(keys::SIGNED_IN_AT, now).await?;
    session.insert(keys::CSRF, keys::new_token()).await?;
    if let Some(token) = id_token {
        session.insert(keys::ID_TOKEN, token).await?;
    }
    Ok(())
}

/// `POST /sign-out`: ends the session here, then at the provider when it
/// offers that.
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    let provider: Option<String> = session.get(keys::PROVIDER).await?;
    let id_token: Option<String> = session.get(keys::ID_TOKEN).await?;
    session.flush().await?;
    let home = format!(
        "{}?signed-out=1",
        state
            .auth
            .public_url
            .join("/")
            .map(|u| u.to_string())
            .unwrap_or_else(|_| "/".into())
    );
    if let Some(provider) = provider {
        if let Some(url) = state
            .auth
            .providers
            .end_session_url(&provider, id_token.as_deref(), &home)
            .await
        {
            return Ok(Redirect::to(&url).into_response());
        }
    }
    Ok(Redirect::to("/?signed-out=1").into_response())
}

/// `GET /.well-known/jwks.json`: the public keys providers check Portico's
/// client assertions with and encrypt ID tokens to.
pub async fn jwks(State(state): State<AppState>) -> Response {
    let mut response = Json(state.auth.providers.keys().public_jwks()).into_response();
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The people of the development sign-in.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DemoPerson {
    Developer,
    Owner,
    Admin,
}

impl DemoPerson {
    pub const ALL: [DemoPerson; 3] = [DemoPerson::Developer, DemoPerson::Owner, DemoPerson::Admin];

    pub fn subject(self) -> &'static str {
        match self {
            DemoPerson::Developer => "developer",
            DemoPerson::Owner => "owner",
            DemoPerson::Admin => "admin",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DemoPerson::Developer => "Dana Developer",
            DemoPerson::Owner => "Owen Owner",
            DemoPerson::Admin => "Ada Admin",
        }
    }

    pub fn kind(self) -> UserKind {
        match self {
            DemoPerson::Developer => UserKind::Individual,
            DemoPerson::Owner | DemoPerson::Admin => UserKind::Business,
        }
    }
}

/// The agency the demo owner owns.
pub const DEMO_OWNED_AGENCY: &str = "demo-transport";

#[derive(Debug, Deserialize)]
pub struct DevSignInForm {
    who: DemoPerson,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /dev/sign-in` (only with `--dev`): signs in as a demo person,
/// creating them (and the owner's membership, the admin's right) on first use.
pub async fn dev_sign_in(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<DevSignInForm>,
) -> Result<Response, AppError> {
    if !state.dev {
        return Err(AppError::NotFound(
            "There is no development sign-in here.".into(),
        ));
    }
    let person = form.who;
    let now = state.clock.now();
    let stamp = crate::server::clock::format_timestamp(now);
    let claims = serde_json::json!({ "sub": person.subject(), "name": person.name() }).to_string();
    let mut tx = state.db.begin().await?;
    let user_id = repo::record_sign_in(
        &mut tx,
        &SignIn {
            provider: "dev",
            subject: person.subject(),
            kind: person.kind(),
            display_name: person.name(),
            email: Some(&format!("{}@portico-demo.example", person.subject())),
            claims_json: &claims,
        },
        &stamp,
    )
    .await?;
    // What the demo person is given is on the record like any other grant,
    // the first time (or again after someone took it away).
    let provisioning = crate::audit::Actor {
        user_id: None,
        name: "development sign-in".into(),
        client_addr: None,
    };
    let target = format!("dev:{}", person.subject());
    match person {
        DemoPerson::Owner => {
            if let Some(tenant_id) =
                crate::tenants::repo::find_id(&mut tx, DEMO_OWNED_AGENCY).await?
            {
                let previous = repo::membership_role(&mut tx, user_id, tenant_id).await?;
                if previous != Some(Role::Owner) {
                    repo::set_membership(&mut tx, user_id, tenant_id, Role::Owner, &stamp).await?;
                    let detail = serde_json::json!({
                        "role": "owner",
                        "previous": previous.map(Role::as_str),
                    });
                    crate::audit::record(
                        &mut tx,
                        &provisioning.event(Some(tenant_id), "membership.set", &target, detail),
                        &stamp,
                    )
                    .await?;
                }
            }
        }
        DemoPerson::Admin => {
            if !repo::admin_granted(&mut tx, user_id).await? {
                repo::set_admin_granted(&mut tx, user_id, true, &stamp).await?;
                let detail = serde_json::json!({ "admin": true, "user": user_id });
                crate::audit::record(
                    &mut tx,
                    &provisioning.event(None, "admin.grant", &target, detail),
                    &stamp,
                )
                .await?;
            }
        }
        DemoPerson::Developer => {}
    }
    tx.commit().await?;
    establish(&session, user_id, "dev", None, now.unix_timestamp()).await?;
    let next = match (person, form.next.as_deref()) {
        (_, Some(next)) => safe_next(Some(next)),
        (DemoPerson::Admin, None) => "/admin".into(),
        (DemoPerson::Owner, None) => format!("/manage/{DEMO_OWNED_AGENCY}"),
        (DemoPerson::Developer, None) => "/account".into(),
    };
    Ok(Redirect::to(&next).into_response())
}

/// Compares secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_follow_a_sign_in() {
        assert_eq!(safe_next(Some("/apis?q=x")), "/apis?q=x");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/account", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/account");
    }
}
