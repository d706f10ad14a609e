//! What a developer sees of their access requests: on an application's
//! page (`AppSubscriptions`) and on their account page
//! (`YourAccessRequests`). Each loads its own data.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;

use super::model::SubscriptionView;
use super::server_fns::{load_app_subscriptions, load_my_access_requests};
use crate::app::components::problem::load_failed;

/// The access requests of one of the caller's applications.
#[component]
pub fn AppSubscriptions(app_id: i64) -> impl IntoView {
    let rows = Resource::new(move || app_id, |id| load_app_subscriptions(Some(id)));
    view! {
        <h2 class="heading-l" id="access">"Access to APIs"</h2>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p>"This application has not asked for any API yet. Find one in the "<a href="/apis">"API catalogue"</a>" and choose Request access beside a plan."</p>
                    }.into_any(),
                    Ok(rows) => view! { <RequestTable rows show_app=false caption="Access requests of this application"/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

/// Every access request of the caller's applications.
#[component]
pub fn YourAccessRequests() -> impl IntoView {
    let rows = Resource::new(|| (), |_| load_my_access_requests());
    view! {
        <h2 class="heading-l">"Your access requests"</h2>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p>"You have not asked for access to any API yet. "<a href="/apps">"Your applications"</a></p>
                    }.into_any(),
                    Ok(rows) => view! { <RequestTable rows show_app=true caption="Your access requests"/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

/// Requests with their status, decision and reason.
#[component]
fn RequestTable(
    rows: Vec<SubscriptionView>,
    show_app: bool,
    caption: &'static str,
) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|r| {
            let api_href = format!("/apis/{}/{}", r.agency, r.api);
            let app_href = format!("/apps/{}", r.app_id);
            let decided = r.decided_at.as_deref().map(day).unwrap_or_default();
            view! {
                <tr>
                    {show_app.then(|| view! { <td><a href=app_href>{r.app_name.clone()}</a></td> })}
                    <td><a href=api_href>{r.api_name}</a><span class="hint">{r.agency_name}</span></td>
                    <td>{r.plan_name}</td>
                    <td><strong class=r.status.tag_class()>{r.status.label()}</strong></td>
                    <td>{day(&r.created_at)}</td>
                    <td>{decided}</td>
                    <td>{r.decision_reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label=caption>
            <table class="table">
                <caption class="table__caption visually-hidden">{caption}</caption>
                <thead><tr>
                    {show_app.then(|| view! { <th scope="col">"Application"</th> })}
                    <th scope="col">"API"</th>
                    <th scope="col">"Plan"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Asked"</th>
                    <th scope="col">"Decided"</th>
                    <th scope="col">"Reason"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

/// The date of a stored timestamp.
pub fn day(at: &str) -> String {
    at.get(..10).unwrap_or(at).to_string()
}
