//! Who may do what: the caller of a request, what a route needs, and the one
//! check that compares them. Every portal route has a [`Need`]; the access
//! middleware (src/server/access.rs) applies it before any handler, page or
//! server function runs, and functions whose agency comes from their
//! arguments check it again with [`require_member`].

use std::sync::Arc;

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::model::{AgencyRole, Role, UserKind, Viewer};
use crate::server::error::AppError;

/// What a route asks of its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Anyone,
    /// Any signed-in user (every user is at least a developer).
    SignedIn,
    /// A platform admin.
    Admin,
    /// A member of the agency named by the route's `{agency}` segment, with
    /// at least this role. Admins are not members by being admins.
    Agency(Role),
    /// A signed-in user; the agency comes from the function's arguments and
    /// the function checks it with [`require_member`] first.
    AgencyArgument(Role),
    /// A personal access token of the agency in the route's `{agency}`
    /// segment, not a session: the middleware lets the request through and
    /// the handler's extractor (`crate::tokens::bearer::AgencyToken`) does
    /// the whole check (401 for a bad token, 403 for another agency's).
    AgencyToken,
    /// A developer token (a personal access token of no agency), not a
    /// session: the middleware lets the request through and the handler's
    /// extractor (`crate::tokens::bearer::DeveloperToken`) does the whole
    /// check (401 for a bad token, 403 for an agency's token). The handler
    /// reaches the token's user's own applications only.
    DeveloperToken,
}

impl Need {
    /// Authorised by a bearer token, not a session: browsers never send one
    /// on their own, so such a route needs no CSRF token either.
    pub fn is_token(self) -> bool {
        matches!(self, Need::AgencyToken | Need::DeveloperToken)
    }
}

/// The signed-in user making a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub name: String,
    pub kind: UserKind,
    pub email: Option<String>,
    pub admin: bool,
    pub memberships: Vec<(i64, AgencyRole)>,
    pub created_at: String,
    /// The CSRF token of the caller's session.
    pub csrf_token: String,
}

impl Caller {
    /// The caller's role in the agency with this slug.
    pub fn role_in(&self, agency: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|(_, membership)| membership.slug == agency)
            .map(|(_, membership)| membership.role)
    }

    /// The caller as pages show them.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            name: self.name.clone(),
            kind: self.kind,
            admin: self.admin,
            agencies: self.memberships.iter().map(|(_, m)| m.clone()).collect(),
            csrf_token: self.csrf_token.clone(),
        }
    }
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nobody is signed in: sign in and come back.
    SignInNeeded,
    /// Signed in, but this is not for them.
    Forbidden,
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::SignInNeeded => AppError::SignInNeeded,
            Refusal::Forbidden => AppError::Forbidden(super::model::NO_ACCESS.into()),
        }
    }
}

/// The check. `agency` is the slug named by the route, for
/// [`Need::Agency`] (and by the arguments, for [`Need::AgencyArgument`]).
pub fn authorize(caller: Option<&Caller>, need: Need, agency: Option<&str>) -> Result<(), Refusal> {
    if need == Need::Anyone || need.is_token() {
        return Ok(());
    }
    let Some(caller) = caller else {
        return Err(Refusal::SignInNeeded);
    };
    let allowed = match need {
        Need::Anyone | Need::AgencyToken | Need::DeveloperToken | Need::SignedIn => true,
        Need::Admin => caller.admin,
        Need::Agency(role) | Need::AgencyArgument(role) => match agency {
            Some(slug) => caller.role_in(slug).is_some_and(|held| held >= role),
            // An agency route without an agency to check: refuse.
            None => matches!(need, Need::AgencyArgument(_)),
        },
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::Forbidden)
    }
}

/// The caller of this request, as the access middleware found it.
#[derive(Clone, Debug, Default)]
pub struct CallerSlot(pub Option<Arc<Caller>>);

/// A signed-in caller, for handlers: refuses the anonymous with 401.
pub struct SignedIn(pub Arc<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<CallerSlot>() {
            Some(CallerSlot(Some(caller))) => Ok(SignedIn(caller.clone())),
            _ => Err(AppError::SignInNeeded),
        }
    }
}

/// A signed-in caller who is about to change something, for form and REST
/// handlers: the caller, and the actor their audit events name (with the
/// address the request came from). Refuses the anonymous with 401.
pub struct Acting {
    pub caller: Arc<Caller>,
    pub actor: crate::audit::Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let SignedIn(caller) = SignedIn::from_request_parts(parts, state).await?;
        let client_addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string());
        Ok(Acting {
            actor: crate::audit::Actor {
                user_id: Some(caller.user_id),
                name: caller.name.clone(),
                client_addr,
            },
            caller,
        })
    }
}

impl Acting {
    /// Refuses unless the caller holds at least `role` in the agency.
    pub fn require_member(&self, agency: &str, role: Role) -> Result<(), AppError> {
        authorize(Some(&self.caller), Need::Agency(role), Some(agency)).map_err(AppError::from)
    }

    /// Refuses unless the caller is a platform admin.
    pub fn require_admin(&self) -> Result<(), AppError> {
        authorize(Some(&self.caller), Need::Admin, None).map_err(AppError::from)
    }
}

/// The caller inside a server function (`None`: anonymous).
pub fn current_caller() -> Option<Arc<Caller>> {
    leptos::prelude::use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<CallerSlot>().cloned())
        .and_then(|slot| slot.0)
}

/// The first line of a server function that needs a signed-in user.
pub fn require_signed_in() -> Result<Arc<Caller>, AppError> {
    current_caller().ok_or(AppError::SignInNeeded)
}

/// The first line of a server function that needs an admin.
pub fn require_admin() -> Result<Arc<Caller>, AppError> {
    require(Need::Admin, None)
}

/// The first line of a server function that acts in an agency named by its
/// arguments.
pub fn require_member(agency: &str, role: Role) -> Result<Arc<Caller>, AppError> {
    require(Need::Agency(role), Some(agency))
}

/// The caller, when [`authorize`] lets them through.
fn require(need: Need, agency: Option<&str>) -> Result<Arc<Caller>, AppError> {
    let caller = current_caller().ok_or(AppError::SignInNeeded)?;
    authorize(Some(&caller), need, agency)?;
    Ok(caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(admin: bool, memberships: &[(&str, Role)]) -> Caller {
        Caller {
            user_id: 1,
            name: "Test".into(),
            kind: UserKind::Business,
            email: None,
            admin,
            memberships: memberships
                .iter()
                .enumerate()
                .map(|(i, (slug, role))| {
                    (
                        i as i64,
                        AgencyRole {
                            slug: (*slug).into(),
                            name: (*slug).into(),
                            role: *role,
                        },
                    )
                })
                .collect(),
            created_at: String::new(),
            csrf_token: String::new(),
        }
    }

    #[test]
    fn the_anonymous_are_asked_to_sign_in_for_anything_but_public_routes() {
        assert_eq!(authorize(None, Need::Anyone, None), Ok(()));
        for need in [
            Need::SignedIn,
            Need::Admin,
            Need::Agency(Role::Maintainer),
            Need::AgencyArgument(Role::Owner),
        ] {
            assert_eq!(authorize(None, need, Some("a")), Err(Refusal::SignInNeeded));
        }
    }

    #[test]
    fn roles_and_agencies_are_checked() {
        let maintainer = caller(false, &[("a", Role::Maintainer)]);
        let owner = caller(false, &[("a", Role::Owner)]);
        let admin = caller(true, &[]);
        let m = Some(&maintainer);
        assert_eq!(authorize(m, Need::SignedIn, None), Ok(()));
        assert_eq!(authorize(m, Need::Admin, None), Err(Refusal::Forbidden));
        assert_eq!(
            authorize(m, Need::Agency(Role::Maintainer), Some("a")),
            Ok(())
        );
        assert_eq!(
            authorize(m, Need::Agency(Role::Owner), Some("a")),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            authorize(m, Need::Agency(Role::Maintainer), Some("b")),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            authorize(Some(&owner), Need::Agency(Role::Maintainer), Some("a")),
            Ok(())
        );
        assert_eq!(authorize(Some(&admin), Need::Admin, None), Ok(()));
        assert_eq!(
            authorize(Some(&admin), Need::Agency(Role::Maintainer), Some("a")),
            Err(Refusal::Forbidden),
            "an admin is not a member of every agency"
        );
        assert_eq!(
            authorize(m, Need::Agency(Role::Maintainer), None),
            Err(Refusal::Forbidden),
            "an agency route without an agency refuses"
        );
    }
}
