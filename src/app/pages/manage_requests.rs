//! An agency's access requests, for its owners: the ones waiting for a
//! decision (approve, or reject with a reason), and the approved ones
//! (revoke with a reason).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::access::components::day;
use crate::access::model::{QueuePage, RequestRow};
use crate::access::server_fns::load_request_queue;
use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, Notice, NoticeBanners};

#[component]
pub fn RequestQueuePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.get().get("agency").unwrap_or_default();
    let page = Resource::new(slug, load_request_queue);
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Queue page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queue(page: QueuePage) -> impl IntoView {
    let base = format!("/manage/{}/requests", page.agency);
    let notice = page.notice.clone();
    let card = |row: RequestRow, approved: bool| {
        view! { <RequestCard row base=base.clone() csrf=page.csrf_token.clone() notice=notice.clone() approved/> }
    };
    let pending = if page.pending.is_empty() {
        view! { <p>"No request is waiting for a decision."</p> }.into_any()
    } else {
        page.pending
            .clone()
            .into_iter()
            .map(|r| card(r, false))
            .collect_view()
            .into_any()
    };
    let approved = if page.approved.is_empty() {
        view! { <p>"No application has access yet."</p> }.into_any()
    } else {
        page.approved
            .clone()
            .into_iter()
            .map(|r| card(r, true))
            .collect_view()
            .into_any()
    };
    view! {
        <Title text=format!("Access requests - {}", page.agency_name)/>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl">"Access requests"</h1>
        <NoticeBanners notice=notice.clone()/>
        <h2 class="heading-l" id="pending">{format!("Waiting for a decision ({})", page.pending.len())}</h2>
        {pending}
        <h2 class="heading-l" id="approved">{format!("Approved ({})", page.approved.len())}</h2>
        {approved}
        <p><a href=format!("/manage/{}", page.agency)>"Back to the agency"</a></p>
    }
}

/// One request: who asks, for what, why; and the forms that decide it.
#[component]
fn RequestCard(
    row: RequestRow,
    base: String,
    csrf: String,
    notice: Notice,
    approved: bool,
) -> impl IntoView {
    let field = format!("reason-{}", row.id);
    let error = notice.error(&field);
    let value = notice.value_or(&field, "");
    let error_id = format!("{field}-error");
    let class = if error.is_some() {
        "form-group form-group--error"
    } else {
        "form-group"
    };
    let owner = match &row.owner_email {
        Some(email) => format!("{} ({email})", row.owner_name),
        None => row.owner_name.clone(),
    };
    let (label, hint) = if approved {
        ("Reason for revoking", "Required: the developer sees it.")
    } else {
        (
            "Reason",
            "Required to reject, optional to approve: the developer sees it.",
        )
    };
    let buttons = if approved {
        let keys = row
            .keys
            .iter()
            .map(|k| {
                let action = format!("{base}/{}/keys/{}/revoke", row.id, k.id);
                view! {
                    <li><button type="submit" class="button button--secondary button--small" formaction=action>{format!("Revoke key {} ({}\u{2026})", k.name, k.prefix)}</button></li>
                }
            })
            .collect_view();
        let leaked = (!row.keys.is_empty()).then(|| view! {
            <p class="hint">"If one of its keys leaked, revoke that key instead: it stops working for every API, and the developer is told the reason above."</p>
            <ul class="key-revoke-list">{keys}</ul>
        });
        view! {
            <button type="submit" class="button button--warning" formaction=format!("{base}/{}/revoke", row.id)>"Revoke access"</button>
            {leaked}
        }
        .into_any()
    } else {
        view! {
            <div class="button-group">
                <button type="submit" class="button" formaction=format!("{base}/{}/approve", row.id)>"Approve"</button>
                <button type="submit" class="button button--warning" formaction=format!("{base}/{}/reject", row.id)>"Reject"</button>
            </div>
        }
        .into_any()
    };
    let since = if approved {
        row.decided_at.as_deref().map(day).unwrap_or_default()
    } else {
        day(&row.created_at)
    };
    view! {
        <section class="request-card" aria-labelledby=format!("request-{}", row.id)>
            <h3 class="heading-m" id=format!("request-{}", row.id)>{format!("{} for {}", row.app_name, row.api_name)}</h3>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>"Application"</dt><dd>{row.app_name.clone()}<span class="hint">{row.app_description.clone()}</span></dd></div>
                <div class="summary-list__row"><dt>"Owner"</dt><dd>{owner}</dd></div>
                <div class="summary-list__row"><dt>"Plan"</dt><dd>{row.plan_name.clone()}</dd></div>
                <div class="summary-list__row"><dt>"Purpose of use"</dt><dd class="prewrap">{row.purpose.clone()}</dd></div>
                <div class="summary-list__row"><dt>{if approved { "Approved on" } else { "Asked on" }}</dt><dd>{since}</dd></div>
            </dl>
            <form method="post" action=format!("{base}/{}/{}", row.id, if approved { "revoke" } else { "reject" }) novalidate>
                <CsrfField token=csrf/>
                <div class=class>
                    <label class="label" for=field.clone()>{label}</label>
                    <span class="hint">{hint}</span>
                    {error.map(|e| view! { <p class="error-message" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{e}</p> })}
                    <textarea class="textarea" id=field.clone() name="reason" rows="2">{value}</textarea>
                </div>
                {buttons}
            </form>
        </section>
    }
}
