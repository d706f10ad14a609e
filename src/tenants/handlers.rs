//! The forms of the admin area and of agency owners: each checks its
//! caller, makes one change (with its audit event) and redirects back to a
//! page with a notice (see `crate::app::forms`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::admins::{self, IdentityForm};
use super::invitations::InvitationSecret;
use super::service::{self, AgencyForm, Refused};
use crate::app::forms::Notice;
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::gateway::changes::Change;
use crate::server::error::AppError;
use crate::server::flash::{redirect_with, send_back};
use crate::server::state::AppState;

/// The end of a form's handler: back to `to` with the success sentence, or
/// with the form's errors and values, or an error page.
async fn finish<T>(
    session: &Session,
    to: &str,
    outcome: Result<T, Refused>,
    success: impl FnOnce(T) -> Notice,
    values: Vec<(&'static str, String)>,
) -> Response {
    match outcome {
        Ok(done) => redirect_with(session, to, success(done)).await,
        Err(Refused::Fields(errors)) => send_back(session, to, errors, values).await,
        Err(Refused::Error(AppError::Conflict(sentence))) => {
            let notice = Notice::invalid(
                vec![crate::app::forms::FieldError::new("main-content", sentence)],
                Default::default(),
            );
            redirect_with(session, to, notice).await
        }
        Err(Refused::Error(err)) => err.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct AgencyFields {
    #[serde(default)]
    slug: String,
    name: String,
    #[serde(default)]
    contact_email: String,
}

/// `POST /admin/agencies`: creates an agency.
pub async fn create_agency(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Form(form): Form<AgencyFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let outcome = service::create_agency(
        &state.db,
        &state.clock,
        &acting.actor,
        &AgencyForm {
            slug: &form.slug,
            name: &form.name,
            contact_email: &form.contact_email,
        },
    )
    .await;
    let to = match &outcome {
        Ok(slug) => format!("/admin/agencies/{slug}"),
        Err(_) => "/admin/agencies/new".to_string(),
    };
    let values = vec![
        ("slug", form.slug.clone()),
        ("name", form.name.clone()),
        ("contact_email", form.contact_email.clone()),
    ];
    Ok(finish(
        &session,
        &to,
        outcome,
        |_| {
            Notice::success(format!(
                "Agency {} created. Now name or invite its owner.",
                form.name.trim()
            ))
        },
        values,
    )
    .await)
}

/// `POST /admin/agencies/{agency}`: renames an agency, sets its contact.
pub async fn update_agency(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    acting: Acting,
    session: Session,
    Form(form): Form<AgencyFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let outcome = service::update_agency(
        &state.db,
        &state.clock,
        &acting.actor,
        &AgencyForm {
            slug: &agency,
            name: &form.name,
            contact_email: &form.contact_email,
        },
    )
    .await;
    let values = vec![
        ("name", form.name.clone()),
        ("contact_email", form.contact_email.clone()),
    ];
    Ok(finish(
        &session,
        &format!("/admin/agencies/{agency}"),
        outcome,
        |_| Notice::success("The agency's details are saved."),
        values,
    )
    .await)
}

#[derive(Debug, Deserialize)]
pub struct StatusFields {
    /// `suspend` or `reactivate`.
    action: String,
    #[serde(default)]
    reason: String,
}

/// `POST /admin/agencies/{agency}/status`: suspends or reactivates.
pub async fn set_agency_status(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    acting: Acting,
    session: Session,
    Form(form): Form<StatusFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let suspend = match form.action.as_str() {
        "suspend" => true,
        "reactivate" => false,
        _ => {
            return Err(AppError::Invalid(
                "Choose to suspend or to reactivate.".into(),
            ))
        }
    };
    let outcome = service::set_agency_suspended(
        &state.db,
        &state.clock,
        &acting.actor,
        &agency,
        suspend,
        &form.reason,
    )
    .await;
    if outcome.is_ok() {
        state.changes.publish(Change::Routes).await;
    }
    Ok(finish(
        &session,
        &format!("/admin/agencies/{agency}"),
        outcome,
        |_| {
            Notice::success(if suspend {
                "The agency is suspended: its APIs are out of the catalogue and its gateway routes answer 503."
            } else {
                "The agency is active again: its published APIs are back in the catalogue and on the gateway."
            })
        },
        vec![("reason", form.reason.clone())],
    )
    .await)
}

#[derive(Debug, Deserialize)]
pub struct IdentityFields {
    provider: String,
    subject: String,
    #[serde(default)]
    name: String,
}

impl IdentityFields {
    fn form(&self) -> IdentityForm<'_> {
        IdentityForm {
            provider: &self.provider,
            subject: &self.subject,
            name: &self.name,
        }
    }

    fn values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("provider", self.provider.clone()),
            ("subject", self.subject.clone()),
            ("name", self.name.clone()),
        ]
    }
}

/// `POST /admin/agencies/{agency}/owners`: names an owner by identity.
pub async fn name_owner(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    acting: Acting,
    session: Session,
    Form(form): Form<IdentityFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let config = state.auth.providers.config();
    let outcome = admins::name_owner(
        &state.db,
        &state.clock,
        &acting.actor,
        config,
        state.dev,
        &agency,
        &form.form(),
    )
    .await;
    Ok(finish(
        &session,
        &format!("/admin/agencies/{agency}"),
        outcome,
        |_| Notice::success("The person is an owner of the agency. They see it when they sign in."),
        form.values(),
    )
    .await)
}

/// `POST /admin/admins`: grants platform admin rights.
pub async fn grant_admin(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Form(form): Form<IdentityFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let config = state.auth.providers.config();
    let outcome = admins::grant_admin(
        &state.db,
        &state.clock,
        &acting.actor,
        config,
        state.dev,
        &form.form(),
    )
    .await;
    Ok(finish(
        &session,
        "/admin",
        outcome,
        |_| Notice::success("Admin rights granted."),
        form.values(),
    )
    .await)
}

/// `POST /admin/admins/{user}/revoke`: removes admin rights.
pub async fn revoke_admin(
    State(state): State<AppState>,
    Path(user): Path<i64>,
    acting: Acting,
    session: Session,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let config = state.auth.providers.config();
    let outcome = admins::revoke_admin(&state.db, &state.clock, &acting.actor, config, user).await;
    Ok(finish(
        &session,
        "/admin",
        outcome,
        |_| Notice::success("Admin rights removed."),
        vec![],
    )
    .await)
}

#[derive(Debug, Deserialize)]
pub struct InvitationFields {
    role: String,
    note: String,
    days: String,
}

/// Creates an invitation and shows its link once on `to`.
async fn invite_to(
    state: &AppState,
    acting: &Acting,
    session: &Session,
    agency: &str,
    form: InvitationFields,
    to: &str,
) -> Response {
    let role = Role::parse(&form.role);
    let days = form.days.parse::<i64>().unwrap_or(0);
    let outcome = match role {
        Some(role) => {
            service::invite(
                &state.db,
                &state.clock,
                &acting.actor,
                agency,
                role,
                &form.note,
                days,
            )
            .await
        }
        None => Err(Refused::Fields(vec![crate::app::forms::FieldError::new(
            "role",
            "Choose the role the person will have",
        )])),
    };
    let public_url = state
        .auth
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let note = form.note.trim().to_string();
    finish(
        session,
        to,
        outcome,
        |secret: InvitationSecret| Notice {
            success: Some(format!(
                "Invitation created for {note}. Send them the link below: it works once, for {days} days."
            )),
            secret: Some(format!("{public_url}/invitations/{}", secret.expose())),
            ..Notice::default()
        },
        vec![("role", form.role), ("note", form.note), ("days", form.days)],
    )
    .await
}

/// `POST /admin/agencies/{agency}/invitations`: an admin invites an owner.
pub async fn admin_invite(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    acting: Acting,
    session: Session,
    Form(form): Form<InvitationFields>,
) -> Result<Response, AppError> {
    acting.require_admin()?;
    let to = format!("/admin/agencies/{agency}");
    Ok(invite_to(&state, &acting, &session, &agency, form, &to).await)
}

/// `POST /manage/{agency}/invitations`: an owner invites a member.
pub async fn owner_invite(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    acting: Acting,
    session: Session,
    Form(form): Form<InvitationFields>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let to = format!("/manage/{agency}");
    Ok(invite_to(&state, &acting, &session, &agency, form, &to).await)
}

/// `POST /manage/{agency}/invitations/{id}/revoke`: an owner withdraws one.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Path((agency, id)): Path<(String, i64)>,
    acting: Acting,
    session: Session,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let outcome =
        service::revoke_invitation(&state.db, &state.clock, &acting.actor, &agency, id).await;
    Ok(finish(
        &session,
        &format!("/manage/{agency}"),
        outcome,
        |_| Notice::success("The invitation is withdrawn: its link no longer works."),
        vec![],
    )
    .await)
}

#[derive(Debug, Deserialize)]
pub struct MemberFields {
    /// `owner`, `maintainer`, or `remove`.
    role: String,
}

/// `POST /manage/{agency}/members/{user}`: an owner changes a member's role
/// or removes them.
pub async fn set_member(
    State(state): State<AppState>,
    Path((agency, user)): Path<(String, i64)>,
    acting: Acting,
    session: Session,
    Form(form): Form<MemberFields>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let role = match form.role.as_str() {
        "remove" => None,
        other => Some(
            Role::parse(other)
                .ok_or_else(|| AppError::Invalid("Choose owner, maintainer, or remove.".into()))?,
        ),
    };
    let outcome =
        service::set_member_role(&state.db, &state.clock, &acting.actor, &agency, user, role).await;
    Ok(finish(
        &session,
        &format!("/manage/{agency}"),
        outcome,
        |_| {
            Notice::success(match role {
                Some(role) => format!("Their role is now {}.", role.label().to_lowercase()),
                None => "They are no longer a member of the agency.".to_string(),
            })
        },
        vec![],
    )
    .await)
}

/// `POST /invitations/{token}`: the signed-in person accepts an invitation.
pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    acting: Acting,
    session: Session,
) -> Result<Response, AppError> {
    let secret = InvitationSecret::from_link(&token);
    match service::redeem(&state.db, &state.clock, &acting.actor, &secret).await {
        Ok(slug) => Ok(redirect_with(
            &session,
            &format!("/manage/{slug}"),
            Notice::success("Welcome: you are now a member of this agency."),
        )
        .await),
        Err(AppError::Conflict(sentence) | AppError::NotFound(sentence)) => Ok(redirect_with(
            &session,
            &format!("/invitations/{token}"),
            Notice::invalid(
                vec![crate::app::forms::FieldError::new("main-content", sentence)],
                Default::default(),
            ),
        )
        .await),
        Err(err) => Err(err),
    }
}
