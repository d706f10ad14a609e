//! Usage as pages show it: the span links, totals, two charts with the
//! table of their figures, quota used, and an application's whole usage
//! section (`AppUsageSection`, which loads its own data).

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::chart::{latency_svg, requests_svg};
use super::model::{error_rate, AppUsage, QuotaLine, Series, Span};
use super::server_fns::load_app_usage;
use crate::app::components::problem::load_failed;

/// The usage of one of the developer's applications, on its page: the
/// span and key come from the page's query (`?span=day&key=3`).
#[component]
pub fn AppUsageSection(app: String) -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.get();
        let key = q.get("key").and_then(|k| k.parse::<i64>().ok());
        (Some(app.clone()), q.get("span"), key)
    };
    let usage = Resource::new(args, |(app, span, key)| load_app_usage(app, span, key));
    view! {
        <h2 class="heading-l" id="usage">"Usage"</h2>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match usage.await {
                    Ok(usage) => view! { <AppUsageView usage/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AppUsageView(usage: AppUsage) -> impl IntoView {
    let base = format!("/apps/{}", usage.app_id);
    let span = usage.series.span;
    let key_query = usage.key.map(|k| format!("&key={k}")).unwrap_or_default();
    let csv = format!("{base}/usage.csv?span={}{key_query}", span.slug());
    let options = usage
        .keys
        .iter()
        .map(|k| {
            let selected = usage.key == Some(k.id);
            view! { <option value=k.id.to_string() selected=selected>{format!("{} ({}…)", k.name, k.prefix)}</option> }
        })
        .collect_view();
    let key_filter = (!usage.keys.is_empty()).then(|| {
        view! {
            <form method="get" action=format!("{base}#usage") class="inline-form usage-filter">
                <input type="hidden" name="span" value=span.slug()/>
                <label class="label" for="usage-key">"Key"</label>
                <select class="select" id="usage-key" name="key">
                    <option value="" selected=usage.key.is_none()>"All keys"</option>
                    {options}
                </select>
                <button type="submit" class="button button--secondary button--small">"Show"</button>
            </form>
        }
    });
    view! {
        <p class="hint">"Calls through the gateway with this application's keys, counted within a minute of each call. Times are UTC."</p>
        <SpanLinks base=base.clone() current=span extra=key_query/>
        {key_filter}
        <UsageFigures series=usage.series.clone()/>
        <p><a href=csv download="">"Download these figures (CSV)"</a></p>
        <QuotaTable lines=usage.quotas/>
    }
}

/// Links to the three spans, the current one marked.
#[component]
pub fn SpanLinks(base: String, current: Span, extra: String) -> impl IntoView {
    let links = Span::ALL
        .iter()
        .map(|span| {
            let href = format!("{base}?span={}{extra}#usage", span.slug());
            let here = (*span == current).then_some("page");
            view! { <li><a href=href aria-current=here>{capitalise(span.label())}</a></li> }
        })
        .collect_view();
    view! { <nav class="span-links" aria-label="Period"><ul>{links}</ul></nav> }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn ms(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v} ms"))
}

/// Totals, the two charts, and a table of their figures.
#[component]
pub fn UsageFigures(series: Series) -> impl IntoView {
    let t = series.total.clone();
    let span = series.span;
    let requests = requests_svg(&series, &format!("Calls per step, {}", span.label()));
    let latency = latency_svg(&series, &format!("Latency per step, {}", span.label()));
    let rows = series
        .points
        .iter()
        .rev()
        .map(|p| {
            let [c2, c3, c4, c5] = p.by_class;
            view! {
                <tr>
                    <th scope="row">{span.step_label(&p.start)}</th>
                    <td class="numeric">{p.requests}</td>
                    <td class="numeric">{c2}</td>
                    <td class="numeric">{c3}</td>
                    <td class="numeric">{c4}</td>
                    <td class="numeric">{c5}</td>
                    <td class="numeric">{ms(p.p50_ms)}</td>
                    <td class="numeric">{ms(p.p95_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="usage-totals">
            <div><dt>"Calls"</dt><dd data-figure="requests">{t.requests}</dd></div>
            <div><dt>"Errors"</dt><dd data-figure="errors">{format!("{} ({})", t.errors, error_rate(t.errors, t.requests))}</dd></div>
            <div><dt>"Latency p50"</dt><dd>{ms(t.p50_ms)}</dd></div>
            <div><dt>"Latency p95"</dt><dd>{ms(t.p95_ms)}</dd></div>
        </dl>
        <div class="usage-charts">
            <figure class="chart">
                <figcaption class="chart__caption">"Calls, by status"</figcaption>
                <div class="chart__canvas" inner_html=requests></div>
                <ul class="chart__legend" aria-hidden="true">
                    <li><span class="chart__key chart__bar--2xx"></span>"2xx"</li>
                    <li><span class="chart__key chart__bar--3xx"></span>"3xx"</li>
                    <li><span class="chart__key chart__bar--4xx"></span>"4xx"</li>
                    <li><span class="chart__key chart__bar--5xx"></span>"5xx"</li>
                </ul>
            </figure>
            <figure class="chart">
                <figcaption class="chart__caption">"Latency"</figcaption>
                <div class="chart__canvas" inner_html=latency></div>
                <ul class="chart__legend" aria-hidden="true">
                    <li><span class="chart__key chart__key--p50"></span>"p50"</li>
                    <li><span class="chart__key chart__key--p95"></span>"p95"</li>
                </ul>
            </figure>
        </div>
        <details class="details">
            <summary>"The figures of both charts as a table"</summary>
            <TableScroll label=format!("Calls and latency per step, {}, newest first (UTC)", span.label())>
                <table class="table table--compact">
                    <caption class="table__caption">{format!("Calls and latency per step, {}, newest first (UTC)", span.label())}</caption>
                    <thead><tr>
                        <th scope="col">"Time"</th>
                        <th scope="col" class="numeric">"Calls"</th>
                        <th scope="col" class="numeric">"2xx"</th>
                        <th scope="col" class="numeric">"3xx"</th>
                        <th scope="col" class="numeric">"4xx"</th>
                        <th scope="col" class="numeric">"5xx"</th>
                        <th scope="col" class="numeric">"p50"</th>
                        <th scope="col" class="numeric">"p95"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
        </details>
    }
}

fn of(used: i64, limit: Option<i64>) -> String {
    match limit {
        Some(limit) => format!("{used} of {limit}"),
        None => format!("{used} (no quota)"),
    }
}

/// What each working key has used of its plans' quotas.
#[component]
fn QuotaTable(lines: Vec<QuotaLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! {
            <h3 class="heading-m">"Quota used"</h3>
            <p>"Quotas apply once the application has approved access to an API and a key."</p>
        }
        .into_any();
    }
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr>
                    <td>{l.api_name}</td>
                    <td>{l.plan_name}</td>
                    <td>{format!("{} ({}…)", l.key_name, l.key_prefix)}</td>
                    <td class="numeric">{of(l.used.day, l.per_day)}</td>
                    <td class="numeric">{of(l.used.month, l.per_month)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 class="heading-m">"Quota used"</h3>
        <TableScroll label="Calls counted against each plan's quotas, per key">
            <table class="table">
                <caption class="table__caption visually-hidden">"Calls counted against each plan's quotas, per key"</caption>
                <thead><tr>
                    <th scope="col">"API"</th>
                    <th scope="col">"Plan"</th>
                    <th scope="col">"Key"</th>
                    <th scope="col" class="numeric">"Today (UTC)"</th>
                    <th scope="col" class="numeric">"This month"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
