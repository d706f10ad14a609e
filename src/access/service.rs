//! The rules of access requests: who may ask for which plan, what a request
//! must say, and the owners' decisions. Each change is one transaction with
//! its audit event and its notifications; emails go after the commit.

use serde::Deserialize;

use super::model::{SubscriptionStatus, PURPOSE_MAX, PURPOSE_MIN};
use super::plan_repo::{self, ApiRef};
use super::repo::{self, NewRequest};
use crate::app::forms::FieldError;
use crate::audit::Actor;
use crate::auth::access::Caller;
use crate::notify::service::Notices;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// Why a form was not carried out: a field to fix, or an error of the
/// request as a whole (not found, refused, a fault).
#[derive(Debug)]
pub enum Refused {
    Field(FieldError),
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

/// An API the caller may see: listed, or of an agency they belong to.
pub async fn visible_api(
    state: &AppState,
    caller: &Caller,
    agency: &str,
    api: &str,
) -> Result<ApiRef, AppError> {
    let member = caller.role_in(agency).is_some();
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

/// What became of a request: its status, and the application's name.
pub struct Requested {
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

/// Asks for a plan of an API for one of the caller's applications. Auto
/// plans approve at once; manual ones wait for an owner.
pub async fn request(
    state: &AppState,
    actor: &Actor,
    caller: &Caller,
    api: &ApiRef,
    form: &RequestForm,
) -> Result<Requested, Refused> {
    let pool = state.db.pool();
    let terms = crate::platform::repo::load(pool).await?;
    let terms_version = if terms.terms_md.trim().is_empty() {
        0
    } else {
        terms.terms_version
    };
    let app_id =
        form.app.trim().parse::<i64>().map_err(|_| {
            FieldError::new("app", "Choose the application that will call this API.")
        })?;
    let purpose = check_purpose(&form.purpose)?;
    if terms_version > 0 && form.accept_terms != "yes" {
        return Err(FieldError::new(
            "accept_terms",
            "Accept the terms of use to send the request.",
        )
        .into());
    }
    let now = state.clock.now_text();
    let mut tx = pool.begin().await?;
    let plan = plan_repo::find(&mut tx, api.id, form.plan.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{} has no plan {:?}.", api.name, form.plan)))?;
    if !plan.takes_requests() {
        return Err(AppError::Conflict(format!(
            "The plan {:?} of {} does not take new requests. Choose another plan on the API's page.",
            plan.name, api.name
        ))
        .into());
    }
    // Another user's application is not found, exactly as a missing one.
    let (app_id, app_name) = repo::find_app(&mut tx, caller.user_id, app_id)
        .await?
        .ok_or_else(|| AppError::NotFound("You have no such application.".into()))?;
    if repo::live_exists(&mut tx, app_id, api.id).await? {
        return Err(duplicate().into());
    }
    if terms_version > 0 {
        repo::record_terms(&mut tx, caller.user_id, terms_version, &now).await?;
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
            requested_by: caller.user_id,
            decision_reason: reason,
            decided_at: auto.then_some(now.as_str()),
        },
        &now,
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        // Two requests at once: the unique index keeps one.
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            return Err(duplicate().into())
        }
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
            .tell(
                &mut tx,
                caller.user_id,
                &message,
                &format!("/apps/{app_id}"),
                &now,
            )
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
    Ok(Requested { status, app_name })
}

fn duplicate() -> FieldError {
    FieldError::new(
        "app",
        "This application already has a request for this API: see it on the application's page.",
    )
}
