//! `/apps`: the signed-in user's applications, and the form that creates
//! one. An application is what keys and access requests belong to.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners, TextArea, TextInput};
use crate::apps::model::{AppSummary, AppsPage as Page, DESCRIPTION_MAX, NAME_MAX};
use crate::apps::server_fns::load_apps_page;

#[component]
pub fn AppsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_apps_page());
    view! {
        <Title text="Your applications"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Apps page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Apps(page: Page) -> impl IntoView {
    let n = page.notice.clone();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/account">"Your account"</a></li></ol></nav>
        <NoticeBanners notice=n.clone()/>
        <h1 class="heading-xl">"Your applications"</h1>
        <p>"An application is the program or service that calls APIs. Each has its own keys and its own access to APIs, so that you can revoke one without stopping the others."</p>
        <AppTable apps=page.apps/>
        <h2 class="heading-l">"Create an application"</h2>
        <form method="post" action="/apps" class="form-narrow" novalidate>
            <CsrfField token=page.csrf_token/>
            <TextInput
                name="name"
                label="Name"
                hint=format!("What agencies see when you ask for access, such as your product's name. At most {NAME_MAX} characters.")
                value=n.value_or("name", "")
                error=n.error("name")
                required=true
                autocomplete="off"
            />
            <TextArea
                name="description"
                label="Description (optional)"
                hint=format!("What it does with the APIs. At most {DESCRIPTION_MAX} characters.")
                value=n.value_or("description", "")
                error=n.error("description")
                rows=4
            />
            <button type="submit" class="button">"Create application"</button>
        </form>
    }
}

#[component]
fn AppTable(apps: Vec<AppSummary>) -> impl IntoView {
    if apps.is_empty() {
        return view! { <p>"You have no applications yet."</p> }.into_any();
    }
    let rows = apps
        .into_iter()
        .map(|app| {
            view! {
                <tr>
                    <td><a href=format!("/apps/{}", app.id)>{app.name}</a></td>
                    <td>{app.description}</td>
                    <td>{app.created_at.get(..10).unwrap_or_default().to_string()}</td>
                    <td class="numeric">{app.working_keys}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Your applications">
            <table class="table">
                <caption class="table__caption">"Your applications"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Description"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col" class="numeric">"Working keys"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
