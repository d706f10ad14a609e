//! The try-it console on an operation page: the form, what to correct,
//! and the answer the gateway gave.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;

use super::operation::OperationView;
use super::pages::Ctx;
use super::tryit::{FieldError, TryForm, TryOutcome};

pub fn console(
    ctx: &Ctx,
    view: &OperationView,
    form: TryForm,
    outcome: Option<TryOutcome>,
) -> impl IntoView {
    let errors = outcome
        .as_ref()
        .map(|o| o.errors.clone())
        .unwrap_or_default();
    let error_for = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let summary = (!errors.is_empty()).then(|| {
        let items = errors
            .iter()
            .map(|e: &FieldError| view! { <li><a href=format!("#{}", e.field_id())>{e.message.clone()}</a></li> })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h3 class="error-summary__title">"There is a problem"</h3>
                <ul class="error-summary__list">{items}</ul>
            </div>
        }
    });
    let key_field = (!ctx.open).then(|| {
        let error = error_for("api_key");
        let class = group_class(&error);
        view! {
            <div class=class>
                <label class="label" for="try-api_key">"Your API key"</label>
                <p class="hint" id="try-api_key-hint">"Sent in the x-api-key header to the gateway. It is not stored or logged."</p>
                {error.map(|e| view! { <p class="error-message" id="try-api_key-error"><span class="visually-hidden">"Error: "</span>{e}</p> })}
                <input class="input" id="try-api_key" name="api_key" type="password" autocomplete="off"
                    aria-describedby="try-api_key-hint"/>
            </div>
        }
    });
    let fields = view
        .parameters
        .iter()
        .filter(|p| p.location != "cookie")
        .map(|p| {
            let field = format!("{}:{}", p.location, p.name);
            let id = FieldError::id_of(&field);
            let hint_id = format!("{id}-hint");
            let error = error_for(&field);
            let label = format!("{} ({} parameter{})", p.name, p.location, if p.required { ", required" } else { "" });
            let value = form.get(&field);
            let class = group_class(&error);
            view! {
                <div class=class>
                    <label class="label" for=id.clone()>{label}</label>
                    <p class="hint" id=hint_id.clone()>{p.shape.type_label.clone()}</p>
                    {error.map(|e| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{e}</p> })}
                    <input class="input" id=id name=field type="text" value=value aria-describedby=hint_id/>
                </div>
            }
        })
        .collect_view();
    let body = view.body.as_ref().and_then(|b| b.contents.first()).map(|content| {
        let media = content.media_type.clone();
        view! {
            <div class="form-group">
                <label class="label" for="try-body">{format!("Request body ({media})")}</label>
                <input type="hidden" name="content_type" value=media/>
                <textarea class="textarea code" id="try-body" name="body" rows="10" spellcheck="false">{form.get("body")}</textarea>
            </div>
        }
    });
    let result = outcome.and_then(|o| o.response).map(|r| {
        let headers = r
            .headers
            .into_iter()
            .map(|(name, value)| view! { <tr><td><code>{name}</code></td><td><code>{value}</code></td></tr> })
            .collect_view();
        view! {
            <section class="try-response" id="try-response" aria-live="polite">
                <h3 class="heading-m">"Response"</h3>
                <p class="try-response__line">
                    <span class=if r.status < 400 { "status status--ok" } else { "status status--error" }>{r.status}</span>
                    " "{r.reason}" in "{format!("{} ms", r.elapsed_ms)}
                </p>
                <p class="hint">"Sent "<code>{r.method}" "{r.url}</code></p>
                <TableScroll label="Response headers">
                    <table class="table">
                        <caption class="table__caption">"Response headers"</caption>
                        <thead><tr><th scope="col">"Header"</th><th scope="col">"Value"</th></tr></thead>
                        <tbody>{headers}</tbody>
                    </table>
                </TableScroll>
                <pre class="code-block" tabindex="0"><code>{r.body}</code></pre>
                {r.truncated.then(|| view! { <p class="hint">"The body was cut at 64 KB."</p> })}
            </section>
        }
    });
    let action = format!("{}#try-it", ctx.operation_href(&view.operation.slug));
    // A signed-in session's form carries its CSRF token.
    let csrf = ctx.frame.viewer.as_ref().map(|viewer| {
        view! { <input type="hidden" name="csrf_token" value=viewer.csrf_token.clone()/> }
    });
    view! {
        <h2 class="heading-l" id="try-it">"Try it"</h2>
        <p>"Sends a real request through this Portico's gateway, from the portal's server, and shows the answer here."</p>
        {summary}
        <form class="try-form" method="post" action=action novalidate>
            {csrf}
            {key_field}
            {fields}
            {body}
            <button class="button" id="try-send" type="submit">"Send request"</button>
        </form>
        {result}
    }
}

fn group_class(error: &Option<String>) -> &'static str {
    if error.is_some() {
        "form-group form-group--error"
    } else {
        "form-group"
    }
}
