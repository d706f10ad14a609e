//! The reference pages, rendered on the server into complete HTML documents.
//!
//! These pages are documents, some of them large, so they are not hydrated:
//! a hydrated page would carry its data twice (as HTML and as the JSON the
//! browser bundle hydrates from) and load the bundle to change nothing. They
//! use the same components and style as the rest of the portal; links into
//! them from hydrated pages carry `rel="external"` so the browser loads them.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;

mod frame;

pub use frame::{document, error_page, not_found_page, Frame};

use super::cache::Document;
use super::schema::Shape;
use super::schema_view::{description_html, schema_block};
use crate::catalogue::model::AgencyRef;
use crate::openapi::operations::{Operation, Tag};

/// Lists of operations longer than this show tags only on the index.
pub const INDEX_OPERATION_LIMIT: usize = 150;

/// What every reference page of one API knows.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub agency: AgencyRef,
    pub api_slug: String,
    pub api_name: String,
    pub version: String,
    pub is_default_version: bool,
    /// All version labels, newest first.
    pub versions: Vec<String>,
    /// The gateway URL of this API (`http://gw/agency/api`).
    pub gateway_url: String,
    /// No key needed at the gateway.
    pub open: bool,
    pub frame: Frame,
}

impl Ctx {
    pub fn api_href(&self) -> String {
        format!("/apis/{}/{}", self.agency.slug, self.api_slug)
    }

    pub fn base(&self) -> String {
        format!("{}/reference", self.api_href())
    }

    /// `?version=...` on links when the page shows another than the default.
    fn query(&self) -> String {
        if self.is_default_version {
            String::new()
        } else {
            format!("?version={}", encode(&self.version))
        }
    }

    pub fn index_href(&self) -> String {
        format!("{}{}", self.base(), self.query())
    }

    pub fn tag_href(&self, slug: &str) -> String {
        format!("{}/tags/{}{}", self.base(), encode(slug), self.query())
    }

    pub fn operation_href(&self, slug: &str) -> String {
        format!(
            "{}/operations/{}{}",
            self.base(),
            encode(slug),
            self.query()
        )
    }

    pub fn schema_href(&self, name: &str) -> String {
        format!("{}/schemas/{}{}", self.base(), encode(name), self.query())
    }

    pub fn schemas_href(&self) -> String {
        format!("{}/schemas{}", self.base(), self.query())
    }
}

/// Percent-encodes a path segment or query value.
pub fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Breadcrumbs down to the API, then `trail`.
pub fn breadcrumbs(ctx: &Ctx, trail: Vec<(String, String)>) -> impl IntoView {
    let trail = trail
        .into_iter()
        .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href="/apis">"API catalogue"</a></li>
                <li><a href=format!("/agencies/{}", ctx.agency.slug)>{ctx.agency.name.clone()}</a></li>
                <li><a href=ctx.api_href()>{ctx.api_name.clone()}</a></li>
                {trail}
            </ol>
        </nav>
    }
}

/// `GET` as a labelled badge: the word carries the meaning, colour helps.
pub fn method_badge(method: &str) -> impl IntoView {
    let upper = method.to_uppercase();
    view! { <span class=format!("method method--{}", method.to_lowercase())>{upper}</span> }
}

/// The side navigation: every tag, the current tag's operations listed.
fn side_nav(
    ctx: &Ctx,
    doc: &Document,
    current_tag: Option<&str>,
    current_op: Option<&str>,
) -> impl IntoView {
    let tags = doc
        .index
        .tags
        .iter()
        .map(|tag| {
            let open = current_tag == Some(tag.slug.as_str());
            let operations = open.then(|| {
                tag.operations
                    .iter()
                    .filter_map(|&i| doc.index.operations.get(i))
                    .map(|op| {
                        let current = (current_op == Some(op.slug.as_str())).then_some("page");
                        view! {
                            <li>
                                <a href=ctx.operation_href(&op.slug) aria-current=current>
                                    {method_badge(&op.method)}" "{op.title()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()
            });
            let current = (open && current_op.is_none()).then_some("page");
            view! {
                <li class="reference-nav__tag">
                    <a href=ctx.tag_href(&tag.slug) aria-current=current>{tag.name.clone()}</a>
                    {operations.map(|ops| view! { <ul class="reference-nav__operations">{ops}</ul> })}
                </li>
            }
        })
        .collect_view();
    let has_schemas = doc.value["components"]["schemas"]
        .as_object()
        .is_some_and(|s| !s.is_empty());
    view! {
        <nav class="reference-nav" aria-label="API reference">
            <h2 class="heading-s"><a href=ctx.index_href()>"Reference"</a></h2>
            <ul class="reference-nav__tags">{tags}</ul>
            {has_schemas.then(|| view! { <p><a href=ctx.schemas_href()>"All schemas"</a></p> })}
        </nav>
    }
}

/// The two columns of a reference page: navigation and content.
pub fn with_nav(
    ctx: &Ctx,
    doc: &Document,
    current_tag: Option<&str>,
    current_op: Option<&str>,
    content: impl IntoView,
) -> impl IntoView {
    view! {
        <div class="reference">
            <div class="reference__content">{content}</div>
            <div class="reference__nav">{side_nav(ctx, doc, current_tag, current_op)}</div>
        </div>
    }
}

fn version_note(ctx: &Ctx) -> impl IntoView {
    let form = (ctx.versions.len() > 1).then(|| {
        let options = ctx
            .versions
            .iter()
            .map(|v| {
                let selected = *v == ctx.version;
                view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
            })
            .collect_view();
        view! {
            <form class="inline-form" method="get" action=ctx.base()>
                <label class="label" for="version">"Version"</label>
                <select class="select" id="version" name="version">{options}</select>
                <button class="button button--secondary" type="submit">"Show"</button>
            </form>
        }
    });
    let note = if ctx.is_default_version {
        format!("Version {} (current).", ctx.version)
    } else {
        format!("Version {}: not the current version.", ctx.version)
    };
    view! {
        <div class="reference__version">
            <p class="hint">{note}</p>
            {form}
        </div>
    }
}

/// A table of operations.
fn operation_table(ctx: &Ctx, caption: String, operations: Vec<&Operation>) -> impl IntoView {
    let rows = operations
        .into_iter()
        .map(|op| {
            let deprecated = op
                .deprecated
                .then(|| view! { " " <strong class="tag tag--grey">"deprecated"</strong> });
            view! {
                <tr>
                    <td>{method_badge(&op.method)}</td>
                    <td><a href=ctx.operation_href(&op.slug)>{op.title()}</a>{deprecated}</td>
                    <td><code class="path">{op.path.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label=caption.clone()>
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>
                    <th scope="col">"Method"</th>
                    <th scope="col">"Operation"</th>
                    <th scope="col">"Path"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

/// `/reference`: the tags, and for smaller APIs every operation.
pub fn index_page(ctx: &Ctx, doc: &Document) -> String {
    let all = doc.index.operations.len() <= INDEX_OPERATION_LIMIT;
    let tags = doc
        .index
        .tags
        .iter()
        .map(|tag| tag_section(ctx, doc, tag, all))
        .collect_view();
    let count = doc.index.operations.len();
    let content = view! {
        {breadcrumbs(ctx, vec![])}
        <span class="caption">{ctx.api_name.clone()}</span>
        <h1 class="heading-xl">"API reference"</h1>
        {version_note(ctx)}
        <p class="lead">{format!(
            "{count} {} in {} {}. Every operation is called through the gateway at {}.",
            if count == 1 { "operation" } else { "operations" },
            doc.index.tags.len(),
            if doc.index.tags.len() == 1 { "group" } else { "groups" },
            ctx.gateway_url
        )}</p>
        <p><a href=format!("{}/openapi", ctx.api_href()) download="">"Download the OpenAPI document"</a></p>
        {tags}
    };
    let page = with_nav(ctx, doc, None, None, content);
    document(format!("{} reference", ctx.api_name), &ctx.frame, page)
}

fn tag_section(ctx: &Ctx, doc: &Document, tag: &Tag, list_operations: bool) -> impl IntoView {
    let n = tag.operations.len();
    let description = description_html(&first_paragraph(&tag.description));
    let operations = list_operations.then(|| {
        let ops = tag
            .operations
            .iter()
            .filter_map(|&i| doc.index.operations.get(i))
            .collect();
        operation_table(ctx, format!("Operations in {}", tag.name), ops)
    });
    view! {
        <section class="reference__tag">
            <h2 class="heading-m"><a href=ctx.tag_href(&tag.slug)>{tag.name.clone()}</a></h2>
            <p class="hint">{format!("{n} {}", if n == 1 { "operation" } else { "operations" })}</p>
            {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
            {operations}
        </section>
    }
}

fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or_default().to_owned()
}

/// `/reference/tags/{tag}`: one group of operations.
pub fn tag_page(ctx: &Ctx, doc: &Document, tag: &Tag) -> String {
    let description = description_html(&tag.description);
    let ops = tag
        .operations
        .iter()
        .filter_map(|&i| doc.index.operations.get(i))
        .collect();
    let content = view! {
        {breadcrumbs(ctx, vec![(ctx.index_href(), "Reference".to_owned())])}
        <span class="caption">{ctx.api_name.clone()}</span>
        <h1 class="heading-xl">{tag.name.clone()}</h1>
        {version_note(ctx)}
        {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
        <h2 class="heading-m">"Operations"</h2>
        {operation_table(ctx, format!("Operations in {}", tag.name), ops)}
    };
    let page = with_nav(ctx, doc, Some(&tag.slug), None, content);
    document(format!("{} - {}", tag.name, ctx.api_name), &ctx.frame, page)
}

/// `/reference/schemas/{name}`: one named schema in full.
pub fn schema_page(ctx: &Ctx, doc: &Document, name: &str, shape: Shape) -> String {
    let content = view! {
        {breadcrumbs(ctx, vec![(ctx.index_href(), "Reference".to_owned()), (ctx.schemas_href(), "Schemas".to_owned())])}
        <span class="caption">{format!("{}: schema", ctx.api_name)}</span>
        <h1 class="heading-xl schema-title">{name.to_owned()}</h1>
        {version_note(ctx)}
        {schema_block(shape, ctx)}
    };
    let page = with_nav(ctx, doc, None, None, content);
    document(
        format!("{name} schema - {}", ctx.api_name),
        &ctx.frame,
        page,
    )
}

/// `/reference/schemas`: every named schema, linked.
pub fn schemas_page(ctx: &Ctx, doc: &Document) -> String {
    let names: Vec<String> = doc.value["components"]["schemas"]
        .as_object()
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let count = names.len();
    let items = names
        .into_iter()
        .map(|name| {
            let href = ctx.schema_href(&name);
            view! { <li><a href=href>{name}</a></li> }
        })
        .collect_view();
    let content = view! {
        {breadcrumbs(ctx, vec![(ctx.index_href(), "Reference".to_owned())])}
        <span class="caption">{ctx.api_name.clone()}</span>
        <h1 class="heading-xl">"Schemas"</h1>
        {version_note(ctx)}
        <p>{format!("{count} named {} in this document.", if count == 1 { "schema" } else { "schemas" })}</p>
        <ul class="list columns">{items}</ul>
    };
    let page = with_nav(ctx, doc, None, None, content);
    document(format!("Schemas - {}", ctx.api_name), &ctx.frame, page)
}
