//! One API: who publishes it, how to call it through the gateway, its plans
//! and the versions of its OpenAPI document.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::ErrorSummary;
use crate::app::pages::not_found::NotFound;
use crate::catalogue::model::{changelog_href, ApiDetail, PlanSummary, ReferenceTag};
use crate::catalogue::publish::model::GuideRow;
use crate::catalogue::server_fns::load_api_detail;

#[component]
pub fn ApiPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.get();
        (
            p.get("agency").unwrap_or_default(),
            p.get("api").unwrap_or_default(),
        )
    };
    let detail = Resource::new(key, |(agency, api)| load_api_detail(agency, api));
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(detail)) => view! { <Detail detail/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <ErrorSummary message=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: ApiDetail) -> impl IntoView {
    let api = detail.api;
    let open = api.access_mode == "open";
    let document_href = format!("{}/openapi", api.href());
    let reference_href = format!("{}/reference", api.href());
    let access_href = format!("{}/access", api.href());
    let guides_href = api.href();
    let curl = if open {
        format!("curl {}/", detail.gateway_url)
    } else {
        format!("curl -H 'x-api-key: YOUR_API_KEY' {}/", detail.gateway_url)
    };
    view! {
        <Title text=api.name.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href="/apis">"API catalogue"</a></li>
                <li><a href=format!("/agencies/{}", api.agency.slug)>{api.agency.name.clone()}</a></li>
            </ol>
        </nav>
        <span class="caption">{api.agency.name}</span>
        <h1 class="heading-xl">{api.name}</h1>
        <p class="lead">{api.summary}</p>
        {(!detail.listed).then(|| view! {
            <div class="warning-text"><strong>
                "A preview: only the agency's members see this page. The catalogue does not list an API while it is a draft, private or retired."
            </strong></div>
        })}
        {(api.lifecycle == "deprecated").then(|| {
            let sunset = detail
                .sunset_at
                .as_ref()
                .map(|day| format!(" It stops answering on {day}."))
                .unwrap_or_default();
            view! {
                <div class="warning-text"><strong>{format!("This API is deprecated. Plan to move off it.{sunset}")}</strong></div>
            }
        })}

        {(!detail.overview_html.is_empty()).then(|| view! {
            <h2 class="heading-l">"Overview"</h2>
            // Rendered from Markdown and sanitised on the server (ammonia).
            <div class="prose" inner_html=detail.overview_html.clone()></div>
        })}

        <ReferenceLinks href=reference_href tags=detail.reference_tags.clone()/>
        <GuideLinks href=guides_href guides=detail.guides.clone()/>

        <h2 class="heading-l">"Call this API"</h2>
        <dl class="summary-list">
            <div class="summary-list__row">
                <dt>"Base URL"</dt>
                <dd><code>{detail.gateway_url.clone()}</code></dd>
            </div>
            <div class="summary-list__row">
                <dt>"Access"</dt>
                <dd>{if open {
                    "Open: anyone may call it, no key needed."
                } else {
                    "An API key is required. Send it in the x-api-key header."
                }}</dd>
            </div>
            <div class="summary-list__row">
                <dt>"OpenAPI document"</dt>
                <dd><a href=document_href download="">"Download the OpenAPI document"</a></dd>
            </div>
        </dl>
        <p>"Try it from a terminal:"</p>
        <pre class="code-block" tabindex="0"><code>{curl}</code></pre>

        <h2 class="heading-l">"Plans"</h2>
        <PlanTable plans=detail.plans access_href/>

        <h2 class="heading-l">"Versions"</h2>
        <TableScroll label="Versions of the OpenAPI document">
            <table class="table">
                <caption class="visually-hidden">"Versions of the OpenAPI document"</caption>
                <thead><tr><th scope="col">"Version"</th><th scope="col">"OpenAPI"</th><th scope="col">"Published"</th><th scope="col">"Changes"</th></tr></thead>
                <tbody>
                    {
                        // Newest first: each version's predecessor is the next row.
                        let previous: Vec<Option<String>> = detail
                            .versions
                            .iter()
                            .skip(1)
                            .map(|v| Some(v.label.clone()))
                            .chain([None])
                            .collect();
                        let (agency, slug) = (api.agency.slug.clone(), api.slug.clone());
                        detail.versions.into_iter().zip(previous).map(|(v, previous)| {
                            let changes = previous.map(|previous| {
                                let href = changelog_href(&agency, &slug, Some(&previous), Some(&v.label));
                                // The same words on every row: the hidden part says which versions.
                                let which = format!(" ({previous} to {})", v.label);
                                view! {
                                    <a href=href>
                                        "Changes from the previous version"
                                        <span class="visually-hidden">{which}</span>
                                    </a>
                                }
                            });
                            view! {
                                <tr>
                                    <td>{v.label.clone()}{v.is_default.then_some(" (current)")}</td>
                                    <td>{v.openapi_version}</td>
                                    <td>{v.created_at.get(..10).unwrap_or_default().to_owned()}</td>
                                    <td>{changes}</td>
                                </tr>
                            }
                        }).collect_view()
                    }
                </tbody>
            </table>
        </TableScroll>
    }
}

/// Links into the reference pages. They are server-rendered documents
/// outside the client router, hence `rel="external"`: the browser loads them.
#[component]
fn ReferenceLinks(href: String, tags: Vec<ReferenceTag>) -> impl IntoView {
    if tags.is_empty() {
        return ().into_any();
    }
    let total: usize = tags.iter().map(|t| t.operations).sum();
    let items = tags
        .into_iter()
        .map(|t| {
            let tag_href = format!("{href}/tags/{}", t.slug);
            let count = format!(
                "{} {}",
                t.operations,
                if t.operations == 1 {
                    "operation"
                } else {
                    "operations"
                }
            );
            view! {
                <li>
                    <a href=tag_href rel="external">{t.name}</a>
                    <span class="hint-inline">" ("{count}")"</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-l">"Reference"</h2>
        <p>
            <a href=href.clone() rel="external">"Read the API reference"</a>
            {format!(": {total} operations, with parameters, responses, code samples and a console to try them.")}
        </p>
        <ul class="list columns">{items}</ul>
    }
    .into_any()
}

/// The guides its agency wrote for the API.
#[component]
fn GuideLinks(href: String, guides: Vec<GuideRow>) -> impl IntoView {
    if guides.is_empty() {
        return ().into_any();
    }
    let items = guides
        .into_iter()
        .map(|g| view! { <li><a href=format!("{href}/guides/{}", g.slug)>{g.title}</a></li> })
        .collect_view();
    view! {
        <h2 class="heading-l">"Guides"</h2>
        <ul class="list--bullet">{items}</ul>
    }
    .into_any()
}

#[component]
fn PlanTable(plans: Vec<PlanSummary>, access_href: String) -> impl IntoView {
    if plans.is_empty() {
        return view! { <p>"This API offers no plans yet."</p> }.into_any();
    }
    let limit = |n: Option<i64>| n.map(group_thousands).unwrap_or_else(|| "No limit".into());
    view! {
        <TableScroll label="Plans and their limits">
            <table class="table">
                <caption class="visually-hidden">"Plans and their limits"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Plan"</th>
                        <th scope="col" class="numeric">"Requests per second"</th>
                        <th scope="col" class="numeric">"Requests per minute"</th>
                        <th scope="col" class="numeric">"Per day"</th>
                        <th scope="col" class="numeric">"Per month"</th>
                        <th scope="col">"Approval"</th>
                        <th scope="col"><span class="visually-hidden">"Access"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {plans.into_iter().map(|p| view! {
                        <tr>
                            <th scope="row">{p.name.clone()}<span class="hint">{p.description}</span></th>
                            <td class="numeric">{limit(p.rate_per_second)}</td>
                            <td class="numeric">{limit(p.rate_per_minute)}</td>
                            <td class="numeric">{limit(p.quota_per_day)}</td>
                            <td class="numeric">{limit(p.quota_per_month)}</td>
                            <td>{if p.approval == "auto" { "Immediate" } else { "Reviewed by the agency" }}</td>
                            <td>{p.open_for_requests.then(|| {
                                let label = format!("Request access to the {} plan", p.name);
                                view! { <a href=format!("{access_href}?plan={}", p.slug) aria-label=label>"Request access"</a> }
                            })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }.into_any()
}

/// `200000` as `200,000`: limits are read, not parsed.
fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::group_thousands;

    #[test]
    fn groups_digits_in_threes() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
        assert_eq!(group_thousands(200_000), "200,000");
        assert_eq!(group_thousands(-1_234_567), "-1,234,567");
    }
}
