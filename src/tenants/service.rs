//! Rules of running agencies: creating, renaming and suspending them. Each
//! change is one transaction with its audit event. Invitations and roles
//! are in [`super::membership`], re-exported here.

pub use super::membership::{invite, redeem, revoke_invitation, set_member_role};

use super::repo::{self, NewTenant, TenantDetail};
use crate::app::forms::FieldError;
use crate::audit::{self, Actor};
use crate::catalogue::slug::Slug;
use crate::db::Db;
use crate::server::clock::Clock;
use crate::server::error::AppError;

/// Why a change was not made: the form's fields, or something else.
#[derive(Debug)]
pub enum Refused {
    Fields(Vec<FieldError>),
    Error(AppError),
}

impl<E: Into<AppError>> From<E> for Refused {
    fn from(err: E) -> Self {
        Refused::Error(err.into())
    }
}

/// Slugs that would clash with Portico's own paths on the gateway, or that
/// Portico keeps for itself.
const RESERVED_SLUGS: &[&str] = &[
    "healthz",
    "metrics",
    "portico",
    "well-known",
    "admin",
    "api",
];

/// The longest agency name.
const NAME_MAX: usize = 120;

/// What an admin types to create or rename an agency.
pub struct AgencyForm<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub contact_email: &'a str,
}

fn check_name_and_contact(form: &AgencyForm<'_>, errors: &mut Vec<FieldError>) {
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Enter the agency's name"));
    } else if name.chars().count() > NAME_MAX {
        errors.push(FieldError::new(
            "name",
            format!("The name must be {NAME_MAX} characters or fewer"),
        ));
    }
    let contact = form.contact_email.trim();
    if !contact.is_empty() && !looks_like_email(contact) {
        errors.push(FieldError::new(
            "contact_email",
            "Enter the contact address like name@agency.gov.sg, or leave it empty",
        ));
    }
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && text.len() <= 254
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Creates an agency. Returns its slug.
pub async fn create_agency(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    form: &AgencyForm<'_>,
) -> Result<String, Refused> {
    let mut errors = Vec::new();
    let slug = match Slug::parse(form.slug.trim()) {
        Ok(slug) if RESERVED_SLUGS.contains(&slug.as_str()) => {
            errors.push(FieldError::new(
                "slug",
                format!("`{slug}` is kept for Portico itself: choose another short name"),
            ));
            None
        }
        Ok(slug) => Some(slug),
        Err(_) => {
            errors.push(FieldError::new(
                "slug",
                "Enter a short name of 2 to 64 lowercase letters, digits and single hyphens, starting with a letter, like `land-transport`",
            ));
            None
        }
    };
    check_name_and_contact(form, &mut errors);
    let Some(slug) = slug.filter(|_| errors.is_empty()) else {
        return Err(Refused::Fields(errors));
    };
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let tenant = NewTenant {
        slug: slug.as_str(),
        name: form.name.trim(),
        contact_email: optional(form.contact_email),
    };
    let Some(id) = repo::create(&mut tx, &tenant, &now).await? else {
        return Err(Refused::Fields(vec![FieldError::new(
            "slug",
            format!("An agency with the short name `{slug}` exists already: choose another"),
        )]));
    };
    audit::record(
        &mut tx,
        &actor.event(
            Some(id),
            "tenant.create",
            slug.as_str(),
            serde_json::json!({ "name": tenant.name, "contact_email": tenant.contact_email }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(slug.to_string())
}

/// The agency with this slug, or 404.
pub async fn find_agency(
    conn: &mut sqlx::AnyConnection,
    slug: &str,
) -> Result<TenantDetail, AppError> {
    repo::find_detail(conn, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no agency `{slug}`.")))
}

/// Renames an agency and sets its contact address.
pub async fn update_agency(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    form: &AgencyForm<'_>,
) -> Result<(), Refused> {
    let mut errors = Vec::new();
    check_name_and_contact(form, &mut errors);
    if !errors.is_empty() {
        return Err(Refused::Fields(errors));
    }
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let before = find_agency(&mut tx, form.slug).await?;
    let (name, contact) = (form.name.trim(), optional(form.contact_email));
    if before.name == name && before.contact_email.as_deref() == contact {
        return Ok(());
    }
    repo::update(&mut tx, before.id, name, contact, &now).await?;
    audit::record(
        &mut tx,
        &actor.event(
            Some(before.id),
            "tenant.update",
            &before.slug,
            serde_json::json!({
                "before": { "name": before.name, "contact_email": before.contact_email },
                "after": { "name": name, "contact_email": contact },
            }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Suspends or reactivates an agency. A suspended agency's APIs leave the
/// catalogue and its gateway routes answer 503; nothing is deleted.
pub async fn set_agency_suspended(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    slug: &str,
    suspended: bool,
    reason: &str,
) -> Result<(), Refused> {
    let reason = reason.trim();
    if suspended && reason.is_empty() {
        return Err(Refused::Fields(vec![FieldError::new(
            "reason",
            "Say why the agency is suspended: its owners and the audit log will read it",
        )]));
    }
    let now = clock.now_text();
    let mut tx = db.begin().await?;
    let agency = find_agency(&mut tx, slug).await?;
    let status = if suspended { "suspended" } else { "active" };
    if agency.status == status {
        return Ok(());
    }
    repo::set_status(&mut tx, agency.id, status, &now).await?;
    audit::record(
        &mut tx,
        &actor.event(
            Some(agency.id),
            if suspended {
                "tenant.suspend"
            } else {
                "tenant.reactivate"
            },
            &agency.slug,
            serde_json::json!({ "before": agency.status, "after": status, "reason": reason }),
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
