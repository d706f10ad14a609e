//! The rules of API keys: what a new key may be called and when it may
//! expire, how many may work at once, rotation with a grace period, and
//! the lookup the gateway asks whether a presented key opens it. Each
//! change is one transaction with its audit event, which names the key by
//! its prefix and never holds the secret or its hash.

use sqlx::AnyConnection;
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime, Time};

use super::model::{KeyRow, KeyStatus, GRACE_PERIODS, MAX_ACTIVE_KEYS, MAX_EXPIRY_DAYS};
use super::repo::{self, NewKey, StoredKey};
use crate::app::forms::FieldError;
use crate::apps::repo::StoredApp;
use crate::audit::Actor;
use crate::gateway::changes::Change;
use crate::secret::{Secret, SecretKind};
use crate::server::clock::format_timestamp;
use crate::server::error::AppError;
use crate::server::state::AppState;

pub use super::lookup::{check_presented, KeyCheck};

/// The longest name a key may have, in characters.
pub const NAME_MAX: usize = 80;

/// Checks a new key's name and optional expiry date (`YYYY-MM-DD`, from a
/// date input): the date may be today at the earliest and two years ahead
/// at the latest, and the key works until the end of that day (UTC).
pub fn check_request(
    name: &str,
    expires_on: &str,
    now: OffsetDateTime,
) -> Result<(String, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "key_name",
            "Enter a name for the key, such as where it is used (\u{201c}production server\u{201d}).",
        ));
    } else if name.chars().count() > NAME_MAX {
        errors.push(FieldError::new(
            "key_name",
            format!("The key's name must be {NAME_MAX} characters or fewer."),
        ));
    }
    let expires_on = expires_on.trim();
    let mut expires_at = None;
    if !expires_on.is_empty() {
        let today = now.to_offset(time::UtcOffset::UTC).date();
        match parse_date(expires_on) {
            None => errors.push(FieldError::new(
                "expires_on",
                "Enter the expiry date as a real date, such as 2026-12-31, or leave it empty.",
            )),
            Some(day) if day < today => errors.push(FieldError::new(
                "expires_on",
                "The expiry date must be today or later: a key cannot expire in the past.",
            )),
            Some(day) if day > today + Duration::days(MAX_EXPIRY_DAYS) => {
                errors.push(FieldError::new(
                    "expires_on",
                    "The expiry date must be at most 2 years from today.",
                ))
            }
            Some(day) => {
                let end = Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT);
                expires_at = Some(format_timestamp(day.with_time(end).assume_utc()));
            }
        }
    }
    if errors.is_empty() {
        Ok((name.to_owned(), expires_at))
    } else {
        Err(errors)
    }
}

/// The grace period, in seconds, named by the rotate form.
pub fn grace_seconds(value: &str) -> Option<i64> {
    GRACE_PERIODS
        .iter()
        .find(|(name, _, _)| *name == value)
        .map(|(_, _, seconds)| *seconds)
}

/// A `YYYY-MM-DD` date.
fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse::<i32>().ok()?;
    let month = Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
    let day = parts.next()?.parse::<u8>().ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Where a key stands at `now`. A timestamp that does not parse counts as
/// past, so that a damaged row never keeps a key alive.
pub fn status(key: &StoredKey, now: OffsetDateTime) -> KeyStatus {
    let past = |at: &str| OffsetDateTime::parse(at, &Rfc3339).map_or(true, |at| at <= now);
    if key.revoked_at.is_some() {
        KeyStatus::Revoked
    } else if key.expires_at.as_deref().is_some_and(past) {
        KeyStatus::Expired
    } else if key.replaced_by.is_some() {
        KeyStatus::Rotating
    } else {
        KeyStatus::Active
    }
}

/// A key's prefix as people see it: `ptc_` and the first characters.
pub fn shown_prefix(prefix: &str) -> String {
    format!("{}{prefix}", SecretKind::ApiKey.prefix())
}

/// The application's keys as its page lists them, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    app_id: i64,
    now: OffsetDateTime,
) -> Result<Vec<KeyRow>, AppError> {
    Ok(repo::list_for_app(conn, app_id)
        .await?
        .into_iter()
        .map(|key| row(key, now))
        .collect())
}

/// One key of the application as lists show it, or a 404.
pub async fn one(
    conn: &mut AnyConnection,
    app_id: i64,
    id: i64,
    now: OffsetDateTime,
) -> Result<KeyRow, AppError> {
    Ok(row(find(conn, app_id, id).await?, now))
}

fn row(key: StoredKey, now: OffsetDateTime) -> KeyRow {
    KeyRow {
        id: key.id,
        status: status(&key, now),
        prefix: shown_prefix(&key.prefix),
        name: key.name,
        created_at: key.created_at,
        expires_at: key.expires_at,
        last_used_at: key.last_used_at,
    }
}

fn new_secret() -> Result<Secret, AppError> {
    Secret::generate(SecretKind::ApiKey)
        .map_err(|err| AppError::Internal(anyhow::anyhow!("the system's random generator: {err}")))
}

async fn audit(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    prefix: &str,
    detail: serde_json::Value,
    now: &str,
) -> Result<(), AppError> {
    let target = format!("key {}", shown_prefix(prefix));
    crate::audit::record(conn, &actor.event(None, action, &target, detail), now).await?;
    Ok(())
}

/// A key just made: its id and name, and its secret, to show once.
pub struct Issued {
    pub id: i64,
    pub name: String,
    pub secret: Secret,
}

/// Creates a key for the application (the caller's: the handler checked);
/// the secret is returned once and never stored. Refused with `Conflict`
/// when the application has its most active keys already.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    app: &StoredApp,
    name: &str,
    expires_at: Option<&str>,
) -> Result<Issued, AppError> {
    let now = state.clock.now();
    let now_text = format_timestamp(now);
    let mut tx = state.db.begin().await?;
    let active = repo::list_for_app(&mut tx, app.id)
        .await?
        .iter()
        .filter(|key| status(key, now) == KeyStatus::Active)
        .count();
    if active >= MAX_ACTIVE_KEYS {
        return Err(AppError::Conflict(format!(
            "This application has {MAX_ACTIVE_KEYS} active keys, the most it may have. Revoke a key you no longer use, then create the new one."
        )));
    }
    let secret = new_secret()?;
    let hash = secret.hash();
    let new = NewKey {
        app_id: app.id,
        name,
        prefix: secret.display_prefix(),
        hash: &hash,
        expires_at,
    };
    let id = repo::insert(&mut tx, &new, &now_text).await?;
    let detail = serde_json::json!({
        "app": app.name, "app_id": app.id, "name": name,
        "prefix": shown_prefix(secret.display_prefix()), "expires_at": expires_at,
    });
    audit(
        &mut tx,
        actor,
        "key.create",
        secret.display_prefix(),
        detail,
        &now_text,
    )
    .await?;
    tx.commit().await?;
    // Applied before the answer: the gateway knows the key at once.
    state.changes.publish(Change::Keys { app_id: app.id }).await;
    Ok(Issued {
        id,
        name: name.to_owned(),
        secret,
    })
}

/// Replaces an active key by a new one with its name and expiry; the old
/// key works for `grace` seconds more (never beyond its own expiry).
/// Returns the new key, its secret once.
pub async fn rotate(
    state: &AppState,
    actor: &Actor,
    app: &StoredApp,
    key_id: i64,
    grace: i64,
) -> Result<Issued, AppError> {
    let now = state.clock.now();
    let now_text = format_timestamp(now);
    let mut tx = state.db.begin().await?;
    let old = find(&mut tx, app.id, key_id).await?;
    if status(&old, now) != KeyStatus::Active {
        return Err(AppError::Conflict(
            "Only an active key can be rotated: this one is expired, revoked or rotated already. Create a new key instead.".into(),
        ));
    }
    let secret = new_secret()?;
    let hash = secret.hash();
    let new = NewKey {
        app_id: app.id,
        name: &old.name,
        prefix: secret.display_prefix(),
        hash: &hash,
        expires_at: old.expires_at.as_deref(),
    };
    let new_id = repo::insert(&mut tx, &new, &now_text).await?;
    let mut until = format_timestamp(now + Duration::seconds(grace));
    if let Some(own) = &old.expires_at {
        // Both are RFC 3339 UTC from `format_timestamp`: compare instants.
        let own_at = OffsetDateTime::parse(own, &Rfc3339).unwrap_or(now);
        if own_at < now + Duration::seconds(grace) {
            until = format_timestamp(own_at);
        }
    }
    repo::mark_replaced(&mut tx, old.id, new_id, &until, &now_text).await?;
    let detail = serde_json::json!({
        "app": app.name, "app_id": app.id, "name": old.name,
        "prefix": shown_prefix(&old.prefix), "old_key_expires_at": until,
        "new_prefix": shown_prefix(secret.display_prefix()), "expires_at": old.expires_at,
    });
    audit(&mut tx, actor, "key.rotate", &old.prefix, detail, &now_text).await?;
    tx.commit().await?;
    // Applied before the answer: the gateway knows the key at once.
    state.changes.publish(Change::Keys { app_id: app.id }).await;
    Ok(Issued {
        id: new_id,
        name: old.name,
        secret,
    })
}

/// Revokes a key of the application at once; returns its name. Revoking
/// twice is harmless and writes one event.
pub async fn revoke(
    state: &AppState,
    actor: &Actor,
    app: &StoredApp,
    key_id: i64,
) -> Result<String, AppError> {
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let key = find(&mut tx, app.id, key_id).await?;
    if repo::revoke(&mut tx, key.id, &now).await? {
        let detail = serde_json::json!({
            "app": app.name, "app_id": app.id, "name": key.name,
            "prefix": shown_prefix(&key.prefix), "expires_at": key.expires_at,
        });
        audit(&mut tx, actor, "key.revoke", &key.prefix, detail, &now).await?;
    }
    tx.commit().await?;
    // Applied before the answer: the next call with this key gets 401.
    state.changes.publish(Change::Keys { app_id: app.id }).await;
    Ok(key.name)
}

/// A key of the application, or the 404 of a key that is not there.
async fn find(conn: &mut AnyConnection, app_id: i64, id: i64) -> Result<StoredKey, AppError> {
    repo::find(conn, app_id, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This application has no such key.".into()))
}

#[cfg(test)]
mod tests;
