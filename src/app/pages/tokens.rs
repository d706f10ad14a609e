//! An agency's personal access tokens: a member's own tokens for
//! publishing from CI (every token of the agency, for an owner), the form
//! that creates one, and the new token's secret, shown once.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, Notice, NoticeBanners, SecretOnce, Select, TextInput};
use crate::tokens::model::{TokenRow, TokensPage as Page, EXPIRY_DAYS};
use crate::tokens::server_fns::load_tokens_page;

#[component]
pub fn TokensPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.get().get("agency").unwrap_or_default();
    let page = Resource::new(slug, load_tokens_page);
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Tokens page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Tokens(page: Page) -> impl IntoView {
    let notice = page.notice.clone();
    let action = format!("/manage/{}/tokens", page.agency);
    let secret = notice.secret.clone().map(|secret| {
        let example = curl_example(&page.api_base, &page.agency, &secret);
        view! {
            <SecretOnce secret=secret what="personal access token"/>
            <p>"Publish a version from CI with it, for example:"</p>
            <pre class="code-block" tabindex="0"><code>{example}</code></pre>
            <p class="hint">"Keep it in your CI's secret store, never in the repository."</p>
        }
    });
    let revoke_base = format!("/manage/{}/tokens", page.agency);
    view! {
        <Title text=format!("Tokens - {}", page.agency_name)/>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl">"Personal access tokens"</h1>
        <NoticeBanners notice=notice.clone()/>
        {secret}
        <p>
            "A token lets a CI job publish new versions of this agency's APIs through Portico's "
            <a href="/apis/portico/rest-api">"REST API"</a>
            ". It acts as you, with your role in this agency: if you leave the agency, it stops working."
        </p>
        <TokenTable
            caption="Your tokens for this agency"
            rows=page.yours.clone()
            revoke_base=revoke_base.clone()
            csrf=page.csrf_token.clone()
            show_owner=false
        />
        <CreateTokenForm
            action=action
            hint="What it is for, such as the CI job that uses it."
            notice=notice.clone()
            csrf=page.csrf_token.clone()
        />
        {page.owner_view.then(|| view! {
            <h2 class="heading-l">"Other members' tokens"</h2>
            <p>"As an owner you see every member's tokens for this agency, and may revoke them."</p>
            <TokenTable
                caption="Other members' tokens"
                rows=page.others.clone()
                revoke_base=revoke_base
                csrf=page.csrf_token.clone()
                show_owner=true
            />
        })}
        <p><a href=format!("/manage/{}", page.agency)>"Back to the agency"</a></p>
    }
}

/// The form that creates a token: its name and lifetime. Shared by an
/// agency's tokens page and the account's developer tokens page.
#[component]
pub fn CreateTokenForm(
    action: String,
    hint: &'static str,
    notice: Notice,
    csrf: String,
) -> impl IntoView {
    let days = EXPIRY_DAYS
        .iter()
        .map(|d| (d.to_string(), format!("In {d} days")))
        .collect::<Vec<_>>();
    view! {
        <h2 class="heading-l">"Create a token"</h2>
        <form method="post" action=action novalidate>
            <CsrfField token=csrf/>
            <TextInput
                name="name"
                label="Name"
                hint=hint
                value=notice.value_or("name", "")
                error=notice.error("name")
                required=true
                autocomplete="off"
            />
            <Select
                name="days"
                label="Expires"
                hint="Every token expires. Create a new one before it does."
                options=days
                selected=notice.value_or("days", "90")
                error=notice.error("days")
            />
            <button type="submit" class="button">"Create token"</button>
        </form>
    }
}

/// Tokens in a table, each active one with a revoke button that posts to
/// `{revoke_base}/{id}/revoke`.
#[component]
pub fn TokenTable(
    caption: &'static str,
    rows: Vec<TokenRow>,
    revoke_base: String,
    csrf: String,
    show_owner: bool,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>{format!("{caption}: none.")}</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|token| {
            let revoke = token.revocable.then(|| {
                let action = format!("{revoke_base}/{}/revoke", token.id);
                let label = format!("Revoke {}", token.name);
                view! {
                    <form method="post" action=action class="inline-form">
                        <CsrfField token=csrf.clone()/>
                        <button type="submit" class="button button--secondary button--small" aria-label=label>"Revoke"</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td>{token.name}</td>
                    {show_owner.then(|| view! { <td>{token.owner.clone()}</td> })}
                    <td><code>{format!("{}…", token.prefix)}</code></td>
                    <td>{day(&token.created_at)}</td>
                    <td>{day(&token.expires_at)}</td>
                    <td>{token.last_used_at.as_deref().map(day).unwrap_or_else(|| "Never".into())}</td>
                    <td>{token.status.label()}</td>
                    <td>{revoke}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label=caption>
            <table class="table">
                <caption class="table__caption">{caption}</caption>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    {show_owner.then(|| view! { <th scope="col">"Owner"</th> })}
                    <th scope="col">"Token"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col"><span class="visually-hidden">"Action"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// The date of a stored timestamp.
fn day(at: &str) -> String {
    at.get(..10).unwrap_or(at).to_string()
}

/// A ready-to-copy request that publishes a version with the token.
fn curl_example(api_base: &str, agency: &str, secret: &str) -> String {
    format!(
        "curl --fail-with-body -X POST \\\n  -H \"Authorization: Bearer {secret}\" \\\n  --data-binary @openapi.yaml \\\n  \"{api_base}/agencies/{agency}/apis/YOUR-API/versions?label=1.0.0\""
    )
}
