//! The reference pages' routes: plain axum handlers that answer with whole
//! HTML documents (see `pages` for why they are not hydrated).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::cache::Document;
use super::operation;
use super::operation_page::{operation_page, OperationPage};
use super::pages::{self, Ctx, Frame};
use super::schema::Builder;
use super::tryit::{self, TryForm, TryOutcome};
use crate::auth::access::CallerSlot;
use crate::catalogue::repo;
use crate::server::error::AppError;
use crate::server::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    pub version: Option<String>,
}

/// Why a page could not be shown, as the visitor sees it.
enum PageError {
    /// What is missing, and a link to go on from.
    NotFound(String, Option<(String, String)>),
    App(AppError),
}

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound(message) => Self::NotFound(message, None),
            other => Self::App(other),
        }
    }
}

impl From<sqlx::Error> for PageError {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(err).into()
    }
}

impl PageError {
    fn into_response(self, frame: &Frame) -> Response {
        match self {
            Self::NotFound(message, back) => (
                StatusCode::NOT_FOUND,
                Html(pages::not_found_page(frame, message, back)),
            )
                .into_response(),
            Self::App(err) => {
                let problem = err.to_problem();
                let message = problem.detail.clone().unwrap_or(problem.title.clone());
                (
                    StatusCode::from_u16(problem.status)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    Html(pages::error_page(frame, message)),
                )
                    .into_response()
            }
        }
    }
}

/// The API, the version asked for and its parsed document.
async fn load(
    state: &AppState,
    frame: &Frame,
    agency: &str,
    api: &str,
    version: Option<&str>,
) -> Result<(Ctx, Arc<Document>), PageError> {
    let pool = state.db.pool();
    let listed = repo::find_listed(pool, agency, api).await?.ok_or_else(|| {
        PageError::NotFound(
            format!("No API '{api}' of agency '{agency}' is in the catalogue."),
            None,
        )
    })?;
    let api_href = listed.summary.href();
    let version_label = version.map(str::trim).filter(|v| !v.is_empty());
    let found = repo::find_version(pool, listed.id, version_label)
        .await?
        .ok_or_else(|| {
            let message = match version_label {
                Some(label) => format!(
                    "{} has no version '{label}'. The API page lists its versions.",
                    listed.summary.name
                ),
                None => format!("{} has no OpenAPI document yet.", listed.summary.name),
            };
            PageError::NotFound(
                message,
                Some((api_href.clone(), format!("Go to {}", listed.summary.name))),
            )
        })?;
    let versions = repo::list_versions(pool, listed.id)
        .await?
        .into_iter()
        .map(|v| v.label)
        .collect();
    let document = state.reference.get(&state.db, found.id).await?;
    let summary = listed.summary;
    let ctx = Ctx {
        gateway_url: format!(
            "{}/{}/{}",
            state.gateway_url.trim_end_matches('/'),
            summary.agency.slug,
            summary.slug
        ),
        open: summary.access_mode == "open",
        agency: summary.agency,
        api_slug: summary.slug,
        api_name: summary.name,
        version: found.label,
        is_default_version: found.is_default,
        versions,
        frame: frame.clone(),
    };
    Ok((ctx, document))
}

fn respond(frame: &Frame, result: Result<String, PageError>) -> Response {
    match result {
        Ok(html) => Html(html).into_response(),
        Err(err) => err.into_response(frame),
    }
}

/// The frame of the pages: the demo banner, and who is signed in (the
/// access middleware put the caller on the request).
fn frame(state: &AppState, caller: &CallerSlot) -> Frame {
    Frame {
        dev: state.dev,
        viewer: caller.0.as_ref().map(|caller| caller.viewer()),
    }
}

/// `GET /apis/{agency}/{api}/reference`
pub async fn index(
    State(state): State<AppState>,
    Extension(caller): Extension<CallerSlot>,
    Path((agency, api)): Path<(String, String)>,
    Query(query): Query<VersionQuery>,
) -> Response {
    let frame = frame(&state, &caller);
    let result = async {
        let (ctx, doc) = load(&state, &frame, &agency, &api, query.version.as_deref()).await?;
        Ok(pages::index_page(&ctx, &doc))
    }
    .await;
    respond(&frame, result)
}

/// `GET /apis/{agency}/{api}/reference/tags/{tag}`
pub async fn tag(
    State(state): State<AppState>,
    Extension(caller): Extension<CallerSlot>,
    Path((agency, api, tag)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Response {
    let frame = frame(&state, &caller);
    let result = async {
        let (ctx, doc) = load(&state, &frame, &agency, &api, query.version.as_deref()).await?;
        let Some(found) = doc.index.tag(&tag) else {
            return Err(PageError::NotFound(
                format!(
                    "{} has no group of operations called '{tag}'.",
                    ctx.api_name
                ),
                Some((
                    ctx.index_href(),
                    format!("See every group in the {} reference", ctx.api_name),
                )),
            ));
        };
        Ok(pages::tag_page(&ctx, &doc, found))
    }
    .await;
    respond(&frame, result)
}

/// `GET /apis/{agency}/{api}/reference/schemas`
pub async fn schemas(
    State(state): State<AppState>,
    Extension(caller): Extension<CallerSlot>,
    Path((agency, api)): Path<(String, String)>,
    Query(query): Query<VersionQuery>,
) -> Response {
    let frame = frame(&state, &caller);
    let result = async {
        let (ctx, doc) = load(&state, &frame, &agency, &api, query.version.as_deref()).await?;
        Ok(pages::schemas_page(&ctx, &doc))
    }
    .await;
    respond(&frame, result)
}

/// `GET /apis/{agency}/{api}/reference/schemas/{name}`
pub async fn schema(
    State(state): State<AppState>,
    Extension(caller): Extension<CallerSlot>,
    Path((agency, api, name)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Response {
    let frame = frame(&state, &caller);
    let result = async {
        let (ctx, doc) = load(&state, &frame, &agency, &api, query.version.as_deref()).await?;
        let Some(shape) = Builder::new(&doc.value).named(&name) else {
            return Err(PageError::NotFound(
                format!("{} has no schema called '{name}'.", ctx.api_name),
                Some((ctx.schemas_href(), "See every schema".to_owned())),
            ));
        };
        Ok(pages::schema_page(&ctx, &doc, &name, shape))
    }
    .await;
    respond(&frame, result)
}

/// `GET /apis/{agency}/{api}/reference/operations/{operation}`
pub async fn operation(
    State(state): State<AppState>,
    Extension(caller): Extension<CallerSlot>,
    Path((agency, api, op)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Response {
    let frame = frame(&state, &caller);
    let result = render_operation(
        &state,
        &frame,
        &agency,
        &api,
        &op,
        query.version.as_deref(),
        None,
    )
    .await;
    respond(&frame, result)
}

/// `POST /apis/{agency}/{api}/reference/operations/{operation}`: the console.
pub async fn try_operation(
    State(state): State<AppState>,
    Extension(caller): Extension<CallerSlot>,
    Path((agency, api, op)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = TryForm(fields);
    let frame = frame(&state, &caller);
    let result = render_operation(
        &state,
        &frame,
        &agency,
        &api,
        &op,
        query.version.as_deref(),
        Some(form),
    )
    .await;
    respond(&frame, result)
}

async fn render_operation(
    state: &AppState,
    frame: &Frame,
    agency: &str,
    api: &str,
    op: &str,
    version: Option<&str>,
    submitted: Option<TryForm>,
) -> Result<String, PageError> {
    let (ctx, doc) = load(state, frame, agency, api, version).await?;
    let Some(found) = doc.index.operation(op) else {
        return Err(PageError::NotFound(
            format!("{} has no operation '{op}'.", ctx.api_name),
            Some((
                ctx.index_href(),
                format!("See every operation in the {} reference", ctx.api_name),
            )),
        ));
    };
    let mut builder = Builder::new(&doc.value);
    let view = operation::view(&doc.value, found, &mut builder);
    let (form, outcome) = match submitted {
        None => (TryForm::prefilled(&view), None),
        Some(form) => {
            let outcome = match tryit::prepare(&view, &form, !ctx.open) {
                Err(errors) => TryOutcome {
                    errors,
                    response: None,
                },
                Ok(prepared) => {
                    let base = format!(
                        "{}/{}/{}",
                        state.gateway_internal_url, ctx.agency.slug, ctx.api_slug
                    );
                    match tryit::send(
                        &state.http,
                        &base,
                        &ctx.gateway_url,
                        prepared,
                        state.upstream_timeout,
                    )
                    .await
                    {
                        Ok(response) => TryOutcome {
                            errors: Vec::new(),
                            response: Some(response),
                        },
                        Err(message) => TryOutcome {
                            errors: vec![tryit::FieldError {
                                field: "send".into(),
                                message,
                            }],
                            response: None,
                        },
                    }
                }
            };
            (form, Some(outcome))
        }
    };
    Ok(operation_page(OperationPage {
        ctx: &ctx,
        doc: &doc,
        view,
        tag: None,
        form,
        outcome,
    }))
}
