//! Who uses an API, for its agency's owners: applications, their owners,
//! plans, status and since when.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::access::components::day;
use crate::access::model::ConsumersPage as Page;
use crate::access::server_fns::load_consumers;
use crate::app::components::problem::load_failed;

#[component]
pub fn ConsumersPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.get();
        (p.get("agency").unwrap_or_default(), p.get("api"))
    };
    let page = Resource::new(key, |(agency, api)| load_consumers(agency, api));
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Consumers page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Consumers(page: Page) -> impl IntoView {
    let rows = page
        .consumers
        .iter()
        .map(|r| {
            let owner = match &r.owner_email {
                Some(email) => format!("{} ({email})", r.owner_name),
                None => r.owner_name.clone(),
            };
            let since = r.decided_at.as_deref().unwrap_or(&r.created_at);
            view! {
                <tr>
                    <td>{r.app_name.clone()}</td>
                    <td>{owner}</td>
                    <td>{r.plan_name.clone()}</td>
                    <td><strong class=r.status.tag_class()>{r.status.label()}</strong></td>
                    <td>{day(since)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Title text=format!("Consumers - {}", page.api_name)/>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl">{format!("Consumers of {}", page.api_name)}</h1>
        {if page.consumers.is_empty() {
            view! { <p>"No application has asked for this API yet."</p> }.into_any()
        } else {
            view! {
                <TableScroll label="Applications that asked for this API">
                    <table class="table">
                        <caption class="table__caption visually-hidden">"Applications that asked for this API"</caption>
                        <thead><tr>
                            <th scope="col">"Application"</th>
                            <th scope="col">"Owner"</th>
                            <th scope="col">"Plan"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Since"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </TableScroll>
            }.into_any()
        }}
        <ul class="action-list">
            <li><a href=format!("/manage/{}/apis/{}/usage", page.agency, page.api)>"Usage of this API"</a></li>
            <li><a href=format!("/manage/{}/requests", page.agency)>"Access requests"</a></li>
            <li><a href=format!("/manage/{}/apis/{}/plans", page.agency, page.api)>"Plans of this API"</a></li>
            <li><a href=format!("/manage/{}/apis/{}", page.agency, page.api)>"Back to the API"</a></li>
        </ul>
    }
}
