//! Rules of publishing: what a form may set, and each change in one
//! transaction with its audit event. The import of documents is
//! `crate::openapi::import` (see `upload`).

use serde_json::{json, Map, Value};
use time::Date;

use super::model::{ApiSettings, ACCESS_MODES, LIFECYCLES, VISIBILITIES};
use crate::app::forms::FieldError;
use crate::audit::Actor;
use crate::catalogue::repo;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::tenants::repo::{self as tenants, TenantRow};

/// The longest name and summary an API may have.
const NAME_MAX: usize = 120;
const SUMMARY_MAX: usize = 300;
/// The longest Markdown (overview, guide) Portico keeps.
pub const MARKDOWN_MAX: usize = 200_000;

/// The agency named by a route, or 404.
pub async fn find_agency(state: &AppState, slug: &str) -> Result<TenantRow, AppError> {
    tenants::find(state.db.pool(), slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no agency {slug:?}.")))
}

/// An API of the agency with its id and settings, or 404.
pub async fn find_api(
    state: &AppState,
    tenant: &TenantRow,
    slug: &str,
) -> Result<(i64, ApiSettings), AppError> {
    repo::find_settings(state.db.pool(), tenant.id, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{} has no API {slug:?}.", tenant.name)))
}

fn is_one_of(value: &str, list: &[(&str, &str)]) -> bool {
    list.iter().any(|(v, _)| *v == value)
}

/// An API's name as a form sent it, or the error to show.
pub fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(FieldError::new(
            "name",
            format!("Enter the API's name, up to {NAME_MAX} characters"),
        ));
    }
    Ok(name.to_string())
}

/// A visibility as a form sent it, or the error to show.
pub fn check_visibility(value: &str) -> Result<String, FieldError> {
    if is_one_of(value, VISIBILITIES) {
        Ok(value.to_string())
    } else {
        Err(FieldError::new(
            "visibility",
            "Choose who may see the API: public, restricted or private",
        ))
    }
}

/// An upstream URL as a form sent it (empty: none yet), or the error.
pub fn check_upstream(text: &str) -> Result<Option<String>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Ok(Some(text.to_string()))
        }
        _ => Err(FieldError::new(
            "upstream_url",
            "Enter the upstream as a full http:// or https:// URL, like https://api.example.gov/v1, or leave it empty",
        )),
    }
}

/// A `YYYY-MM-DD` date, as a `date` input sends it.
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// The settings a form asks for, checked, given the API's current ones and
/// today's date. A deprecated API needs a sunset date, and a new sunset
/// date cannot be in the past; other lifecycles keep none.
pub fn check_settings(
    sent: &ApiSettings,
    before: &ApiSettings,
    today: Date,
) -> Result<ApiSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = check_name(&sent.name)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let summary = sent.summary.trim().to_string();
    if summary.chars().count() > SUMMARY_MAX {
        errors.push(FieldError::new(
            "summary",
            format!("Shorten the summary to {SUMMARY_MAX} characters or fewer"),
        ));
    }
    if sent.overview_md.len() > MARKDOWN_MAX {
        errors.push(FieldError::new(
            "overview_md",
            format!("Shorten the overview to {} kB or less", MARKDOWN_MAX / 1000),
        ));
    }
    let visibility = check_visibility(&sent.visibility)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    if !is_one_of(&sent.lifecycle, LIFECYCLES) {
        errors.push(FieldError::new(
            "lifecycle",
            "Choose the lifecycle: draft, published, deprecated or retired",
        ));
    }
    let sunset_at = check_sunset(sent, before, today)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    if !is_one_of(&sent.access_mode, ACCESS_MODES) {
        errors.push(FieldError::new(
            "access_mode",
            "Choose how callers authenticate: with an API key, or open",
        ));
    }
    let upstream_url = sent
        .upstream_url
        .as_deref()
        .map(check_upstream)
        .transpose()
        .map_err(|e| errors.push(e))
        .unwrap_or_default()
        .flatten();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ApiSettings {
        name,
        summary,
        overview_md: sent.overview_md.replace("\r\n", "\n"),
        visibility,
        lifecycle: sent.lifecycle.clone(),
        sunset_at,
        upstream_url,
        access_mode: sent.access_mode.clone(),
    })
}

fn check_sunset(
    sent: &ApiSettings,
    before: &ApiSettings,
    today: Date,
) -> Result<Option<String>, FieldError> {
    if sent.lifecycle != "deprecated" {
        return Ok(None);
    }
    let text = sent.sunset_at.as_deref().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(FieldError::new(
            "sunset_at",
            "Enter the sunset date: the day the deprecated API stops answering",
        ));
    }
    let Some(date) = parse_date(text) else {
        return Err(FieldError::new(
            "sunset_at",
            "Enter the sunset date as a real date, like 2030-12-31",
        ));
    };
    let unchanged = before.lifecycle == "deprecated" && before.sunset_at.as_deref() == Some(text);
    if date < today && !unchanged {
        return Err(FieldError::new(
            "sunset_at",
            "The sunset date must be today or in the future",
        ));
    }
    Ok(Some(date.to_string()))
}

/// The fields that differ, each with its value before and after.
pub fn changes(before: &ApiSettings, after: &ApiSettings) -> Map<String, Value> {
    let fields: [(&str, Value, Value); 8] = [
        ("name", json!(before.name), json!(after.name)),
        ("summary", json!(before.summary), json!(after.summary)),
        (
            "overview_md",
            json!(before.overview_md),
            json!(after.overview_md),
        ),
        (
            "visibility",
            json!(before.visibility),
            json!(after.visibility),
        ),
        ("lifecycle", json!(before.lifecycle), json!(after.lifecycle)),
        ("sunset_at", json!(before.sunset_at), json!(after.sunset_at)),
        (
            "upstream_url",
            json!(before.upstream_url),
            json!(after.upstream_url),
        ),
        (
            "access_mode",
            json!(before.access_mode),
            json!(after.access_mode),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(field, b, a)| (field.to_string(), json!({ "before": b, "after": a })))
        .collect()
}

/// Whether the gateway must learn of the change.
fn routing_changed(before: &ApiSettings, after: &ApiSettings) -> bool {
    before.upstream_url != after.upstream_url
        || before.access_mode != after.access_mode
        || before.lifecycle != after.lifecycle
        || before.visibility != after.visibility
}

/// Saves an API's new settings with an `api.update` event naming each
/// changed field; returns whether anything changed. The gateway follows at
/// once when routing changed.
pub async fn save_settings(
    state: &AppState,
    actor: &Actor,
    tenant: &TenantRow,
    api: (&str, i64),
    before: &ApiSettings,
    after: &ApiSettings,
) -> Result<bool, AppError> {
    let changed = changes(before, after);
    if changed.is_empty() {
        return Ok(false);
    }
    let now = state.clock.now_text();
    let target = format!("{}/{}", tenant.slug, api.0);
    let mut tx = state.db.begin().await?;
    repo::update_settings(&mut tx, api.1, after, &now).await?;
    let event = actor.event(
        Some(tenant.id),
        "api.update",
        &target,
        json!({ "changes": changed }),
    );
    crate::audit::record(&mut tx, &event, &now).await?;
    tx.commit().await?;
    if routing_changed(before, after) {
        reload_routes(state).await;
    }
    Ok(true)
}

/// Makes another version the default, with a `version.default` event;
/// `false` when the API has no version with that label.
pub async fn set_default_version(
    state: &AppState,
    actor: &Actor,
    tenant: &TenantRow,
    api: (&str, i64),
    label: &str,
) -> Result<bool, AppError> {
    let pool = state.db.pool();
    let before = repo::list_versions(pool, api.1)
        .await?
        .into_iter()
        .find(|v| v.is_default)
        .map(|v| v.label);
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    let Some(version_id) = repo::find_version_id(&mut tx, api.1, label).await? else {
        return Ok(false);
    };
    repo::set_default_version(&mut tx, api.1, version_id, &now).await?;
    let target = format!("{}/{}", tenant.slug, api.0);
    let detail = json!({ "before": before, "after": label });
    crate::audit::record(
        &mut tx,
        &actor.event(Some(tenant.id), "version.default", &target, detail),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Reloads the gateway's routes after a committed change (through the
/// change bus, which logs and retries a failure).
pub async fn reload_routes(state: &AppState) {
    state
        .changes
        .publish(crate::gateway::changes::Change::Routes)
        .await;
}
