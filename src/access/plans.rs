//! The rules of plans: creating, changing, retiring and deleting them,
//! each in one transaction with its audit
//! event. Subscriptions refer to their plan, so a change of limits applies
//! to them at once; a plan anyone ever asked for is retired, not deleted.

pub use super::plan_form::{check, CheckedPlan, PlanForm};
use super::plan_repo::{self as repo, ApiRef, StoredPlan};
use super::service::Refused;
use crate::app::forms::FieldError;
use crate::audit::Actor;
use crate::catalogue::slug::Slug;
use crate::server::error::AppError;
use crate::server::state::AppState;

fn snapshot(plan: &StoredPlan) -> serde_json::Value {
    serde_json::json!({
        "name": plan.name,
        "description": plan.description,
        "rate_per_second": plan.rate_per_second,
        "rate_per_minute": plan.rate_per_minute,
        "quota_per_day": plan.quota_per_day,
        "quota_per_month": plan.quota_per_month,
        "approval": plan.approval,
        "open_for_requests": plan.open_for_requests == 1,
        "status": plan.status,
    })
}

fn target(api: &ApiRef, slug: &str) -> String {
    format!("plan {}/{slug}", api.slug)
}

/// The plan of the API with this slug, or a 404 that says so.
pub async fn find(state: &AppState, api: &ApiRef, slug: &str) -> Result<StoredPlan, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    repo::find(&mut conn, api.id, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{} has no plan {slug:?}.", api.name)))
}

/// Creates a plan; its slug comes from its name. Returns the slug.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    api: &ApiRef,
    plan: &CheckedPlan,
) -> Result<String, Refused> {
    let slug = Slug::from_name(&plan.name).map_err(|_| {
        FieldError::new(
            "name",
            "Start the name with a letter: it also makes the plan's address.",
        )
    })?;
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    if repo::find(&mut tx, api.id, slug.as_str())
        .await
        .map_err(AppError::from)?
        .is_some()
    {
        return Err(FieldError::new(
            "name",
            format!(
                "{} already has a plan called {:?}: choose another name.",
                api.name, plan.name
            ),
        )
        .into());
    }
    repo::insert(&mut tx, api.id, slug.as_str(), &plan.fields(), &now)
        .await
        .map_err(AppError::from)?;
    let after = repo::find(&mut tx, api.id, slug.as_str())
        .await
        .map_err(AppError::from)?;
    let detail = serde_json::json!({ "after": after.as_ref().map(snapshot) });
    let target = target(api, slug.as_str());
    let event = actor.event(Some(api.tenant_id), "plan.create", &target, detail);
    crate::audit::record(&mut tx, &event, &now)
        .await
        .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(slug.as_str().to_string())
}

/// Changes a plan; its subscriptions follow (they refer to it).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    api: &ApiRef,
    before: &StoredPlan,
    plan: &CheckedPlan,
) -> Result<(), AppError> {
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    repo::update(&mut tx, before.id, &plan.fields(), &now).await?;
    let after = repo::find(&mut tx, api.id, &before.slug).await?;
    let detail =
        serde_json::json!({ "before": snapshot(before), "after": after.as_ref().map(snapshot) });
    let target = target(api, &before.slug);
    let event = actor.event(Some(api.tenant_id), "plan.update", &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    tx.commit().await?;
    // The plan's subscriptions take its new limits at their next call.
    let change = crate::gateway::changes::Change::Plan { plan_id: before.id };
    state.changes.publish(change).await;
    Ok(())
}

/// Deletes a plan nobody ever asked for, or retires one that has requests.
/// True when deleted.
pub async fn remove(
    state: &AppState,
    actor: &Actor,
    api: &ApiRef,
    plan: &StoredPlan,
) -> Result<bool, AppError> {
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let used = repo::count_subscriptions(&mut tx, plan.id).await? > 0;
    let target = target(api, &plan.slug);
    let (action, detail) = if used {
        repo::retire(&mut tx, plan.id, &now).await?;
        let after = repo::find(&mut tx, api.id, &plan.slug).await?;
        (
            "plan.retire",
            serde_json::json!({ "before": snapshot(plan), "after": after.as_ref().map(snapshot) }),
        )
    } else {
        repo::delete(&mut tx, plan.id).await?;
        (
            "plan.delete",
            serde_json::json!({ "before": snapshot(plan), "after": null }),
        )
    };
    let event = actor.event(Some(api.tenant_id), action, &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    tx.commit().await?;
    let change = crate::gateway::changes::Change::Plan { plan_id: plan.id };
    state.changes.publish(change).await;
    Ok(!used)
}
