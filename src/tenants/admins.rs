//! Naming people by the identity they sign in with: platform admins, and an
//! agency's owner when the admin knows who it is. (Invitations are the other
//! way in: see `invitations`.)

use super::service::{find_agency, Refused};
use crate::app::forms::FieldError;
use crate::audit::{self, Actor};
use crate::auth::config::AuthConfig;
use crate::auth::model::{Role, UserKind};
use crate::auth::repo as users;
use crate::db::Db;
use crate::server::clock::Clock;
use crate::server::error::AppError;

/// Whom a form names: a provider's id and the subject it knows them by.
pub struct IdentityForm<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    /// Shown until their first sign-in brings the provider's name.
    pub name: &'a str,
}

/// The providers a person can be named by: the configured ones, and the
/// development sign-in when it is on.
pub fn providers(config: &AuthConfig, dev: bool) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = config
        .providers
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    if dev {
        list.push(("dev".into(), "Development sign-in".into()));
    }
    list
}

/// Checks the form; returns the person's kind, decided by the provider.
fn check(
    config: &AuthConfig,
    dev: bool,
    form: &IdentityForm<'_>,
) -> Result<UserKind, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = match config.provider(form.provider) {
        Some(provider) => Some(provider.kind),
        None if dev && form.provider == "dev" => Some(UserKind::Business),
        None => {
            errors.push(FieldError::new(
                "provider",
                "Choose the sign-in service the person uses",
            ));
            None
        }
    };
    let subject = form.subject.trim();
    if subject.is_empty() || subject.len() > 255 {
        errors.push(FieldError::new(
            "subject",
            "Enter the person's identifier at that service (its `sub`), as it appears in their account page on Portico",
        ));
    }
    if form.name.trim().chars().count() > 120 {
        errors.push(FieldError::new(
            "name",
            "Keep the name to 120 characters or fewer",
        ));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(kind),
        _ => Err(errors),
    }
}

fn shown_name<'a>(form: &'a IdentityForm<'a>) -> &'a str {
    Some(form.name.trim())
        .filter(|n| !n.is_empty())
        .unwrap_or("Named person")
}

/// Grants platform admin rights to a person (created if they never signed in).
pub async fn grant_admin(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    config: &AuthConfig,
    dev: bool,
    form: &IdentityForm<'_>,
) -> Result<(), Refused> {
    let kind = check(config, dev, form).map_err(Refused::Fields)?;
    let now = clock.now_text();
    let subject = form.subject.trim();
    let mut tx = db.begin().await?;
    let user_id = users::ensure_identity(
        &mut tx,
        form.provider,
        subject,
        kind,
        shown_name(form),
        &now,
    )
    .await?;
    if users::admin_granted(&mut tx, user_id).await? {
        return Ok(());
    }
    users::set_admin_granted(&mut tx, user_id, true, &now).await?;
    audit::record(
        &mut tx,
        &actor.event(
            None,
            "admin.grant",
            &format!("{}:{subject}", form.provider),
            serde_json::json!({ "admin": true, "user": user_id }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes admin rights granted in the portal. Refused when no admin would
/// be left (admins named in the configuration count).
pub async fn revoke_admin(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    config: &AuthConfig,
    user_id: i64,
) -> Result<(), Refused> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    if !users::admin_granted(&mut tx, user_id).await? {
        return Err(AppError::NotFound(
            "That person holds no admin rights granted in the portal.".into(),
        )
        .into());
    }
    let (others,): (i64,) =
        sqlx::query_as("select count(*) from user_account where admin_granted = 1 and id <> $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if others == 0 && config.admins.is_empty() {
        let whose = if actor.user_id == Some(user_id) {
            "You are the last platform admin"
        } else {
            "This is the last platform admin"
        };
        return Err(AppError::Conflict(format!(
            "{whose}: grant admin rights to someone else first, so that Portico is never left without one."
        ))
        .into());
    }
    users::set_admin_granted(&mut tx, user_id, false, &now).await?;
    let name = users::display_name(&mut tx, user_id)
        .await?
        .unwrap_or_default();
    audit::record(
        &mut tx,
        &actor.event(
            None,
            "admin.revoke",
            &format!("{name} (user {user_id})"),
            serde_json::json!({ "admin": false, "user": user_id }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes a person (by identity) an owner of the agency.
pub async fn name_owner(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    config: &AuthConfig,
    dev: bool,
    slug: &str,
    form: &IdentityForm<'_>,
) -> Result<(), Refused> {
    let kind = check(config, dev, form).map_err(Refused::Fields)?;
    let now = clock.now_text();
    let subject = form.subject.trim();
    let mut tx = db.begin().await?;
    let agency = find_agency(&mut tx, slug).await?;
    let user_id = users::ensure_identity(
        &mut tx,
        form.provider,
        subject,
        kind,
        shown_name(form),
        &now,
    )
    .await?;
    let previous = users::membership_role(&mut tx, user_id, agency.id).await?;
    if previous == Some(Role::Owner) {
        return Ok(());
    }
    users::set_membership(&mut tx, user_id, agency.id, Role::Owner, &now).await?;
    audit::record(
        &mut tx,
        &actor.event(
            Some(agency.id),
            "membership.set",
            &format!("{}:{subject}", form.provider),
            serde_json::json!({ "role": "owner", "previous": previous.map(Role::as_str) }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
