//! `/reference/operations/{op}`: one operation, its code samples and the
//! console that calls it.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use serde_json::Value;

use super::cache::Document;
use super::operation::{Body, Content, OperationView, Parameter, Response, LOCATIONS};
use super::pages::{breadcrumbs, document, method_badge, with_nav, Ctx};
use super::sample::{self, Call};
use super::schema_view::{description_html, schema_block};
use super::tryit::{TryForm, TryOutcome};

/// Everything the operation page shows.
pub struct OperationPage<'a> {
    pub ctx: &'a Ctx,
    pub doc: &'a Document,
    pub view: OperationView,
    /// The tag the visitor came through (the operation's first otherwise).
    pub tag: Option<String>,
    /// What the console form holds: the examples, or what was sent.
    pub form: TryForm,
    pub outcome: Option<TryOutcome>,
}

pub fn operation_page(page: OperationPage<'_>) -> String {
    let OperationPage {
        ctx,
        doc,
        view: op_view,
        tag,
        form,
        outcome,
    } = page;
    let op = op_view.operation.clone();
    let tag_slug = tag.or_else(|| op.tags.first().cloned());
    let tag_crumb = tag_slug
        .as_deref()
        .and_then(|slug| doc.index.tag(slug))
        .map(|t| (ctx.tag_href(&t.slug), t.name.clone()));
    let mut trail = vec![(ctx.index_href(), "Reference".to_owned())];
    trail.extend(tag_crumb);
    let title = op.title();
    let description = description_html(&op.description);
    let call = example_call(ctx, &op_view);
    let has_errors = outcome.as_ref().is_some_and(|o| !o.errors.is_empty());

    let content = view! {
        {breadcrumbs(ctx, trail)}
        <span class="caption">{ctx.api_name.clone()}</span>
        <h1 class="heading-xl">{title.clone()}</h1>
        <p class="endpoint">{method_badge(&op.method)}" "<code class="path">{op.path.clone()}</code></p>
        {op.deprecated.then(|| view! {
            <div class="warning-text"><strong>"This operation is deprecated. Plan to move off it."</strong></div>
        })}
        {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
        <p class="hint">
            {op.operation_id.clone().map(|id| view! { "Operation ID: "<code>{id}</code>". " })}
            "Link to this operation: "<a href=ctx.operation_href(&op.slug)>{ctx.operation_href(&op.slug)}</a>
        </p>

        {authentication(ctx, &op_view)}
        {parameters(ctx, &op_view.parameters)}
        {op_view.body.clone().map(|b| request_body(ctx, b))}
        {responses(ctx, op_view.responses.clone())}
        {code_samples(&call)}
        {super::console::console(ctx, &op_view, form, outcome)}
    };
    let page = with_nav(ctx, doc, tag_slug.as_deref(), Some(&op.slug), content);
    let prefix = if has_errors { "Error: " } else { "" };
    document(
        format!("{prefix}{title} - {}", ctx.api_name),
        &ctx.frame,
        page,
    )
}

fn authentication(ctx: &Ctx, view: &OperationView) -> impl IntoView {
    let gateway = if ctx.open {
        "Through this Portico's gateway the API is open: no key is needed."
    } else {
        "Through this Portico's gateway, send your API key in the x-api-key header. The gateway checks it and does not pass it on."
    };
    let schemes = (!view.security.is_empty()).then(|| {
        let options = view
            .security
            .iter()
            .map(|option| {
                let parts = option
                    .iter()
                    .map(|scheme| {
                        let description = description_html(&scheme.description);
                        let scopes = (!scheme.scopes.is_empty()).then(|| {
                            view! { <p>"Scopes: "{scheme.scopes.iter().map(|s| view! { <code>{s.clone()}</code>" " }).collect_view()}</p> }
                        });
                        view! {
                            <div class="scheme">
                                <p><strong>{scheme.name.clone()}</strong>": "{scheme.summary.clone()}</p>
                                {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
                                {scopes}
                            </div>
                        }
                    })
                    .collect_view();
                view! { <li>{parts}</li> }
            })
            .collect_view();
        let lead = if view.security.len() > 1 {
            "The API itself also asks for one of these:"
        } else {
            "The API itself also asks for:"
        };
        view! {
            <p>{lead}</p>
            <ul class="list">{options}</ul>
            {view.anonymous.then(|| view! { <p>"Calls without these credentials are also accepted."</p> })}
        }
    });
    view! {
        <h2 class="heading-l" id="authentication">"Authentication"</h2>
        <p>{gateway}</p>
        {schemes}
    }
}

fn parameters(ctx: &Ctx, parameters: &[Parameter]) -> impl IntoView {
    if parameters.is_empty() {
        return view! {
            <h2 class="heading-l" id="parameters">"Parameters"</h2>
            <p>"This operation takes no parameters."</p>
        }
        .into_any();
    }
    let groups = LOCATIONS
        .iter()
        .filter(|loc| parameters.iter().any(|p| p.location == **loc))
        .map(|loc| {
            let heading = match *loc {
                "path" => "Path parameters",
                "query" => "Query parameters",
                "header" => "Header parameters",
                _ => "Cookie parameters",
            };
            let rows = parameters
                .iter()
                .filter(|p| p.location == *loc)
                .map(|p| {
                    let required = p.required.then(|| view! { " " <strong class="tag">"required"</strong> });
                    let deprecated = p.deprecated.then(|| view! { " " <strong class="tag tag--grey">"deprecated"</strong> });
                    let example = p.documented_example.then(|| view! {
                        <p class="hint">"Example: "<code>{example_text(&p.example)}</code></p>
                    });
                    let description = description_html(&p.description);
                    view! {
                        <li class="schema__property" id=format!("parameter-{}-{}", p.location, p.name)>
                            <p class="schema__property-name"><code>{p.name.clone()}</code>{required}{deprecated}</p>
                            {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
                            {schema_block(p.shape.clone(), ctx)}
                            {example}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3 class="heading-m">{heading}</h3>
                <ul class="schema__properties">{rows}</ul>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-l" id="parameters">"Parameters"</h2>
        {groups}
    }
    .into_any()
}

fn example_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn request_body(ctx: &Ctx, body: Body) -> impl IntoView {
    let description = description_html(&body.description);
    let required = if body.required {
        "A request body is required."
    } else {
        "The request body is optional."
    };
    view! {
        <h2 class="heading-l" id="request-body">"Request body"</h2>
        <p>{required}</p>
        {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
        {contents(ctx, body.contents)}
    }
}

fn contents(ctx: &Ctx, contents: Vec<Content>) -> impl IntoView {
    contents
        .into_iter()
        .map(|content| {
            let example = content.example.clone().map(|example| {
                view! {
                    <details class="example">
                        <summary>{format!("Example ({})", content.media_type)}</summary>
                        <pre class="code-block" tabindex="0"><code>{example}</code></pre>
                    </details>
                }
            });
            view! {
                <div class="media-type">
                    <p class="media-type__name">"Media type "<code>{content.media_type.clone()}</code></p>
                    {content.shape.map(|shape| schema_block(shape, ctx))}
                    {example}
                </div>
            }
        })
        .collect_view()
}

fn responses(ctx: &Ctx, responses: Vec<Response>) -> impl IntoView {
    let items = responses
        .into_iter()
        .map(|response| {
            let description = description_html(&response.description);
            let headers = (!response.headers.is_empty()).then(|| {
                let rows = response
                    .headers
                    .iter()
                    .map(|h| {
                        let description = description_html(&h.description);
                        view! {
                            <tr>
                                <td><code>{h.name.clone()}</code></td>
                                <td>{h.type_label.clone()}</td>
                                <td><div class="prose" inner_html=description></div></td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <TableScroll label="Response headers">
                        <table class="table">
                            <caption class="table__caption">"Response headers"</caption>
                            <thead><tr><th scope="col">"Header"</th><th scope="col">"Type"</th><th scope="col">"Description"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </TableScroll>
                }
            });
            let id = format!("response-{}", response.status);
            let status_class = match response.status.chars().next() {
                Some('2') => "status status--ok",
                Some('4') | Some('5') => "status status--error",
                _ => "status",
            };
            view! {
                <section class="response" id=id>
                    <h3 class="heading-m"><span class=status_class>{response.status.clone()}</span>" "{status_text(&response.status)}</h3>
                    {(!description.is_empty()).then(|| view! { <div class="prose" inner_html=description></div> })}
                    {headers}
                    {contents(ctx, response.contents)}
                </section>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-l" id="responses">"Responses"</h2>
        {items}
    }
}

/// The reason phrase of a status, for readers who do not know them by heart.
fn status_text(status: &str) -> &'static str {
    match status {
        "default" => "Any other status",
        "1XX" => "Informational",
        "2XX" => "Success",
        "3XX" => "Redirection",
        "4XX" => "Client error",
        "5XX" => "Server error",
        other => other
            .parse::<u16>()
            .ok()
            .and_then(|code| http::StatusCode::from_u16(code).ok())
            .and_then(|code| code.canonical_reason())
            .unwrap_or(""),
    }
}

/// The call the code samples make: the document's examples where it has
/// them, placeholders for what a developer must fill in.
pub fn example_call(ctx: &Ctx, view: &OperationView) -> Call {
    let mut path = view.operation.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    if !ctx.open {
        headers.push(("x-api-key".to_owned(), "YOUR_API_KEY".to_owned()));
    }
    for p in view.parameters.iter().filter(|p| p.required) {
        let value = example_text(&p.example);
        match p.location.as_str() {
            "path" => {
                path = path.replace(
                    &format!("{{{}}}", p.name),
                    &super::tryit::encode_segment(&value),
                )
            }
            "query" => query.push((p.name.clone(), value)),
            "header" => headers.push((p.name.clone(), value)),
            _ => {}
        }
    }
    let mut url = format!("{}{}", ctx.gateway_url, path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&query)
                .finish(),
        );
    }
    let (json_body, text_body) = match view.body.as_ref().and_then(|b| b.contents.first()) {
        Some(content) if content.media_type.contains("json") => {
            (content.example_value.clone(), None)
        }
        Some(content) => (
            None,
            Some((
                content.media_type.clone(),
                content.example.clone().unwrap_or_default(),
            )),
        ),
        None => (None, None),
    };
    Call {
        method: view.operation.method.to_uppercase(),
        url,
        headers,
        json_body,
        text_body,
    }
}

fn code_samples(call: &Call) -> impl IntoView {
    let samples = [
        ("curl", "sample-curl", sample::curl(call)),
        ("Python (requests)", "sample-python", sample::python(call)),
        (
            "JavaScript (fetch)",
            "sample-javascript",
            sample::javascript(call),
        ),
    ];
    let blocks = samples
        .into_iter()
        .map(|(label, id, code)| {
            view! {
                <h3 class="heading-s" id=id>{label}</h3>
                <pre class="code-block" tabindex="0" data-sample=id><code>{code}</code></pre>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-l" id="code-samples">"Code samples"</h2>
        <p>"Each sample calls this operation through the gateway. Replace the example values with your own."</p>
        {blocks}
    }
}
