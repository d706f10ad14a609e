//! Saving the platform settings: checks each field, bumps the terms'
//! version when their text changes, and records the change.

use super::model::PlatformSettings;
use super::repo;
use crate::app::forms::FieldError;
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::server::clock::Clock;
use crate::tenants::service::Refused;

/// What an admin sends.
pub struct SettingsForm<'a> {
    pub portal_name: &'a str,
    pub logo_url: &'a str,
    pub contact_email: &'a str,
    pub support_url: &'a str,
    pub terms_md: &'a str,
}

/// The longest terms of use accepted (characters).
const TERMS_MAX: usize = 100_000;

fn is_web_address(text: &str) -> bool {
    url::Url::parse(text)
        .map(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
        .unwrap_or(false)
}

fn check(form: &SettingsForm<'_>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = form.portal_name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(FieldError::new(
            "portal_name",
            "Enter the portal's name, 60 characters or fewer",
        ));
    }
    let logo = form.logo_url.trim();
    let local_path = logo.starts_with('/') && !logo.starts_with("//");
    if !logo.is_empty() && !is_web_address(logo) && !local_path {
        errors.push(FieldError::new(
            "logo_url",
            "Enter the logo's address as https://... or a path on this portal such as /logo.svg, or leave it empty",
        ));
    }
    let contact = form.contact_email.trim();
    if !contact.is_empty() && (!contact.contains('@') || contact.chars().any(char::is_whitespace)) {
        errors.push(FieldError::new(
            "contact_email",
            "Enter the contact address like api-support@agency.gov.sg, or leave it empty",
        ));
    }
    let support = form.support_url.trim();
    if !support.is_empty() && !is_web_address(support) {
        errors.push(FieldError::new(
            "support_url",
            "Enter the support page's address as https://..., or leave it empty",
        ));
    }
    if form.terms_md.chars().count() > TERMS_MAX {
        errors.push(FieldError::new(
            "terms_md",
            format!("The terms of use must be {TERMS_MAX} characters or fewer"),
        ));
    }
    errors
}

/// Saves the settings; the terms' version goes up when their text changed.
pub async fn save(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    form: &SettingsForm<'_>,
) -> Result<(), Refused> {
    let errors = check(form);
    if !errors.is_empty() {
        return Err(Refused::Fields(errors));
    }
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let before = repo::load_in(&mut tx).await?;
    let terms = form.terms_md.replace("\r\n", "\n");
    let terms_changed = terms.trim() != before.terms_md.trim();
    let after = PlatformSettings {
        portal_name: form.portal_name.trim().to_string(),
        logo_url: form.logo_url.trim().to_string(),
        contact_email: form.contact_email.trim().to_string(),
        support_url: form.support_url.trim().to_string(),
        terms_version: before.terms_version + i64::from(terms_changed),
        terms_md: terms.trim().to_string(),
        updated_at: now.clone(),
    };
    repo::save(&mut tx, &after).await?;
    let summary = |s: &PlatformSettings| {
        serde_json::json!({
            "portal_name": s.portal_name,
            "logo_url": s.logo_url,
            "contact_email": s.contact_email,
            "support_url": s.support_url,
            "terms_version": s.terms_version,
        })
    };
    audit::record(
        &mut tx,
        &actor.event(
            None,
            "settings.update",
            "platform settings",
            serde_json::json!({ "before": summary(&before), "after": summary(&after) }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
