//! The forms of an API's publishing: create it from a document, change its
//! settings, upload a version, choose the default version. Each handler
//! checks the caller's role in the agency, checks what was sent, makes the
//! change in one transaction with its audit event, and redirects.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::model::{manage_href, ApiSettings, RESERVED_SLUGS};
use super::service::{self, check_name, check_upstream, check_visibility};
use super::upload::{self, FILE_FIELD};
use crate::app::forms::{FieldError, Notice};
use crate::auth::access::Acting;
use crate::auth::model::Role;
use crate::catalogue::repo;
use crate::catalogue::slug::Slug;
use crate::openapi::import::{import, ImportRequest};
use crate::server::error::AppError;
use crate::server::flash;
use crate::server::state::AppState;

/// `GET /manage/{agency}/apis`: the APIs are listed on the agency's page.
pub async fn list_apis(Path(agency): Path<String>) -> Redirect {
    Redirect::to(&format!("/manage/{agency}"))
}

/// `POST /manage/{agency}/apis` (multipart): creates an API from a document.
/// The import creates it as a private draft named after the document, with
/// `api.create` and `version.publish`; the form's name, visibility and
/// upstream follow as an `api.update`.
pub async fn create_api(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(agency): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    let back = format!("/manage/{agency}/apis/new");
    let upload = match upload::read(form).await {
        Ok(upload) => upload,
        Err(sentence) => {
            let errors = vec![FieldError::new(FILE_FIELD, sentence)];
            return Ok(flash::send_back(&session, &back, errors, []).await);
        }
    };
    let values = ["name", "slug", "visibility", "upstream_url", "document_url"]
        .map(|name| (name, upload.field(name)));
    let mut errors = Vec::new();
    let name = check_name(&upload.field("name")).map_err(|e| errors.push(e));
    let slug = match upload.field("slug") {
        typed if typed.is_empty() => Slug::from_name(&upload.field("name")).map_err(|_| {
            "Enter a slug for the API's web address: lowercase letters, digits and hyphens"
                .to_string()
        }),
        typed => Slug::parse(&typed),
    };
    let slug = match slug {
        Ok(slug) if RESERVED_SLUGS.contains(&slug.as_str()) => Err(format!(
            "The slug {slug} names a page of the portal: choose another"
        )),
        Ok(slug) if repo::api_slug_taken(state.db.pool(), tenant.id, slug.as_str()).await? => {
            Err(format!(
                "{} already has an API with the slug {slug}: choose another",
                tenant.name
            ))
        }
        other => other,
    }
    .map_err(|message| errors.push(FieldError::new("slug", message)));
    let visibility = check_visibility(&upload.field("visibility")).map_err(|e| errors.push(e));
    let upstream = check_upstream(&upload.field("upstream_url")).map_err(|e| errors.push(e));
    let text = if errors.is_empty() {
        upload::document(&upload).await.map_err(|e| errors.push(e))
    } else {
        Err(())
    };
    let (Ok(name), Ok(slug), Ok(visibility), Ok(upstream_url), Ok(text)) =
        (name, slug, visibility, upstream, text)
    else {
        return Ok(flash::send_back(&session, &back, errors, values).await);
    };
    let agency_slug = Slug::parse(&tenant.slug).map_err(|e| anyhow::anyhow!(e))?;
    let imported = import(
        &state.db,
        &state.clock,
        ImportRequest {
            agency: &agency_slug,
            api: &slug,
            label: None,
            text: &text,
            publish: false,
            actor: Some(&acting.actor),
        },
    )
    .await;
    let outcome = match imported {
        Ok(outcome) => outcome,
        Err(err) => {
            let errors = upload::refusal(err, FILE_FIELD)?;
            return Ok(flash::send_back(&session, &back, errors, values).await);
        }
    };
    let (api_id, before) = service::find_api(&state, &tenant, slug.as_str()).await?;
    let after = ApiSettings {
        name: name.clone(),
        visibility,
        upstream_url,
        ..before.clone()
    };
    let api = (slug.as_str(), api_id);
    service::save_settings(&state, &acting.actor, &tenant, api, &before, &after).await?;
    let warnings = outcome.warnings.iter().map(ToString::to_string).collect();
    upload::leave_warnings(&session, warnings).await?;
    let notice = Notice::success(format!(
        "{name} was created as a draft from version {} of its document ({} operations). \
         Check its settings, then publish it.",
        outcome.version, outcome.operations
    ));
    Ok(flash::redirect_with(&session, &manage_href(&agency, slug.as_str()), notice).await)
}

/// The settings form, as sent: every field may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub name: String,
    pub summary: String,
    pub overview_md: String,
    pub visibility: String,
    pub lifecycle: String,
    pub sunset_at: String,
    pub upstream_url: String,
    pub access_mode: String,
}

/// `POST /manage/{agency}/apis/{api}/settings`.
pub async fn update_settings(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api)): Path<(String, String)>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    let (api_id, before) = service::find_api(&state, &tenant, &api).await?;
    let back = manage_href(&agency, &api);
    let optional = |text: &str| Some(text.to_string()).filter(|t| !t.trim().is_empty());
    let sent = ApiSettings {
        name: form.name.clone(),
        summary: form.summary.clone(),
        overview_md: form.overview_md.clone(),
        visibility: form.visibility.clone(),
        lifecycle: form.lifecycle.clone(),
        sunset_at: optional(&form.sunset_at),
        upstream_url: optional(&form.upstream_url),
        access_mode: form.access_mode.clone(),
    };
    let today = state.clock.now().date();
    let after = match service::check_settings(&sent, &before, today) {
        Ok(after) => after,
        Err(errors) => {
            let values = [
                ("name", form.name),
                ("summary", form.summary),
                ("overview_md", form.overview_md),
                ("visibility", form.visibility),
                ("lifecycle", form.lifecycle),
                ("sunset_at", form.sunset_at),
                ("upstream_url", form.upstream_url),
                ("access_mode", form.access_mode),
            ];
            return Ok(flash::send_back(&session, &back, errors, values).await);
        }
    };
    let changed = service::save_settings(
        &state,
        &acting.actor,
        &tenant,
        (&api, api_id),
        &before,
        &after,
    )
    .await?;
    let sentence = if changed {
        format!("The settings of {} were saved.", after.name)
    } else {
        "Nothing changed: the settings are as they were.".to_string()
    };
    Ok(flash::redirect_with(&session, &back, Notice::success(sentence)).await)
}

/// `POST /manage/{agency}/apis/{api}/versions` (multipart): a new version
/// of the API's document, which becomes the default.
pub async fn upload_version(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api)): Path<(String, String)>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    // The import would create an API that does not exist: refuse first.
    service::find_api(&state, &tenant, &api).await?;
    let back = format!("{}#new-version", manage_href(&agency, &api));
    let upload = match upload::read(form).await {
        Ok(upload) => upload,
        Err(sentence) => {
            let errors = vec![FieldError::new(FILE_FIELD, sentence)];
            return Ok(flash::send_back(&session, &back, errors, []).await);
        }
    };
    let values = ["label", "document_url"].map(|name| (name, upload.field(name)));
    let text = match upload::document(&upload).await {
        Ok(text) => text,
        Err(error) => return Ok(flash::send_back(&session, &back, vec![error], values).await),
    };
    let label = upload.field("label");
    let (agency_slug, api_slug) = (
        Slug::parse(&tenant.slug).map_err(|e| anyhow::anyhow!(e))?,
        Slug::parse(&api).map_err(|e| anyhow::anyhow!(e))?,
    );
    let imported = import(
        &state.db,
        &state.clock,
        ImportRequest {
            agency: &agency_slug,
            api: &api_slug,
            label: Some(label.as_str()).filter(|l| !l.is_empty()),
            text: &text,
            publish: false,
            actor: Some(&acting.actor),
        },
    )
    .await;
    let outcome = match imported {
        Ok(outcome) => outcome,
        Err(err) => {
            let errors = upload::refusal(err, FILE_FIELD)?;
            return Ok(flash::send_back(&session, &back, errors, values).await);
        }
    };
    let warnings = outcome.warnings.iter().map(ToString::to_string).collect();
    upload::leave_warnings(&session, warnings).await?;
    let notice = Notice::success(format!(
        "Version {} was added ({} operations) and is now the default.",
        outcome.version, outcome.operations
    ));
    Ok(flash::redirect_with(&session, &manage_href(&agency, &api), notice).await)
}

/// The default-version form, as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DefaultVersionForm {
    pub label: String,
}

/// `POST /manage/{agency}/apis/{api}/default-version`.
pub async fn set_default_version(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path((agency, api)): Path<(String, String)>,
    Form(form): Form<DefaultVersionForm>,
) -> Result<Response, AppError> {
    acting.require_member(&agency, Role::Maintainer)?;
    let tenant = service::find_agency(&state, &agency).await?;
    let (api_id, _) = service::find_api(&state, &tenant, &api).await?;
    let back = manage_href(&agency, &api);
    let label = form.label.trim();
    if !service::set_default_version(&state, &acting.actor, &tenant, (&api, api_id), label).await? {
        let errors = vec![FieldError::new(
            "label",
            format!("This API has no version {label:?}: choose one of its versions"),
        )];
        return Ok(flash::send_back(&session, &back, errors, []).await);
    }
    let notice = Notice::success(format!("Version {label} is now the default."));
    Ok(flash::redirect_with(&session, &back, notice).await)
}
