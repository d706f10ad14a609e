//! The rules of access requests: who may ask for which plan, what a request
//! must say, and the owners' decisions. Each change is one transaction with
//! its audit event and its notifications; emails go after the commit.

use serde::Deserialize;

use super::model::{SubscriptionStatus, PURPOSE_MAX, PURPOSE_MIN};
use super::plan_repo::{self, ApiRef};
use super::repo::{self, NewRequest};
use crate::app::forms::FieldError;
use crate::audit::Actor;
use crate::notify::service::Notices;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// Why a change was not made: a field to fix (422), a field naming what
/// is not there (404) or what is taken already (409), or an error of the
/// request as a whole (refused, a fault). Forms show the field beside it;
/// the REST API names it in its problem's `errors`.
#[derive(Debug)]
pub enum Refused {
    Field(FieldError),
    Fields(Vec<FieldError>),
    NotFound(FieldError),
    Conflict(FieldError),
    Other(AppError),
}

impl From<FieldError> for Refused {
    fn from(err: FieldError) -> Self {
        Refused::Field(err)
    }
}

impl From<AppError> for Refused {
    fn from(err: AppError) -> Self {
        Refused::Other(err)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(err: sqlx::Error) -> Self {
        Refused::Other(err.into())
    }
}

/// The 404 of an API that does not exist, or that the caller may not see:
/// the same words for both, so that a private API gives nothing away.
fn no_such_api(agency: &str, api: &str) -> AppError {
    AppError::NotFound(format!("There is no API {api:?} of agency {agency:?}."))
}

/// An API of an agency whatever its visibility: for the agency's members.
pub async fn managed_api(state: &AppState, agency: &str, api: &str) -> Result<ApiRef, AppError> {
    plan_repo::find_api(state.db.pool(), agency, api)
        .await?
        .ok_or_else(|| no_such_api(agency, api))
}

/// An API the caller may see: listed, or (`member`: the caller belongs to
/// the agency) any of the agency's.
pub async fn visible_api(
    state: &AppState,
    member: bool,
    agency: &str,
    api: &str,
) -> Result<ApiRef, AppError> {
    let pool = state.db.pool();
    if crate::catalogue::repo::find_visible(pool, agency, api, member)
        .await?
        .is_none()
    {
        return Err(no_such_api(agency, api));
    }
    managed_api(state, agency, api).await
}

/// The request form, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub app: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub accept_terms: String,
}

impl RequestForm {
    /// The request the form asks for.
    pub fn request(&self) -> AccessRequest<'_> {
        AccessRequest {
            plan: &self.plan,
            app: &self.app,
            purpose: &self.purpose,
            accept_terms: self.accept_terms == "yes",
        }
    }
}

/// An access request, from the form or the REST API.
#[derive(Debug, Clone, Copy)]
pub struct AccessRequest<'a> {
    /// The plan's slug.
    pub plan: &'a str,
    /// The application's id, as sent.
    pub app: &'a str,
    pub purpose: &'a str,
    pub accept_terms: bool,
}

/// What became of a request: its id, its status, and the application's name.
pub struct Requested {
    pub id: i64,
    pub status: SubscriptionStatus,
    pub app_name: String,
}

/// Checks the purpose of use: 20 to 2000 characters.
pub fn check_purpose(purpose: &str) -> Result<String, FieldError> {
    let purpose = purpose.trim();
    let n = purpose.chars().count();
    if n < PURPOSE_MIN {
        return Err(FieldError::new(
            "purpose",
            format!("Describe the purpose of use in at least {PURPOSE_MIN} characters: what your application does with this API, and for whom."),
        ));
    }
    if n > PURPOSE_MAX {
        return Err(FieldError::new(
            "purpose",
            format!("The purpose of use must be {PURPOSE_MAX} characters or fewer (it has {n})."),
        ));
    }
    Ok(purpose.to_string())
}

/// Checks what a request says, every field at once: the plan and the
/// application named, the purpose, the terms accepted (when there are any).
fn check_request(
    form: &AccessRequest<'_>,
    terms_version: i64,
) -> Result<(i64, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    if form.plan.trim().is_empty() {
        errors.push(FieldError::new("plan", "Choose the plan to ask for."));
    }
    let app_id = form.app.trim().parse::<i64>().ok();
    if app_id.is_none() {
        errors.push(FieldError::new(
            "app",
            "Choose the application that will call this API.",
        ));
    }
    let purpose = check_purpose(form.purpose).map_err(|error| errors.push(error));
    if terms_version > 0 && !form.accept_terms {
        errors.push(FieldError::new(
            "accept_terms",
            "Accept the terms of use to send the request.",
        ));
    }
    match (app_id, purpose) {
        (Some(app_id), Ok(purpose)) if errors.is_empty() => Ok((app_id, purpose)),
        _ => Err(errors),
    }
}

/// Asks for a plan of an API for one of the user's applications. Auto
/// plans approve at once; manual ones wait for an owner.
pub async fn request(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
    api: &ApiRef,
    form: &AccessRequest<'_>,
) -> Result<Requested, Refused> {
    let pool = state.db.pool();
    let terms = crate::platform::repo::load(pool).await?;
    let terms_version = if terms.terms_md.trim().is_empty() {
        0
    } else {
        terms.terms_version
    };
    let (app_id, purpose) = check_request(form, terms_version).map_err(Refused::Fields)?;
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let plan = plan_repo::find(&mut tx, api.id, form.plan.trim())
        .await?
        .ok_or_else(|| {
            let message = format!("{} has no plan {:?}.", api.name, form.plan);
            Refused::NotFound(FieldError::new("plan", message))
        })?;
    if !plan.takes_requests() {
        return Err(Refused::Conflict(FieldError::new(
            "plan",
            format!(
                "The plan {:?} of {} does not take new requests. Choose another plan on the API's page.",
                plan.name, api.name
            ),
        )));
    }
    // Another user's application is not found, exactly as a missing one.
    let (app_id, app_name) = repo::find_app(&mut tx, user_id, app_id)
        .await?
        .ok_or_else(|| {
            Refused::NotFound(FieldError::new("app", "You have no such application."))
        })?;
    if repo::live_exists(&mut tx, app_id, api.id).await? {
        return Err(duplicate());
    }
    if terms_version > 0 {
        repo::record_terms(&mut tx, user_id, terms_version, &now).await?;
    }
    let auto = plan.approval == "auto";
    let (status, reason) = if auto {
        (
            SubscriptionStatus::Approved,
            "Approved at once: this plan needs no review.",
        )
    } else {
        (SubscriptionStatus::Pending, "")
    };
    let inserted = repo::insert(
        &mut tx,
        &NewRequest {
            app_id,
            plan_id: plan.id,
            api_id: api.id,
            status,
            purpose: &purpose,
            terms_version,
            requested_by: user_id,
            decision_reason: reason,
            decided_at: auto.then_some(now.as_str()),
        },
        &now,
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        // Two requests at once: the unique index keeps one.
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => return Err(duplicate()),
        Err(err) => return Err(err.into()),
    };
    let target = format!("subscription {id}");
    let detail = serde_json::json!({
        "app": app_name, "app_id": app_id, "api": api.slug, "plan": plan.slug,
        "status": status.as_str(), "approval": plan.approval, "terms_version": terms_version,
    });
    let event = actor.event(Some(api.tenant_id), "subscription.request", &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    let mut notices = Notices::default();
    if auto {
        let message = format!(
            "Your application {app_name} has access to {} ({} plan).",
            api.name, plan.name
        );
        notices
            .tell(&mut tx, user_id, &message, &format!("/apps/{app_id}"), &now)
            .await?;
    } else {
        let message = format!(
            "New access request: {app_name} asks for {} ({} plan).",
            api.name, plan.name
        );
        let link = format!("/manage/{}/requests", api.agency_slug);
        notices
            .tell_owners(&mut tx, api.tenant_id, &message, &link, &now)
            .await?;
    }
    tx.commit().await?;
    if auto {
        let change = crate::gateway::changes::Change::Grants { app_id };
        state.changes.publish(change).await;
    }
    notices.send(&state.mailer);
    Ok(Requested {
        id,
        status,
        app_name,
    })
}

fn duplicate() -> Refused {
    Refused::Conflict(FieldError::new(
        "app",
        "This application already has a request for this API: see it on the application's page.",
    ))
}
