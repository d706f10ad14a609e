//! The forms of access: owners' plan forms and decisions, developers'
//! access requests. Each checks the caller, then redirects with a notice.

use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::decisions::{self, Decision};
use super::plans::{self, PlanForm};
use super::service::{self, Refused, RequestForm};
use crate::app::forms::{FieldError, Notice};
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

fn plans_page(agency: &str, api: &str) -> String {
    format!("/manage/{agency}/apis/{api}/plans")
}

/// `POST /manage/{agency}/apis/{api}/plans`: a new plan.
pub async fn create_plan(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api)): Path<(String, String)>,
    Form(form): Form<PlanForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let api = service::managed_api(&state, &agency, &api).await?;
    let to = plans_page(&agency, &api.slug);
    let checked = match plans::check(&form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(flash::send_back(&session, &to, errors, form.values()).await),
    };
    match plans::create(&state, &acting.actor, &api, &checked).await {
        Ok(_) => {
            let notice = Notice::success(format!("Plan {:?} created.", checked.name));
            Ok(flash::redirect_with(&session, &to, notice).await)
        }
        Err(Refused::Field(error) | Refused::Conflict(error)) => {
            Ok(flash::send_back(&session, &to, vec![error], form.values()).await)
        }
        Err(Refused::Fields(errors)) => {
            Ok(flash::send_back(&session, &to, errors, form.values()).await)
        }
        Err(Refused::NotFound(error)) => Err(AppError::NotFound(error.message)),
        Err(Refused::Other(err)) => Err(err),
    }
}

/// `POST /manage/{agency}/apis/{api}/plans/{plan}`: a plan changed.
pub async fn update_plan(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api, plan)): Path<(String, String, String)>,
    Form(form): Form<PlanForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let api = service::managed_api(&state, &agency, &api).await?;
    let before = plans::find(&state, &api, &plan).await?;
    let back = format!("{}?plan={}", plans_page(&agency, &api.slug), before.slug);
    let checked = match plans::check(&form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(flash::send_back(&session, &back, errors, form.values()).await),
    };
    plans::update(&state, &acting.actor, &api, &before, &checked).await?;
    let notice = Notice::success(format!(
        "Plan {:?} saved. Its limits apply to its subscriptions at once.",
        checked.name
    ));
    Ok(flash::redirect_with(&session, &plans_page(&agency, &api.slug), notice).await)
}

/// `POST /manage/{agency}/apis/{api}/plans/{plan}/remove`: deleted when
/// nobody ever asked for it, retired otherwise.
pub async fn remove_plan(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api, plan)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let api = service::managed_api(&state, &agency, &api).await?;
    let plan = plans::find(&state, &api, &plan).await?;
    let deleted = plans::remove(&state, &acting.actor, &api, &plan).await?;
    let sentence = if deleted {
        format!("Plan {:?} deleted.", plan.name)
    } else {
        format!(
            "Plan {:?} retired: it takes no new requests, and its existing subscriptions keep their limits until revoked.",
            plan.name
        )
    };
    let to = plans_page(&agency, &api.slug);
    Ok(flash::redirect_with(&session, &to, Notice::success(sentence)).await)
}

/// `POST /apis/{agency}/{api}/access`: a developer asks for a plan.
pub async fn request_access(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api)): Path<(String, String)>,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    let member = acting.caller.role_in(&agency).is_some();
    let api = service::visible_api(&state, member, &agency, &api).await?;
    let plan: String = url::form_urlencoded::byte_serialize(form.plan.trim().as_bytes()).collect();
    let back = format!("/apis/{agency}/{}/access?plan={plan}", api.slug);
    let sent = |errors: Vec<FieldError>| {
        (
            errors,
            [
                ("app", form.app.clone()),
                ("purpose", form.purpose.clone()),
                ("accept_terms", form.accept_terms.clone()),
            ],
        )
    };
    let user = acting.caller.user_id;
    match service::request(&state, &acting.actor, user, &api, &form.request()).await {
        Ok(done) => {
            let sentence = match done.status {
                super::model::SubscriptionStatus::Approved => format!(
                    "Approved: {} has access to {}. Create a key for it to call the API.",
                    done.app_name, api.name
                ),
                _ => "Request sent: the agency will review it. You will see its decision here and in your notifications."
                    .to_string(),
            };
            let to = format!("/apps/{}", form.app.trim());
            Ok(flash::redirect_with(&session, &to, Notice::success(sentence)).await)
        }
        // A bad field, a closed plan, a second request: said on the form.
        Err(Refused::Field(error) | Refused::Conflict(error)) => {
            let (errors, values) = sent(vec![error]);
            Ok(flash::send_back(&session, &back, errors, values).await)
        }
        Err(Refused::Fields(errors)) => {
            let (errors, values) = sent(errors);
            Ok(flash::send_back(&session, &back, errors, values).await)
        }
        // No such plan or application: no form to go back to.
        Err(Refused::NotFound(error)) => Err(AppError::NotFound(error.message)),
        Err(Refused::Other(err)) => Err(err),
    }
}

/// A decision's form: the reason (needed to reject or revoke).
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub reason: String,
}

async fn decide(
    state: AppState,
    acting: Acting,
    session: Session,
    (agency, id): (String, String),
    reason: String,
    decision: Decision,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let id = id.parse::<i64>().map_err(|_| {
        AppError::NotFound("There is no such access request in this agency.".into())
    })?;
    let to = format!("/manage/{agency}/requests");
    let field = format!("reason-{id}");
    let reason = match decisions::check_reason(decision, &reason, &field) {
        Ok(reason) => reason,
        Err(error) => {
            let notice = Notice::invalid(vec![error], [(field, reason)].into_iter().collect());
            return Ok(flash::redirect_with(&session, &to, notice).await);
        }
    };
    match decisions::decide(
        &state,
        &acting.actor,
        &acting.caller,
        &agency,
        id,
        decision,
        &reason,
    )
    .await
    {
        Ok(request) => {
            let sentence = format!(
                "The request of {} for {} ({} plan) is {}.",
                request.app_name,
                request.api_name,
                request.plan_name,
                decision.past()
            );
            Ok(flash::redirect_with(&session, &to, Notice::success(sentence)).await)
        }
        Err(AppError::Conflict(message)) => {
            let notice = Notice::invalid(
                vec![FieldError::new("pending", message)],
                Default::default(),
            );
            Ok(flash::redirect_with(&session, &to, notice).await)
        }
        Err(err) => Err(err),
    }
}

/// `POST /manage/{agency}/requests/{id}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(path): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    decide(state, acting, session, path, form.reason, Decision::Approve).await
}

/// `POST /manage/{agency}/requests/{id}/reject`.
pub async fn reject(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(path): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    decide(state, acting, session, path, form.reason, Decision::Reject).await
}

/// `POST /manage/{agency}/requests/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(path): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    decide(state, acting, session, path, form.reason, Decision::Revoke).await
}

/// `POST /manage/{agency}/requests/{id}/keys/{key}/revoke`: revokes a key
/// of an approved application, with the reason from the request's card.
pub async fn revoke_key(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, id, key)): Path<(String, String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Owner)?;
    let missing = || AppError::NotFound("There is no such key in this agency's requests.".into());
    let id = id.parse::<i64>().map_err(|_| missing())?;
    let key = key.parse::<i64>().map_err(|_| missing())?;
    let to = format!("/manage/{agency}/requests");
    let field = format!("reason-{id}");
    let reason = match decisions::check_reason(Decision::Revoke, &form.reason, &field) {
        Ok(reason) => reason,
        Err(error) => {
            let values = [(field, form.reason)].into_iter().collect();
            let notice = Notice::invalid(vec![error], values);
            return Ok(flash::redirect_with(&session, &to, notice).await);
        }
    };
    match decisions::revoke_key(&state, &acting.actor, &agency, id, key, &reason).await {
        Ok((request, name)) => {
            let sentence = format!(
                "The key \u{201c}{name}\u{201d} of {} is revoked: it no longer works, and its developer is told why.",
                request.app_name
            );
            Ok(flash::redirect_with(&session, &to, Notice::success(sentence)).await)
        }
        Err(AppError::Conflict(message)) => {
            let notice =
                Notice::invalid(vec![FieldError::new(&field, message)], Default::default());
            Ok(flash::redirect_with(&session, &to, notice).await)
        }
        Err(err) => Err(err),
    }
}
