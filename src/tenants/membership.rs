//! Membership of an agency: invitations made, withdrawn and redeemed, and
//! members' roles. Each change is one transaction with its audit event.

use time::Duration;

use super::invitations::{self, InvitationSecret, NewInvitation, Standing};
use super::service::{find_agency, Refused};
use crate::app::forms::FieldError;
use crate::audit::{self, Actor};
use crate::auth::model::Role;
use crate::auth::repo as users;
use crate::db::Db;
use crate::server::clock::Clock;
use crate::server::error::AppError;

/// The days an invitation may stay open: a week by default, at most 30.
pub const INVITATION_DAYS: [i64; 3] = [2, 7, 30];

/// Creates an invitation to the agency; returns its secret, to be shown
/// once as a link.
pub async fn invite(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    slug: &str,
    role: Role,
    note: &str,
    days: i64,
) -> Result<InvitationSecret, Refused> {
    let note = note.trim();
    let mut errors = Vec::new();
    if note.is_empty() {
        errors.push(FieldError::new(
            "note",
            "Say whom the invitation is for, so that you can tell invitations apart",
        ));
    } else if note.chars().count() > 200 {
        errors.push(FieldError::new(
            "note",
            "Keep it to 200 characters or fewer",
        ));
    }
    if !INVITATION_DAYS.contains(&days) {
        errors.push(FieldError::new(
            "days",
            "Choose how long the invitation stays open",
        ));
    }
    if !errors.is_empty() {
        return Err(Refused::Fields(errors));
    }
    let now = clock.now();
    let stamp = crate::server::clock::format_timestamp(now);
    let expires_at = crate::server::clock::format_timestamp(now + Duration::days(days));
    let secret = InvitationSecret::generate();
    let mut tx = db.begin().await?;
    let agency = find_agency(&mut tx, slug).await?;
    let created_by = actor
        .user_id
        .ok_or_else(|| AppError::Forbidden("Sign in to invite people.".into()))?;
    let id = invitations::insert(
        &mut tx,
        &NewInvitation {
            tenant_id: agency.id,
            role,
            note,
            created_by,
            expires_at: &expires_at,
        },
        &secret.hash(),
        &stamp,
    )
    .await?;
    audit::record(
        &mut tx,
        &actor.event(
            Some(agency.id),
            "invitation.create",
            &format!("invitation {id}"),
            serde_json::json!({ "role": role.as_str(), "for": note, "expires_at": expires_at }),
        ),
        &stamp,
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Withdraws a pending invitation of the agency.
pub async fn revoke_invitation(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<(), Refused> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let agency = find_agency(&mut tx, slug).await?;
    let invitation = invitations::find(&mut tx, agency.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such invitation.".into()))?;
    if !invitations::mark_revoked(&mut tx, id, &now).await? {
        return Err(AppError::Conflict(
            "That invitation was accepted or withdrawn already.".into(),
        )
        .into());
    }
    audit::record(
        &mut tx,
        &actor.event(
            Some(agency.id),
            "invitation.revoke",
            &format!("invitation {id}"),
            serde_json::json!({ "role": invitation.role, "for": invitation.note }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Accepts an invitation as the signed-in actor: they become a member with
/// its role (an existing member keeps the higher of the two roles). Returns
/// the agency's slug.
pub async fn redeem(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    secret: &InvitationSecret,
) -> Result<String, AppError> {
    let now_at = clock.now();
    let now = crate::server::clock::format_timestamp(now_at);
    let user_id = actor.user_id.ok_or(AppError::SignInNeeded)?;
    let mut tx = db.begin().await?;
    let invitation = invitations::find_by_hash(&mut tx, &secret.hash())
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This invitation link is not valid. Check that you copied all of it, or ask for a new one."
                    .into(),
            )
        })?;
    let standing = invitation.standing(now_at);
    if standing != Standing::Pending {
        return Err(AppError::Conflict(format!(
            "This invitation cannot be accepted: {}. Ask an owner of the agency for a new one.",
            standing.label().to_lowercase()
        )));
    }
    if !invitations::mark_redeemed(&mut tx, invitation.id, user_id, &now).await? {
        return Err(AppError::Conflict(
            "This invitation was accepted or withdrawn a moment ago. Ask for a new one.".into(),
        ));
    }
    let previous = users::membership_role(&mut tx, user_id, invitation.tenant_id).await?;
    let role = previous.map_or(invitation.role(), |held| held.max(invitation.role()));
    users::set_membership(&mut tx, user_id, invitation.tenant_id, role, &now).await?;
    audit::record(
        &mut tx,
        &actor.event(
            Some(invitation.tenant_id),
            "invitation.redeem",
            &format!("invitation {}", invitation.id),
            serde_json::json!({
                "role": role.as_str(),
                "previous": previous.map(Role::as_str),
                "invited_by": invitation.created_by_name,
            }),
        ),
        &now,
    )
    .await?;
    let slug = sqlx::query_as::<_, (String,)>("select slug from tenant where id = $1")
        .bind(invitation.tenant_id)
        .fetch_one(&mut *tx)
        .await?
        .0;
    tx.commit().await?;
    Ok(slug)
}

/// Changes a member's role, or removes them (`role: None`). An agency
/// always keeps at least one owner.
pub async fn set_member_role(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    slug: &str,
    user_id: i64,
    role: Option<Role>,
) -> Result<(), Refused> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let agency = find_agency(&mut tx, slug).await?;
    let previous = users::membership_role(&mut tx, user_id, agency.id)
        .await?
        .ok_or_else(|| AppError::NotFound("That person is not a member of this agency.".into()))?;
    if previous == Role::Owner
        && role != Some(Role::Owner)
        && users::count_owners(&mut tx, agency.id).await? <= 1
    {
        return Err(AppError::Conflict(
            "This is the agency's only owner: make someone else an owner first.".into(),
        )
        .into());
    }
    if Some(previous) == role {
        return Ok(());
    }
    let name = users::display_name(&mut tx, user_id)
        .await?
        .unwrap_or_default();
    let action = match role {
        Some(role) => {
            users::set_membership(&mut tx, user_id, agency.id, role, &now).await?;
            "membership.set"
        }
        None => {
            users::remove_membership(&mut tx, user_id, agency.id).await?;
            "membership.remove"
        }
    };
    audit::record(
        &mut tx,
        &actor.event(
            Some(agency.id),
            action,
            &format!("{name} (user {user_id})"),
            serde_json::json!({ "role": role.map(Role::as_str), "previous": previous.as_str() }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
