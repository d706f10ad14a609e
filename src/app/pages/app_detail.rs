//! `/apps/{app}`: one of the developer's applications: its details, its
//! keys (created, rotated and revoked here, a new secret shown once), and
//! its access to APIs.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::access::components::AppSubscriptions;
use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners, SecretOnce, TextArea, TextInput};
use crate::apps::model::AppPage as Page;
use crate::apps::server_fns::load_app_page;
use crate::keys::model::{KeyRow, GRACE_PERIODS, MAX_ACTIVE_KEYS};
use crate::usage::components::AppUsageSection;

#[component]
pub fn AppPage() -> impl IntoView {
    let params = use_params_map();
    let app = move || params.get().get("app");
    let page = Resource::new(app, load_app_page);
    // The access module's part, the application's access requests, loads
    // its own data: created here, beside the page's resource rather than
    // inside it, so that the browser finds it in the same order on hydration.
    let app_id = params
        .get_untracked()
        .get("app")
        .and_then(|id| id.parse::<i64>().ok());
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <App page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
        {app_id.map(|app_id| view! {
            <section id="subscriptions" aria-labelledby="access">
                <AppSubscriptions app_id/>
            </section>
            <section aria-labelledby="usage">
                <AppUsageSection app=app_id.to_string()/>
            </section>
        })}
    }
}

#[component]
fn App(page: Page) -> impl IntoView {
    let n = page.notice.clone();
    let base = format!("/apps/{}", page.id);
    let secret = n.secret.clone().map(|secret| {
        view! {
            <SecretOnce secret what="API key"/>
            <p>"Send it with each call through the gateway, in the "<code>"x-api-key"</code>" header (or as "<code>"Authorization: Bearer"</code>"). Keep it on your server, never in a web page or a mobile app."</p>
        }
    });
    view! {
        <Title text=page.name.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/apps">"Your applications"</a></li></ol></nav>
        <NoticeBanners notice=n.clone()/>
        {secret}
        <span class="caption">"Application"</span>
        <h1 class="heading-xl">{page.name.clone()}</h1>
        {(!page.description.is_empty()).then(|| view! { <p class="app-description">{page.description.clone()}</p> })}

        <h2 class="heading-l" id="keys">"API keys"</h2>
        <KeyTable keys=page.keys.clone() base=base.clone() csrf=page.csrf_token.clone()/>
        <h3 class="heading-m">"Create a key"</h3>
        <form method="post" action=format!("{base}/keys") class="form-narrow" novalidate>
            <CsrfField token=page.csrf_token.clone()/>
            <TextInput
                name="key_name"
                label="Key name"
                hint=format!("Where it is used, such as \u{201c}production server\u{201d}. An application may have {MAX_ACTIVE_KEYS} active keys.")
                value=n.value_or("key_name", "")
                error=n.error("key_name")
                required=true
                autocomplete="off"
            />
            <TextInput
                name="expires_on"
                label="Expiry date (optional)"
                hint=format!("The key works until the end of this day (UTC): from {} to {}. Leave it empty for a key that does not expire.", page.expiry_min, page.expiry_max)
                value=n.value_or("expires_on", "")
                error=n.error("expires_on")
                kind="date"
            />
            <button type="submit" class="button">"Create key"</button>
        </form>

        <h2 class="heading-l">"Details"</h2>
        <form method="post" action=base.clone() class="form-narrow" novalidate>
            <CsrfField token=page.csrf_token.clone()/>
            <TextInput name="name" label="Name" value=n.value_or("name", &page.name) error=n.error("name") required=true autocomplete="off"/>
            <TextArea name="description" label="Description (optional)" value=n.value_or("description", &page.description) error=n.error("description") rows=4/>
            <button type="submit" class="button button--secondary">"Save details"</button>
        </form>

        <h2 class="heading-l">"Delete the application"</h2>
        <p>"Its keys stop working and its access to APIs ends. You will see exactly what happens before you confirm."</p>
        <p><a class="button button--warning" href=format!("{base}/delete") role="button" draggable="false">"Delete application"</a></p>
    }
}

/// The keys, each that works with its rotate and revoke forms.
#[component]
fn KeyTable(keys: Vec<KeyRow>, base: String, csrf: String) -> impl IntoView {
    if keys.is_empty() {
        return view! { <p>"This application has no keys yet."</p> }.into_any();
    }
    let rows = keys
        .into_iter()
        .map(|key| {
            let actions = key.status.works().then(|| {
                let rotate = (key.status == crate::keys::model::KeyStatus::Active).then(|| {
                    view! { <RotateForm key=key.clone() base=base.clone() csrf=csrf.clone()/> }
                });
                let revoke = format!("{base}/keys/{}/revoke", key.id);
                view! {
                    {rotate}
                    <form method="post" action=revoke class="inline-form">
                        <CsrfField token=csrf.clone()/>
                        <button type="submit" class="button button--secondary button--small" aria-label=format!("Revoke {}", key.name)>"Revoke"</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td>{key.name.clone()}</td>
                    <td><code class="key-prefix">{format!("{}…", key.prefix)}</code></td>
                    <td>{when(&key.created_at)}</td>
                    <td>{key.expires_at.as_deref().map(when).unwrap_or_else(|| "Never".into())}</td>
                    <td>{key.last_used_at.as_deref().map(when).unwrap_or_else(|| "Never".into())}</td>
                    <td><strong class=status_class(&key)>{key.status.label()}</strong></td>
                    <td class="key-actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="The application's API keys">
            <table class="table">
                <caption class="table__caption visually-hidden">"The application's API keys"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Key"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// Rotate: a new key now, the old one working for the grace period chosen.
#[component]
fn RotateForm(key: KeyRow, base: String, csrf: String) -> impl IntoView {
    let id = format!("grace-{}", key.id);
    let options = GRACE_PERIODS
        .iter()
        .map(|(value, label, _)| {
            let selected = *value == "24h";
            view! { <option value=*value selected=selected>{*label}</option> }
        })
        .collect_view();
    view! {
        <form method="post" action=format!("{base}/keys/{}/rotate", key.id) class="inline-form">
            <CsrfField token=csrf/>
            <label class="label" for=id.clone()>{format!("Old key of \u{201c}{}\u{201d} keeps working", key.name)}</label>
            <select class="select" id=id name="grace">{options}</select>
            <button type="submit" class="button button--small">"Rotate"</button>
        </form>
    }
}

fn status_class(key: &KeyRow) -> &'static str {
    if key.status.works() {
        "tag tag--open"
    } else {
        "tag"
    }
}

/// A stored instant as people read it: `2025-11-24 16:00 UTC`.
fn when(at: &str) -> String {
    match at.get(..16) {
        Some(minute) => format!("{} UTC", minute.replace('T', " ")),
        None => at.to_string(),
    }
}
