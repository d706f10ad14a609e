//! What operators do from the command line before anyone signs in: name an
//! agency's members and the platform's admins by their sign-in identity.

use anyhow::Context;

use super::model::{Role, UserKind};
use super::repo;
use crate::audit::{self, Event};
use crate::db::Db;
use crate::server::clock::Clock;

/// The actor of changes made with `portico member` and `portico admin`.
pub const COMMAND_LINE: &str = "command line";

/// Whom an operator names: an identity at a provider.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    /// Shown until their first sign-in brings the provider's name.
    pub name: &'a str,
    pub kind: UserKind,
}

/// Makes the person a member of the agency with the role (creating the user
/// if they have never signed in). One transaction.
pub async fn name_member(
    db: &Db,
    clock: &Clock,
    agency: &str,
    person: &Person<'_>,
    role: Role,
) -> anyhow::Result<()> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let tenant_id = crate::tenants::repo::find_id(&mut tx, agency)
        .await?
        .with_context(|| {
            format!("there is no agency {agency:?}: create it first or check the slug")
        })?;
    let user_id = repo::ensure_identity(
        &mut tx,
        person.provider,
        person.subject,
        person.kind,
        person.name,
        &now,
    )
    .await?;
    let previous = repo::membership_role(&mut tx, user_id, tenant_id).await?;
    repo::set_membership(&mut tx, user_id, tenant_id, role, &now).await?;
    record(
        &mut tx,
        person,
        Some(tenant_id),
        "membership.set",
        serde_json::json!({
            "role": role.as_str(),
            "previous": previous.map(Role::as_str),
        }),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Grants (or removes) platform admin rights.
pub async fn set_admin(
    db: &Db,
    clock: &Clock,
    person: &Person<'_>,
    granted: bool,
) -> anyhow::Result<()> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let user_id = repo::ensure_identity(
        &mut tx,
        person.provider,
        person.subject,
        person.kind,
        person.name,
        &now,
    )
    .await?;
    repo::set_admin_granted(&mut tx, user_id, granted, &now).await?;
    record(
        &mut tx,
        person,
        None,
        if granted {
            "admin.grant"
        } else {
            "admin.revoke"
        },
        serde_json::json!({ "admin": granted }),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The audit event of a change made from the command line, on the change's
/// own transaction.
async fn record(
    tx: &mut sqlx::AnyConnection,
    person: &Person<'_>,
    tenant_id: Option<i64>,
    action: &str,
    detail: serde_json::Value,
    now: &str,
) -> sqlx::Result<()> {
    let target = format!("{}:{}", person.provider, person.subject);
    audit::record(
        tx,
        &Event {
            actor_user_id: None,
            actor: COMMAND_LINE,
            tenant_id,
            action,
            target: &target,
            client_addr: None,
            detail,
        },
        now,
    )
    .await
}
