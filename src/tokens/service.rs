//! The rules of personal access tokens: who may create and revoke them,
//! how long they live, and what a token's status is. Each change is one
//! transaction with its audit event, which never holds the secret or its
//! hash.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::model::{TokenRow, TokenStatus, EXPIRY_DAYS};
use super::repo::{self, NewToken, StoredToken};
use crate::audit::Actor;
use crate::auth::access::Caller;
use crate::auth::model::Role;
use crate::db::Db;
use crate::secret::{Secret, SecretKind};
use crate::server::clock::{format_timestamp, Clock};
use crate::server::error::AppError;
use crate::tenants::repo::{self as tenants, TenantRow};

/// The longest name a token may have.
pub const NAME_MAX: usize = 100;

/// What a new token is called and how long it lives, as the form sent it.
pub struct TokenRequest<'a> {
    pub name: &'a str,
    pub days: &'a str,
}

/// A form field's problem, for the form to show beside the field.
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

/// Checks a token request: its name, and one of the allowed lifetimes.
pub fn check_request(request: &TokenRequest<'_>) -> Result<(String, i64), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let name = request.name.trim();
    if name.is_empty() {
        problems.push(FieldProblem {
            field: "name",
            message: "Enter a name for the token, such as the CI job that will use it.".into(),
        });
    } else if name.chars().count() > NAME_MAX {
        problems.push(FieldProblem {
            field: "name",
            message: format!("The name must be {NAME_MAX} characters or fewer."),
        });
    }
    let days = request
        .days
        .parse::<i64>()
        .ok()
        .filter(|days| EXPIRY_DAYS.contains(days));
    if days.is_none() {
        problems.push(FieldProblem {
            field: "days",
            message: "Choose when the token expires: in 7, 30, 90 or 365 days.".into(),
        });
    }
    match days {
        Some(days) if problems.is_empty() => Ok((name.to_owned(), days)),
        _ => Err(problems),
    }
}

/// The agency with this slug, or a 404 that says so.
pub async fn agency(db: &Db, slug: &str) -> Result<TenantRow, AppError> {
    tenants::find(db.pool(), slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no agency {slug:?}.")))
}

/// Creates a token for the user: an agency's publishing token, or with no
/// tenant a developer token. The secret is returned once and never stored.
pub async fn create(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    user_id: i64,
    tenant: Option<&TenantRow>,
    name: &str,
    days: i64,
) -> Result<Secret, AppError> {
    let secret = Secret::generate(SecretKind::AccessToken).map_err(|err| {
        AppError::Internal(anyhow::anyhow!("the system's random generator: {err}"))
    })?;
    let now = clock.now();
    let now_text = format_timestamp(now);
    let expires_at = format_timestamp(now + Duration::days(days));
    let hash = secret.hash();
    let mut tx = db.begin().await?;
    repo::insert(
        &mut tx,
        &NewToken {
            user_id,
            tenant_id: tenant.map(|tenant| tenant.id),
            name,
            prefix: secret.display_prefix(),
            hash: &hash,
            expires_at: &expires_at,
        },
        &now_text,
    )
    .await?;
    let target = format!("token {}", shown_prefix(secret.display_prefix()));
    crate::audit::record(
        &mut tx,
        &actor.event(
            tenant.map(|tenant| tenant.id),
            "token.create",
            &target,
            serde_json::json!({
                "name": name,
                "kind": if tenant.is_some() { "agency" } else { "developer" },
                "prefix": secret.display_prefix(),
                "expires_at": expires_at,
            }),
        ),
        &now_text,
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Revokes a token of the agency: the caller's own, or anyone's for an
/// owner. Returns the token's name; revoking twice is harmless.
pub async fn revoke(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    caller: &Caller,
    tenant: &TenantRow,
    id: i64,
) -> Result<String, AppError> {
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let token = repo::find(&mut tx, tenant.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such token in this agency.".into()))?;
    let owner = caller.role_in(&tenant.slug) == Some(Role::Owner);
    if token.user_id != caller.user_id && !owner {
        return Err(AppError::Forbidden(
            "Only the token's owner, or an owner of the agency, may revoke it.".into(),
        ));
    }
    if repo::revoke(&mut tx, token.id, &now).await? {
        crate::audit::record(
            &mut tx,
            &actor.event(
                Some(tenant.id),
                "token.revoke",
                &format!("token {}", shown_prefix(&token.prefix)),
                serde_json::json!({
                    "name": token.name,
                    "prefix": token.prefix,
                    "expires_at": token.expires_at,
                    "owner": token.owner_name,
                }),
            ),
            &now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(token.name)
}

/// The agency's tokens as the caller may see them: their own, and (for an
/// owner) everyone else's.
pub async fn list(
    db: &Db,
    clock: &Clock,
    caller: &Caller,
    tenant: &TenantRow,
) -> Result<(Vec<TokenRow>, Vec<TokenRow>), AppError> {
    let owner = caller.role_in(&tenant.slug) == Some(Role::Owner);
    let now = clock.now();
    let mut yours = Vec::new();
    let mut others = Vec::new();
    for token in repo::list_for_tenant(db.pool(), tenant.id).await? {
        let mine = token.user_id == caller.user_id;
        if !mine && !owner {
            continue;
        }
        let row = row(token, now);
        if mine {
            yours.push(row);
        } else {
            others.push(row);
        }
    }
    Ok((yours, others))
}

/// Where a token stands at `now`.
pub fn status(token: &StoredToken, now: OffsetDateTime) -> TokenStatus {
    if token.revoked_at.is_some() {
        TokenStatus::Revoked
    } else if is_past(&token.expires_at, now) {
        TokenStatus::Expired
    } else {
        TokenStatus::Active
    }
}

/// A stored timestamp at or before `now`; one that does not parse counts
/// as past, so that a damaged row never keeps a token alive.
pub(super) fn is_past(at: &str, now: OffsetDateTime) -> bool {
    OffsetDateTime::parse(at, &Rfc3339).map_or(true, |at| at <= now)
}

/// A token's prefix as people see it: `ptt_` and the first characters.
pub fn shown_prefix(prefix: &str) -> String {
    format!("{}{prefix}", SecretKind::AccessToken.prefix())
}

/// A token as the page lists it. Everyone who sees a token may revoke it
/// (their own, or any as an owner) while it is active.
pub(super) fn row(token: StoredToken, now: OffsetDateTime) -> TokenRow {
    let status = status(&token, now);
    TokenRow {
        id: token.id,
        prefix: shown_prefix(&token.prefix),
        name: token.name,
        owner: token.owner_name,
        created_at: token.created_at,
        expires_at: token.expires_at,
        last_used_at: token.last_used_at,
        revocable: status == TokenStatus::Active,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_a_name_and_an_allowed_lifetime() {
        let ok = check_request(&TokenRequest {
            name: " CI ",
            days: "30",
        });
        assert_eq!(ok.ok(), Some(("CI".to_owned(), 30)));
        for days in ["0", "3650", "never", ""] {
            let refused = check_request(&TokenRequest { name: "CI", days })
                .err()
                .unwrap();
            assert_eq!(refused[0].field, "days", "{days}");
        }
        let refused = check_request(&TokenRequest {
            name: " ",
            days: "7",
        })
        .err()
        .unwrap();
        assert_eq!(refused[0].field, "name");
    }

    #[test]
    fn an_unreadable_expiry_is_past() {
        let now = OffsetDateTime::from_unix_timestamp(1_764_000_000).unwrap();
        assert!(is_past("garbage", now));
        assert!(is_past("2025-11-24T16:00:00Z", now));
        assert!(!is_past("2025-11-24T16:00:01Z", now));
    }
}
