//! `/manage/{agency}/apis/{api}/usage`: an API's calls for its agency's
//! owners: totals, charts and the busiest consumers over the last hour,
//! day or month, narrowed to one consumer with `?app=`, and as CSV.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::app::components::problem::load_failed;
use crate::usage::components::{SpanLinks, UsageFigures};
use crate::usage::model::{ApiUsage, ConsumerUsage};
use crate::usage::server_fns::load_api_usage;

#[component]
pub fn ApiUsagePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let (p, q) = (params.get(), query.get());
        (
            p.get("agency").unwrap_or_default(),
            p.get("api"),
            q.get("span"),
            q.get("app").and_then(|a| a.parse::<i64>().ok()),
        )
    };
    let page = Resource::new(args, |(agency, api, span, app)| {
        load_api_usage(agency, api, span, app)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Usage page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Usage(page: ApiUsage) -> impl IntoView {
    let base = format!("/manage/{}/apis/{}/usage", page.agency, page.api);
    let span = page.series.span;
    let app_query = page
        .app
        .as_ref()
        .map(|(id, _)| format!("&app={id}"))
        .unwrap_or_default();
    let csv = format!("{}.csv?span={}{app_query}", base, span.slug());
    let heading = match &page.app {
        Some((_, name)) => format!("Calls of \u{201c}{name}\u{201d} to {}", page.api_name),
        None => format!("Usage of {}", page.api_name),
    };
    let narrowed = page.app.is_some().then(|| {
        view! { <p><a href=format!("{base}?span={}#usage", span.slug())>"Show every consumer's calls"</a></p> }
    });
    view! {
        <Title text=heading.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
            <li><a href=format!("/manage/{}", page.agency)>{page.agency_name.clone()}</a></li>
            <li><a href=format!("/manage/{}/apis/{}", page.agency, page.api)>{page.api_name.clone()}</a></li>
        </ol></nav>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl" id="usage">{heading}</h1>
        <p class="hint">"Calls through the gateway, counted within a minute of each call, including those refused for a missing or bad key. Times are UTC."</p>
        {narrowed}
        <SpanLinks base=base.clone() current=span extra=app_query/>
        <UsageFigures series=page.series.clone()/>
        <p><a href=csv download="">"Download these figures (CSV)"</a></p>
        <h2 class="heading-l">"Top consumers"</h2>
        <Consumers rows=page.consumers.clone() base=base span=span.slug()/>
        <ul class="action-list">
            <li><a href=format!("/manage/{}/apis/{}/consumers", page.agency, page.api)>"Consumers and their plans"</a></li>
            <li><a href=format!("/manage/{}/apis/{}", page.agency, page.api)>"Back to the API"</a></li>
        </ul>
    }
}

#[component]
fn Consumers(rows: Vec<ConsumerUsage>, base: String, span: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No application called this API with a valid key in this period."</p> }
            .into_any();
    }
    let rows = rows
        .into_iter()
        .map(|r| {
            let owner = match &r.owner_email {
                Some(email) => format!("{} ({email})", r.owner_name),
                None => r.owner_name.clone(),
            };
            let href = format!("{base}?span={span}&app={}#usage", r.app_id);
            view! {
                <tr>
                    <td><a href=href>{r.app_name.clone()}</a></td>
                    <td>{owner}</td>
                    <td class="numeric">{r.requests}</td>
                    <td class="numeric">{r.errors}</td>
                    <td class="numeric">{r.error_rate()}</td>
                    <td class="numeric">{r.p95_ms.map_or_else(|| "-".to_string(), |v| format!("{v} ms"))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="The applications that called this API most in this period">
            <table class="table">
                <caption class="table__caption visually-hidden">"The applications that called this API most in this period"</caption>
                <thead><tr>
                    <th scope="col">"Application"</th>
                    <th scope="col">"Owner"</th>
                    <th scope="col" class="numeric">"Calls"</th>
                    <th scope="col" class="numeric">"Errors"</th>
                    <th scope="col" class="numeric">"Error rate"</th>
                    <th scope="col" class="numeric">"p95"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
