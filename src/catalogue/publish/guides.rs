//! The guides of an API: Markdown pages its agency writes, created, edited
//! and deleted from the API's management page, each change with its audit
//! event (`guide.create`, `guide.update`, `guide.delete`).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::model::{manage_href, GuideFields, RESERVED_SLUGS};
use super::service::{self, MARKDOWN_MAX};
use crate::app::forms::{FieldError, Notice};
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::catalogue::repo;
use crate::catalogue::slug::Slug;
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

/// The longest title a guide may have.
const TITLE_MAX: usize = 120;

/// A guide's form, as sent: every field may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GuideForm {
    pub title: String,
    pub slug: String,
    pub body_md: String,
}

impl GuideForm {
    fn values(self) -> [(&'static str, String); 3] {
        [
            ("title", self.title),
            ("slug", self.slug),
            ("body_md", self.body_md),
        ]
    }
}

/// The guide a form asks for, checked; an empty slug comes from the title.
fn check(form: &GuideForm) -> Result<GuideFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        errors.push(FieldError::new(
            "title",
            format!("Enter the guide's title, up to {TITLE_MAX} characters"),
        ));
    }
    let slug = match form.slug.trim() {
        "" => Slug::from_name(title).map_err(|_| {
            "Enter a slug for the guide's web address: lowercase letters, digits and hyphens"
                .to_string()
        }),
        typed => Slug::parse(typed),
    };
    match &slug {
        Ok(slug) if RESERVED_SLUGS.contains(&slug.as_str()) => errors.push(FieldError::new(
            "slug",
            format!("The slug {slug} names a page of the portal: choose another"),
        )),
        Ok(_) => {}
        Err(message) if !title.is_empty() || !form.slug.trim().is_empty() => {
            errors.push(FieldError::new("slug", message.clone()))
        }
        Err(_) => {}
    }
    if form.body_md.trim().is_empty() || form.body_md.len() > MARKDOWN_MAX {
        errors.push(FieldError::new(
            "body_md",
            format!(
                "Write the guide in Markdown, up to {} kB",
                MARKDOWN_MAX / 1000
            ),
        ));
    }
    match slug {
        Ok(slug) if errors.is_empty() => Ok(GuideFields {
            slug: slug.to_string(),
            title: title.to_string(),
            body_md: form.body_md.replace("\r\n", "\n"),
        }),
        _ => Err(errors),
    }
}

fn taken(slug: &str) -> Vec<FieldError> {
    vec![FieldError::new(
        "slug",
        format!("This API already has a guide with the slug {slug}: choose another"),
    )]
}

/// `POST /manage/{agency}/apis/{api}/guides`: a new guide.
pub async fn create_guide(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api)): Path<(String, String)>,
    Form(form): Form<GuideForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    let (api_id, _) = service::find_api(&state, &tenant, &api).await?;
    let back = format!("{}/guides/new", manage_href(&agency, &api));
    let guide = match check(&form) {
        Ok(guide) => guide,
        Err(errors) => return Ok(flash::send_back(&session, &back, errors, form.values()).await),
    };
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    if repo::insert_guide(&mut tx, api_id, &guide, &now)
        .await?
        .is_none()
    {
        let errors = taken(&guide.slug);
        return Ok(flash::send_back(&session, &back, errors, form.values()).await);
    }
    let target = format!("{agency}/{api}/{}", guide.slug);
    let detail = json!({ "after": { "slug": guide.slug, "title": guide.title } });
    let event = acting
        .actor
        .event(Some(tenant.id), "guide.create", &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    tx.commit().await?;
    let notice = Notice::success(format!("The guide {} was published.", guide.title));
    Ok(flash::redirect_with(&session, &manage_href(&agency, &api), notice).await)
}

/// `POST /manage/{agency}/apis/{api}/guides/{guide}/update`.
pub async fn update_guide(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api, slug)): Path<(String, String, String)>,
    Form(form): Form<GuideForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    let (api_id, _) = service::find_api(&state, &tenant, &api).await?;
    let (id, before) = find(&state, api_id, &slug).await?;
    let back = format!("{}/guides/{slug}", manage_href(&agency, &api));
    let after = match check(&form) {
        Ok(guide) => guide,
        Err(errors) => return Ok(flash::send_back(&session, &back, errors, form.values()).await),
    };
    let changes: serde_json::Map<String, serde_json::Value> = [
        ("slug", &before.slug, &after.slug),
        ("title", &before.title, &after.title),
        ("body_md", &before.body_md, &after.body_md),
    ]
    .into_iter()
    .filter(|(_, b, a)| b != a)
    .map(|(field, b, a)| (field.to_string(), json!({ "before": b, "after": a })))
    .collect();
    let manage = manage_href(&agency, &api);
    if changes.is_empty() {
        let notice = Notice::success("Nothing changed: the guide is as it was.");
        return Ok(flash::redirect_with(&session, &manage, notice).await);
    }
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    if !repo::update_guide(&mut tx, api_id, id, &after, &now).await? {
        let errors = taken(&after.slug);
        return Ok(flash::send_back(&session, &back, errors, form.values()).await);
    }
    let target = format!("{agency}/{api}/{}", after.slug);
    let detail = json!({ "changes": changes });
    let event = acting
        .actor
        .event(Some(tenant.id), "guide.update", &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    tx.commit().await?;
    let notice = Notice::success(format!("The guide {} was saved.", after.title));
    Ok(flash::redirect_with(&session, &manage, notice).await)
}

/// `POST /manage/{agency}/apis/{api}/guides/{guide}/delete`.
pub async fn delete_guide(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api, slug)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    let (api_id, _) = service::find_api(&state, &tenant, &api).await?;
    let (id, before) = find(&state, api_id, &slug).await?;
    let now = state.clock.now_text();
    let mut tx = state.db.begin().await?;
    repo::delete_guide(&mut tx, id).await?;
    let target = format!("{agency}/{api}/{slug}");
    let detail = json!({ "before": { "slug": before.slug, "title": before.title } });
    let event = acting
        .actor
        .event(Some(tenant.id), "guide.delete", &target, detail);
    crate::audit::record(&mut tx, &event, &now).await?;
    tx.commit().await?;
    let notice = Notice::success(format!("The guide {} was deleted.", before.title));
    Ok(flash::redirect_with(&session, &manage_href(&agency, &api), notice).await)
}

async fn find(state: &AppState, api_id: i64, slug: &str) -> Result<(i64, GuideFields), AppError> {
    repo::find_guide(state.db.pool(), api_id, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("This API has no guide {slug:?}.")))
}
