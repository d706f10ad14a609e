//! Forms that work without JavaScript. A form posts to a plain axum handler,
//! which checks what was sent, makes the change, and redirects (303) back to
//! a page, leaving a [`Notice`] in the session: the success sentence, or the
//! errors with what the person typed, or a secret to show once. The page's
//! server function takes the notice (it is read once) and the page shows it
//! with the components below, in the GOV.UK pattern: an error summary whose
//! links lead to each field, the error beside its field, the values kept.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One field's error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's `name` (and `id`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// What a form's handler leaves for the next page it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// A sentence saying what was done.
    pub success: Option<String>,
    /// What was wrong with the form, in the form's order.
    pub errors: Vec<FieldError>,
    /// What the person sent, by field name, to fill the form in again.
    pub values: BTreeMap<String, String>,
    /// A secret shown exactly once (a new token or key). Never logged.
    #[serde(default)]
    pub secret: Option<String>,
}

impl Notice {
    pub fn success(sentence: impl Into<String>) -> Self {
        Notice {
            success: Some(sentence.into()),
            ..Notice::default()
        }
    }

    /// A form sent back: its errors, and the values to show again.
    pub fn invalid(errors: Vec<FieldError>, values: BTreeMap<String, String>) -> Self {
        Notice {
            errors,
            values,
            ..Notice::default()
        }
    }

    /// The error of a field, if it has one.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    /// The value the person sent for a field, or `default`.
    pub fn value_or(&self, field: &str, default: &str) -> String {
        self.values
            .get(field)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }

    pub fn is_empty(&self) -> bool {
        self.success.is_none() && self.errors.is_empty() && self.secret.is_none()
    }
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// The hidden field with the session's CSRF token; every POST form has one.
#[component]
pub fn CsrfField(#[prop(into)] token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=token/> }
}

/// The success banner and the error summary of a notice, at the top of the
/// page's content.
#[component]
pub fn NoticeBanners(notice: Notice) -> impl IntoView {
    let success = notice.success.clone().map(|sentence| {
        view! {
            <div class="notification-banner notification-banner--success" role="status">
                <h2 class="notification-banner__title">"Success"</h2>
                <p class="notification-banner__heading">{sentence}</p>
            </div>
        }
    });
    let errors = (!notice.errors.is_empty()).then(|| {
        let items = notice
            .errors
            .iter()
            .map(|e| {
                let href = format!("#{}", e.field);
                view! { <li><a href=href>{e.message.clone()}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                <h2 class="error-summary__title" id="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary__list">{items}</ul>
            </div>
        }
    });
    view! { {success} {errors} }
}

/// A labelled text input with its hint and error, GOV.UK style.
#[component]
pub fn TextInput(
    /// The field's `name` and `id`.
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] value: String,
    #[prop(optional_no_strip)] error: Option<String>,
    /// `text`, `url`, `email`, `date`, `number`, `file`...
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] autocomplete: Option<String>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let class = if error.is_some() {
        "form-group form-group--error"
    } else {
        "form-group"
    };
    let value = (kind != "file").then_some(value);
    view! {
        <div class=class>
            <label class="label" for=name>{label}</label>
            {hint.map(|hint| view! { <span class="hint" id=hint_id.clone()>{hint}</span> })}
            {error.map(|error| view! { <p class="error-message" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{error}</p> })}
            <input
                class="input"
                id=name
                name=name
                type=kind
                value=value
                aria-required=required.then_some("true")
                autocomplete=autocomplete
                aria-describedby=(!described.is_empty()).then_some(described)
            />
        </div>
    }
}

/// A labelled text area with its hint and error.
#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] value: String,
    #[prop(optional_no_strip)] error: Option<String>,
    #[prop(default = 8)] rows: u32,
    /// Monospaced, for Markdown and documents.
    #[prop(optional)]
    code: bool,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let class = if error.is_some() {
        "form-group form-group--error"
    } else {
        "form-group"
    };
    view! {
        <div class=class>
            <label class="label" for=name>{label}</label>
            {hint.map(|hint| view! { <span class="hint" id=hint_id.clone()>{hint}</span> })}
            {error.map(|error| view! { <p class="error-message" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{error}</p> })}
            <textarea
                class=if code { "textarea code" } else { "textarea" }
                id=name
                name=name
                rows=rows
                aria-describedby=(!described.is_empty()).then_some(described)
            >{value}</textarea>
        </div>
    }
}

/// A labelled select: `options` are (value, label) pairs.
#[component]
pub fn Select(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<(String, String)>,
    #[prop(into)] selected: String,
    #[prop(optional_no_strip)] error: Option<String>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let class = if error.is_some() {
        "form-group form-group--error"
    } else {
        "form-group"
    };
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is = value == selected;
            view! { <option value=value selected=is>{text}</option> }
        })
        .collect_view();
    view! {
        <div class=class>
            <label class="label" for=name>{label}</label>
            {hint.map(|hint| view! { <span class="hint" id=hint_id.clone()>{hint}</span> })}
            {error.map(|error| view! { <p class="error-message" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{error}</p> })}
            <select class="select select--auto" id=name name=name aria-describedby=(!described.is_empty()).then_some(described)>
                {options}
            </select>
        </div>
    }
}

/// A secret shown once: selectable text, and a copy button that works
/// where JavaScript does (the text is there either way).
#[component]
pub fn SecretOnce(#[prop(into)] secret: String, #[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="secret-once" role="region" aria-labelledby="secret-once-title">
            <h2 class="heading-m" id="secret-once-title">{format!("Your new {what}")}</h2>
            <p><strong>"Copy it now: Portico shows it only this once and keeps only a hash of it."</strong></p>
            <p><code class="secret-once__value" id="secret-once-value" tabindex="0">{secret.clone()}</code></p>
            <CopyButton text=secret/>
        </div>
    }
}

/// Copies `text` with the clipboard API. It appears once the page is
/// hydrated (an effect runs only in the browser): without JavaScript there
/// is no button that could not work, and the text above stays selectable.
#[component]
fn CopyButton(text: String) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    let outcome = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| hydrated.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        write_clipboard(&text, outcome);
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <Show when=move || hydrated.get()>
            <button type="button" class="button button--secondary" on:click=copy.clone()>"Copy to clipboard"</button>
            <p class="hint" role="status">{move || outcome.get()}</p>
        </Show>
    }
}

/// `navigator.clipboard.writeText(text)`, reached by reflection so that no
/// extra web-sys feature is needed; says whether it worked.
#[cfg(feature = "hydrate")]
fn write_clipboard(text: &str, outcome: RwSignal<Option<&'static str>>) {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::js_sys::{global, Function, Promise, Reflect};
    let get = |target: &JsValue, key: &str| Reflect::get(target, &JsValue::from_str(key)).ok();
    let promise = get(&global(), "navigator")
        .and_then(|navigator| get(&navigator, "clipboard"))
        .and_then(|clipboard| {
            let write = get(&clipboard, "writeText")?.dyn_into::<Function>().ok()?;
            write.call1(&clipboard, &JsValue::from_str(text)).ok()
        })
        .and_then(|value| value.dyn_into::<Promise>().ok());
    let failed = "Could not copy: select the key and copy it yourself.";
    let Some(promise) = promise else {
        outcome.set(Some(failed));
        return;
    };
    leptos::task::spawn_local(async move {
        let done = leptos::__reexports::wasm_bindgen_futures::JsFuture::from(promise).await;
        outcome.set(Some(if done.is_ok() { "Copied." } else { failed }));
    });
}
