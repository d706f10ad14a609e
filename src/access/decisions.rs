//! Owners' decisions on access requests: approve or reject a pending one,
//! revoke an approved one, or revoke one of its application's keys that
//! leaked; each with its audit event and the developer's notification, in
//! one transaction.

use super::model::{SubscriptionStatus, REASON_MAX};
use super::repo::{self, StoredRequest};
use crate::app::forms::FieldError;
use crate::audit::Actor;
use crate::auth::access::Caller;
use crate::notify::service::Notices;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// An owner's decision on a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Revoke,
}

impl Decision {
    fn transition(self) -> (SubscriptionStatus, SubscriptionStatus) {
        use SubscriptionStatus::*;
        match self {
            Decision::Approve => (Pending, Approved),
            Decision::Reject => (Pending, Rejected),
            Decision::Revoke => (Approved, Revoked),
        }
    }

    fn action(self) -> &'static str {
        match self {
            Decision::Approve => "subscription.approve",
            Decision::Reject => "subscription.reject",
            Decision::Revoke => "subscription.revoke",
        }
    }

    pub fn past(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Reject => "rejected",
            Decision::Revoke => "revoked",
        }
    }
}

/// Checks a decision's reason: needed to reject or revoke, never too long.
pub fn check_reason(decision: Decision, reason: &str, field: &str) -> Result<String, FieldError> {
    let reason = reason.trim();
    if reason.is_empty() && decision != Decision::Approve {
        let what = if decision == Decision::Reject {
            "rejecting"
        } else {
            "revoking"
        };
        return Err(FieldError::new(
            field,
            format!("Give a reason for {what}: the developer sees it."),
        ));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(FieldError::new(
            field,
            format!("The reason must be {REASON_MAX} characters or fewer."),
        ));
    }
    Ok(reason.to_string())
}

/// Decides a request of the agency's APIs; returns it as it was.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    caller: &Caller,
    agency: &str,
    id: i64,
    decision: Decision,
    reason: &str,
) -> Result<StoredRequest, AppError> {
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let request = repo::find(&mut tx, id)
        .await?
        .filter(|r| r.agency_slug == agency)
        .ok_or_else(|| {
            AppError::NotFound("There is no such access request in this agency.".into())
        })?;
    let (from, to) = decision.transition();
    if !repo::decide(&mut tx, id, from, to, caller.user_id, reason, &now).await? {
        return Err(AppError::Conflict(format!(
            "This request is {} already: nothing was changed.",
            request.status().label().to_lowercase()
        )));
    }
    let detail = serde_json::json!({
        "app": request.app_name, "api": request.api_slug, "plan": request.plan_name,
        "before": from.as_str(), "after": to.as_str(), "reason": reason,
    });
    let target = format!("subscription {id}");
    let event = actor.event(Some(request.tenant_id), decision.action(), &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    let because = if reason.is_empty() {
        String::new()
    } else {
        format!(" Reason: {reason}")
    };
    let message = format!(
        "Your request for {} ({} plan) for {} was {}.{because}",
        request.api_name,
        request.plan_name,
        request.app_name,
        decision.past()
    );
    let mut notices = Notices::default();
    let link = format!("/apps/{}", request.app_id);
    notices
        .tell(&mut tx, request.owner_user_id, &message, &link, &now)
        .await?;
    tx.commit().await?;
    let change = crate::gateway::changes::Change::Grants {
        app_id: request.app_id,
    };
    state.changes.publish(change).await;
    notices.send(&state.mailer);
    Ok(request)
}

/// Revokes a working key of an application with approved access to one of
/// the agency's APIs: a key seen leaking is unsafe for every API, so it
/// stops working everywhere, and the developer is told why. Returns the
/// request and the key's name.
pub async fn revoke_key(
    state: &AppState,
    actor: &Actor,
    agency: &str,
    id: i64,
    key_id: i64,
    reason: &str,
) -> Result<(StoredRequest, String), AppError> {
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let request = repo::find(&mut tx, id)
        .await?
        .filter(|r| r.agency_slug == agency && r.status() == SubscriptionStatus::Approved)
        .ok_or_else(|| {
            AppError::NotFound("No application has this approved access in this agency.".into())
        })?;
    let key = crate::keys::repo::find(&mut tx, request.app_id, key_id)
        .await?
        .ok_or_else(|| AppError::NotFound("This application has no such key.".into()))?;
    if !crate::keys::repo::revoke(&mut tx, key.id, &now).await? {
        return Err(AppError::Conflict(
            "This key is revoked already: nothing was changed.".into(),
        ));
    }
    let prefix = crate::keys::service::shown_prefix(&key.prefix);
    let detail = serde_json::json!({
        "app": request.app_name, "app_id": request.app_id, "name": key.name,
        "prefix": prefix, "api": request.api_slug, "reason": reason,
    });
    let event = actor.event(Some(request.tenant_id), "key.revoke", &key.prefix, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    let message = format!(
        "{} revoked the key \u{201c}{}\u{201d} ({prefix}\u{2026}) of {}: it no longer works for any API. Reason: {reason} Create a new key on the application's page.",
        request.agency_name, key.name, request.app_name
    );
    let mut notices = Notices::default();
    let link = format!("/apps/{}", request.app_id);
    notices
        .tell(&mut tx, request.owner_user_id, &message, &link, &now)
        .await?;
    tx.commit().await?;
    let change = crate::gateway::changes::Change::Keys {
        app_id: request.app_id,
    };
    state.changes.publish(change).await;
    notices.send(&state.mailer);
    Ok((request, key.name))
}
