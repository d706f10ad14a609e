//! The audit log: `/admin/audit` (every event, for admins) and
//! `/manage/{agency}/audit` (the agency's, for its owners). A GET form
//! narrows it; the same filter downloads as CSV.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::app::components::problem::load_failed;
use crate::app::forms::{Notice, NoticeBanners, TextInput};
use crate::audit::model::{AuditEntry, AuditFilter, AuditPage};
use crate::audit::server_fns::load_audit_log;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let q = query.get();
        let get = |k: &str| q.get(k).unwrap_or_default();
        let filter = AuditFilter {
            actor: get("actor"),
            action: get("action"),
            target: get("target"),
            agency: get("agency"),
            from: get("from"),
            to: get("to"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        };
        (params.get().get("agency"), Some(filter))
    };
    let page = Resource::new(args, |(agency, filter)| load_audit_log(agency, filter));
    view! {
        <Title text="Audit log"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <AuditView page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditView(page: AuditPage) -> impl IntoView {
    let base = match &page.agency {
        Some((slug, _)) => format!("/manage/{slug}/audit"),
        None => "/admin/audit".to_string(),
    };
    let (crumb_href, crumb) = match &page.agency {
        Some((slug, name)) => (format!("/manage/{slug}"), name.clone()),
        None => ("/admin".to_string(), "Admin".to_string()),
    };
    let f = page.filter.clone();
    let query = f.query();
    let csv = if query.is_empty() {
        format!("{base}.csv")
    } else {
        format!("{base}.csv?{query}")
    };
    let page_href = {
        let base = base.clone();
        let query = query.clone();
        move |n: u32| {
            if query.is_empty() {
                format!("{base}?page={n}")
            } else {
                format!("{base}?{query}&page={n}")
            }
        }
    };
    let notice = Notice::invalid(page.problems.clone(), Default::default());
    let actions: Vec<(String, String)> = std::iter::once((String::new(), "Any action".to_string()))
        .chain(page.actions.iter().map(|a| (a.clone(), a.clone())))
        .collect();
    let admin = page.agency.is_none();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href=crumb_href>{crumb}</a></li></ol></nav>
        <NoticeBanners notice=notice.clone()/>
        <h1 class="heading-xl">"Audit log"</h1>
        <p class="lead">{match &page.agency {
            Some((_, name)) => format!("Every privileged action in {name}: who, what, when and from where."),
            None => "Every privileged action on this Portico: who, what, when and from where.".to_string(),
        }}</p>
        <form class="filters filters--wide" method="get" action=base.clone() aria-labelledby="audit-filter-title">
            <h2 class="heading-s" id="audit-filter-title">"Narrow the log"</h2>
            <div class="filters__grid">
                <TextInput name="actor" label="Who" value=f.actor.clone() autocomplete="off"/>
                <crate::app::forms::Select name="action" label="Action" options=actions selected=f.action.clone()/>
                <TextInput name="target" label="Target" value=f.target.clone() autocomplete="off"/>
                {admin.then(|| view! { <TextInput name="agency" label="Agency (short name)" value=f.agency.clone() autocomplete="off"/> })}
                <TextInput name="from" label="From" kind="date" value=f.from.clone() error=notice.error("from")/>
                <TextInput name="to" label="To" kind="date" value=f.to.clone() error=notice.error("to")/>
            </div>
            <button class="button" type="submit">"Show events"</button>
            " "
            <a href=base.clone()>"Clear"</a>
        </form>
        <p>
            {format!("{} event{} match.", page.total, if page.total == 1 { "" } else { "s" })}
            " "
            <a href=csv download="">"Download them as CSV"</a>
        </p>
        <EntryTable entries=page.entries admin/>
        {(page.pages > 1).then(|| view! {
            <nav class="pagination" aria-label="Pages of the log">
                {(page.page > 1).then(|| view! { <a rel="prev" href=page_href(page.page - 1)>"Newer events"</a> })}
                <span>{format!("Page {} of {}", page.page, page.pages)}</span>
                {(page.page < page.pages).then(|| view! { <a rel="next" href=page_href(page.page + 1)>"Older events"</a> })}
            </nav>
        })}
    }
}

#[component]
fn EntryTable(entries: Vec<AuditEntry>, admin: bool) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p>"No event matches."</p> }.into_any();
    }
    view! {
        <TableScroll label="Audit events, newest first">
            <table class="table table--log">
                <caption class="table__caption visually-hidden">"Audit events, newest first"</caption>
                <thead><tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Who"</th>
                    {admin.then(|| view! { <th scope="col">"Agency"</th> })}
                    <th scope="col">"Action"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Details"</th>
                </tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| {
                        let at = e.at.get(..19).unwrap_or(&e.at).replace('T', " ");
                        view! {
                            <tr>
                                <td>{at}</td>
                                <td>{e.actor}{e.client_addr.map(|a| view! { <br/><span class="hint-inline">{format!("from {a}")}</span> })}</td>
                                {admin.then(|| view! { <td>{e.agency.unwrap_or_default()}</td> })}
                                <td><code>{e.action}</code></td>
                                <td>{e.target}</td>
                                <td><code class="log-detail">{e.detail}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
