//! Schemas on a page: the type line, what constrains it, and its children,
//! nested objects folded in `<details>` (which opens without JavaScript).

use leptos::prelude::*;

use super::pages::Ctx;
use super::schema::{Link, LinkReason, Property, Shape};
use crate::openapi::markdown;

/// A schema with its description and children, open at the top.
pub fn schema_block(shape: Shape, ctx: &Ctx) -> AnyView {
    let children = children(&shape, ctx, true);
    view! {
        <div class="schema">
            {meta(&shape, ctx)}
            {details(&shape)}
            {children}
        </div>
    }
    .into_any()
}

/// The line that names the type, and the flags of the schema.
fn meta(shape: &Shape, ctx: &Ctx) -> AnyView {
    let name = shape.name.clone().map(|name| {
        let href = ctx.schema_href(&name);
        view! { " " <a class="schema__ref" href=href>{name}</a> }
    });
    view! {
        <p class="schema__meta">
            <span class="schema__type">{shape.type_label.clone()}</span>
            {name}
            {flags(shape)}
        </p>
    }
    .into_any()
}

fn flags(shape: &Shape) -> impl IntoView {
    let mut flags = Vec::new();
    if shape.nullable {
        flags.push("nullable");
    }
    if shape.read_only {
        flags.push("read only");
    }
    if shape.write_only {
        flags.push("write only");
    }
    if shape.deprecated {
        flags.push("deprecated");
    }
    flags
        .into_iter()
        .map(|f| view! { " " <strong class="tag tag--grey">{f}</strong> })
        .collect_view()
}

/// Description, constraints, allowed values, default and example.
fn details(shape: &Shape) -> impl IntoView {
    let description = description_html(&shape.description);
    let mut facts = shape.facts.clone();
    if let Some(default) = &shape.default {
        facts.push(("Default".into(), default.clone()));
    }
    if let Some(example) = &shape.example {
        facts.push(("Example".into(), cut(example, 200)));
    }
    let enums = (!shape.enum_values.is_empty()).then(|| {
        let values = shape
            .enum_values
            .iter()
            .map(|v| view! { <li><code>{v.clone()}</code></li> })
            .collect_view();
        view! {
            <div class="schema__enum">
                <span class="schema__label">"Allowed values:"</span>
                <ul class="schema__values">{values}</ul>
            </div>
        }
    });
    view! {
        {(!description.is_empty()).then(|| view! { <div class="prose schema__description" inner_html=description></div> })}
        {(!facts.is_empty()).then(|| view! {
            <ul class="schema__facts">
                {facts.into_iter().map(|(label, value)| view! {
                    <li><span class="schema__label">{label}": "</span><code>{value}</code></li>
                }).collect_view()}
            </ul>
        })}
        {enums}
    }
}

/// Markdown of a description, sanitised (see `openapi::markdown`).
pub fn description_html(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        markdown::render(text, 3)
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}...")
    }
}

/// What a schema holds: properties, items, map values, alternatives.
fn children(shape: &Shape, ctx: &Ctx, open: bool) -> Option<AnyView> {
    let mut parts: Vec<AnyView> = Vec::new();
    if !shape.includes.is_empty() {
        let links = shape
            .includes
            .iter()
            .map(|l| {
                let href = ctx.schema_href(&l.name);
                view! { " " <a href=href>{l.name.clone()}</a> }
            })
            .collect_view();
        parts.push(
            view! { <p class="schema__includes">"Includes the properties of"{links}"."</p> }
                .into_any(),
        );
    }
    if !shape.properties.is_empty() {
        let rows = shape
            .properties
            .iter()
            .map(|p| property(p, ctx))
            .collect_view();
        parts.push(view! { <ul class="schema__properties">{rows}</ul> }.into_any());
    }
    if let Some(items) = shape
        .items
        .as_ref()
        .filter(|items| has_children(items) || items.link.is_some())
    {
        parts.push(each("Each item:", items, ctx));
    }
    if let Some(additional) = &shape.additional {
        parts.push(each("Each value of the map:", additional, ctx));
    }
    if let Some(variants) = &shape.variants {
        let discriminator = variants.discriminator.clone().map(|(property, mapping)| {
            let mapping = mapping
                .into_iter()
                .map(|(value, target)| view! { <li><code>{value}</code>": "{target}</li> })
                .collect_view();
            view! {
                <p>"The property "<code>{property}</code>" tells which applies."</p>
                <ul class="schema__values">{mapping}</ul>
            }
        });
        let options = variants
            .options
            .iter()
            .enumerate()
            .map(|(i, option)| {
                let label = option
                    .name
                    .clone()
                    .or_else(|| (!option.title.is_empty()).then(|| option.title.clone()))
                    .unwrap_or_else(|| format!("Option {}: {}", i + 1, option.type_label));
                view! { <li class="schema__variant"><p class="schema__variant-name">{label}</p>{nested(option, ctx)}</li> }
            })
            .collect_view();
        let kind = variants.kind;
        parts.push(
            view! {
                <div class="schema__variants">
                    <p class="schema__label">{format!("Matches {kind} these:")}</p>
                    {discriminator}
                    <ol>{options}</ol>
                </div>
            }
            .into_any(),
        );
    }
    if shape.truncated {
        parts.push(view! { <p class="hint">"Not expanded here, to keep the page readable: the schema's own page or the OpenAPI document has the rest."</p> }.into_any());
    }
    if parts.is_empty() {
        return None;
    }
    Some(if open {
        parts.into_iter().collect_view().into_any()
    } else {
        let count = shape.properties.len();
        let summary = if count > 0 {
            format!(
                "{count} {}",
                if count == 1 { "property" } else { "properties" }
            )
        } else {
            "Details".to_owned()
        };
        view! {
            <details class="schema__nested">
                <summary>{summary}</summary>
                {parts.into_iter().collect_view()}
            </details>
        }
        .into_any()
    })
}

/// What every element of an array or value of a map is.
fn each(label: &'static str, shape: &Shape, ctx: &Ctx) -> AnyView {
    view! {
        <div class="schema__items">
            <p class="schema__label">{label}</p>
            {nested(shape, ctx)}
        </div>
    }
    .into_any()
}

fn has_children(shape: &Shape) -> bool {
    !shape.properties.is_empty()
        || shape.items.is_some()
        || shape.additional.is_some()
        || shape.variants.is_some()
}

/// A schema inside another: its type, a link or its children folded.
fn nested(shape: &Shape, ctx: &Ctx) -> AnyView {
    if let Some(link) = &shape.link {
        return link_note(link, &shape.type_label, ctx);
    }
    let inner = children(shape, ctx, false);
    view! {
        <div class="schema schema--nested">
            {meta(shape, ctx)}
            {details(shape)}
            {inner}
        </div>
    }
    .into_any()
}

fn link_note(link: &Link, type_label: &str, ctx: &Ctx) -> AnyView {
    let href = ctx.schema_href(&link.name);
    let why = match link.reason {
        LinkReason::Recursive => " (contains itself: follow the link for its fields)",
        LinkReason::Elsewhere => "",
    };
    view! {
        <p class="schema__meta">
            <span class="schema__type">{type_label.to_owned()}</span>" "
            <a class="schema__ref" href=href>{link.name.clone()}</a>
            <span class="hint-inline">{why}</span>
        </p>
    }
    .into_any()
}

fn property(p: &Property, ctx: &Ctx) -> AnyView {
    let shape = &p.shape;
    let required = p
        .required
        .then(|| view! { " " <strong class="tag">"required"</strong> });
    let body = match &shape.link {
        Some(link) => view! {
            {link_note(link, &shape.type_label, ctx)}
            {details(shape)}
        }
        .into_any(),
        None => {
            let name = shape.name.clone().map(|name| {
                let href = ctx.schema_href(&name);
                view! { " " <a class="schema__ref" href=href>{name}</a> }
            });
            view! {
                <p class="schema__meta">
                    <span class="schema__type">{shape.type_label.clone()}</span>
                    {name}
                    {flags(shape)}
                </p>
                {details(shape)}
                {children(shape, ctx, false)}
            }
            .into_any()
        }
    };
    view! {
        <li class="schema__property">
            <p class="schema__property-name"><code>{p.name.clone()}</code>{required}</p>
            {body}
        </li>
    }
    .into_any()
}
