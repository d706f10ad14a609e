//! A guide of an API, as visitors read it: the agency's Markdown, rendered
//! and sanitised on the server, with the API's other guides beside it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::pages::not_found::NotFound;
use crate::catalogue::publish::model::GuidePage as Page;
use crate::catalogue::publish::server_fns::load_guide;

#[component]
pub fn GuidePage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.get();
        (
            p.get("agency").unwrap_or_default(),
            p.get("api").unwrap_or_default(),
            p.get("guide").unwrap_or_default(),
        )
    };
    let page = Resource::new(key, |(agency, api, guide)| load_guide(agency, api, guide));
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Guide page/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Guide(page: Page) -> impl IntoView {
    let api = page.api;
    let others = page
        .guides
        .into_iter()
        .map(|g| {
            let href = format!("{}/guides/{}", api.href(), g.slug);
            view! { <li><a href=href>{g.title}</a></li> }
        })
        .collect_view();
    view! {
        <Title text=format!("{} - {}", page.title, api.name)/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href="/apis">"API catalogue"</a></li>
                <li><a href=api.href()>{api.name.clone()}</a></li>
            </ol>
        </nav>
        <span class="caption">{api.name.clone()}</span>
        <h1 class="heading-xl">{page.title}</h1>
        // Rendered from Markdown and sanitised on the server (ammonia).
        <div class="prose" inner_html=page.body_html></div>
        <h2 class="heading-m">"Guides to this API"</h2>
        <ul class="list--bullet">{others}</ul>
    }
}
