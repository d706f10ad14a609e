//! The plans of one API, for its agency's owners: the list, the form that
//! creates a plan, or (with `?plan=`) the form that changes one, and the
//! button that retires or deletes it.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::access::model::{PlanAdminRow, PlansPage as Page};
use crate::access::server_fns::load_manage_plans;
use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, Notice, NoticeBanners, Select, TextArea, TextInput};

#[component]
pub fn PlansPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.get();
        (
            p.get("agency").unwrap_or_default(),
            p.get("api"),
            query.get().get("plan"),
        )
    };
    let page = Resource::new(key, |(agency, api, plan)| {
        load_manage_plans(agency, api, plan)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Plans page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Plans(page: Page) -> impl IntoView {
    let base = format!("/manage/{}/apis/{}/plans", page.agency, page.api);
    let notice = page.notice.clone();
    let rows = page
        .plans
        .iter()
        .map(|plan| plan_row(plan, &base, &page.csrf_token))
        .collect_view();
    let form = match page.editing.clone() {
        Some(plan) => view! {
            <h2 class="heading-l" id="plan-form">{format!("Change the plan {}", plan.name)}</h2>
            <p>"A change applies at once to every subscription on the plan."</p>
            <PlanFields action=format!("{base}/{}", plan.slug) csrf=page.csrf_token.clone() notice=notice.clone() plan button="Save the plan"/>
            <p><a href=base.clone()>"Cancel"</a></p>
        }
        .into_any(),
        None => view! {
            <h2 class="heading-l" id="plan-form">"Create a plan"</h2>
            <PlanFields action=base.clone() csrf=page.csrf_token.clone() notice=notice.clone() plan=PlanAdminRow { approval: "manual".into(), open_for_requests: true, ..PlanAdminRow::default() } button="Create the plan"/>
        }
        .into_any(),
    };
    view! {
        <Title text=format!("Plans - {}", page.api_name)/>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl">{format!("Plans of {}", page.api_name)}</h1>
        <NoticeBanners notice=notice.clone()/>
        <p>"Developers ask for a plan for one of their applications. Limits left empty mean no limit. A plan anyone has asked for is retired rather than deleted."</p>
        {if page.plans.is_empty() {
            view! { <p>"This API offers no plans yet."</p> }.into_any()
        } else {
            view! {
                <TableScroll label="Plans of the API">
                    <table class="table">
                        <caption class="table__caption visually-hidden">"Plans of the API"</caption>
                        <thead><tr>
                            <th scope="col">"Plan"</th>
                            <th scope="col" class="numeric">"Per second"</th>
                            <th scope="col" class="numeric">"Per minute"</th>
                            <th scope="col" class="numeric">"Per day"</th>
                            <th scope="col" class="numeric">"Per month"</th>
                            <th scope="col">"Approval"</th>
                            <th scope="col">"New requests"</th>
                            <th scope="col" class="numeric">"Subscriptions"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </TableScroll>
            }.into_any()
        }}
        {form}
        <ul class="action-list">
            <li><a href=format!("/manage/{}/apis/{}/consumers", page.agency, page.api)>"Consumers of this API"</a></li>
            <li><a href=format!("/manage/{}/requests", page.agency)>"Access requests"</a></li>
            <li><a href=format!("/manage/{}/apis/{}", page.agency, page.api)>"Back to the API"</a></li>
        </ul>
    }
}

fn plan_row(plan: &PlanAdminRow, base: &str, csrf: &str) -> impl IntoView {
    let limit = |n: Option<i64>| {
        n.map(|n| n.to_string())
            .unwrap_or_else(|| "No limit".into())
    };
    let retired = plan.status == "retired";
    let open = if retired {
        "Retired"
    } else if plan.open_for_requests {
        "Open"
    } else {
        "Closed"
    };
    let edit_label = format!("Change {}", plan.name);
    let remove = (!retired).then(|| {
        let label = format!("Retire or delete {}", plan.name);
        view! {
            <form method="post" action=format!("{base}/{}/remove", plan.slug) class="inline-form">
                <CsrfField token=csrf.to_string()/>
                <button type="submit" class="button button--secondary button--small" aria-label=label>"Retire or delete"</button>
            </form>
        }
    });
    view! {
        <tr>
            <th scope="row">{plan.name.clone()}<span class="hint">{plan.description.clone()}</span></th>
            <td class="numeric">{limit(plan.rate_per_second)}</td>
            <td class="numeric">{limit(plan.rate_per_minute)}</td>
            <td class="numeric">{limit(plan.quota_per_day)}</td>
            <td class="numeric">{limit(plan.quota_per_month)}</td>
            <td>{if plan.approval == "auto" { "At once" } else { "By an owner" }}</td>
            <td>{open}</td>
            <td class="numeric">{plan.live_subscriptions}</td>
            <td>
                <a href=format!("{base}?plan={}#plan-form", plan.slug) aria-label=edit_label>"Change"</a>
                {remove}
            </td>
        </tr>
    }
}

/// The fields of a plan, filled with `plan` (or what was sent).
#[component]
fn PlanFields(
    action: String,
    csrf: String,
    notice: Notice,
    plan: PlanAdminRow,
    button: &'static str,
) -> impl IntoView {
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let approvals = vec![
        (
            "manual".to_string(),
            "An owner approves each request".to_string(),
        ),
        ("auto".to_string(), "Approved at once".to_string()),
    ];
    let openness = vec![
        (
            "yes".to_string(),
            "Yes: developers may ask for it".to_string(),
        ),
        (
            "no".to_string(),
            "No: existing subscriptions only".to_string(),
        ),
    ];
    let open = if plan.open_for_requests { "yes" } else { "no" };
    view! {
        <form method="post" action=action novalidate>
            <CsrfField token=csrf/>
            <TextInput name="name" label="Name" value=notice.value_or("name", &plan.name) error=notice.error("name") required=true autocomplete="off"/>
            <TextArea name="description" label="Description" hint="Who the plan is for. Optional." value=notice.value_or("description", &plan.description) error=notice.error("description") rows=3/>
            <TextInput name="rate_per_second" label="Requests per second" hint="A whole number, or empty for no limit." value=notice.value_or("rate_per_second", &number(plan.rate_per_second)) error=notice.error("rate_per_second") autocomplete="off"/>
            <TextInput name="rate_per_minute" label="Requests per minute" hint="At least the requests per second." value=notice.value_or("rate_per_minute", &number(plan.rate_per_minute)) error=notice.error("rate_per_minute") autocomplete="off"/>
            <TextInput name="quota_per_day" label="Quota per day" value=notice.value_or("quota_per_day", &number(plan.quota_per_day)) error=notice.error("quota_per_day") autocomplete="off"/>
            <TextInput name="quota_per_month" label="Quota per month" value=notice.value_or("quota_per_month", &number(plan.quota_per_month)) error=notice.error("quota_per_month") autocomplete="off"/>
            <Select name="approval" label="Approval" options=approvals selected=notice.value_or("approval", &plan.approval) error=notice.error("approval")/>
            <Select name="open_for_requests" label="Open for new requests" options=openness selected=notice.value_or("open_for_requests", open) error=notice.error("open_for_requests")/>
            <button type="submit" class="button">{button}</button>
        </form>
    }
}
