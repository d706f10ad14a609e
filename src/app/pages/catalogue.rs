//! The catalogue: every listed API, narrowed by agency and tag with a GET
//! form that works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::app::components::api_card::ApiCard;
use crate::app::components::problem::ErrorSummary;
use crate::catalogue::model::{CatalogueFilter, CataloguePage as Page};
use crate::catalogue::server_fns::load_catalogue;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.get();
        CatalogueFilter {
            agency: q.get("agency"),
            tag: q.get("tag"),
        }
        .normalised()
    };
    let page = Resource::new(filter, load_catalogue);
    view! {
        <Title text="API catalogue"/>
        <h1 class="heading-xl">"API catalogue"</h1>
        <Suspense fallback=|| view! { <p>"Loading the catalogue..."</p> }>
            {move || Suspend::new(async move {
                let chosen = filter();
                match page.await {
                    Ok(page) => view! { <Results page chosen/> }.into_any(),
                    Err(err) => view! { <ErrorSummary message=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Results(page: Page, chosen: CatalogueFilter) -> impl IntoView {
    let count = page.apis.len();
    let narrowed = chosen.agency.is_some() || chosen.tag.is_some();
    view! {
        <div class="catalogue">
            <form class="filters" method="get" action="/apis" aria-labelledby="filters-title">
                <h2 id="filters-title" class="heading-m">"Filter"</h2>
                <div class="form-group">
                    <label class="label" for="agency">"Agency"</label>
                    <select class="select" id="agency" name="agency">
                        <option value="">"All agencies"</option>
                        {page.agencies.into_iter().map(|a| {
                            let selected = chosen.agency.as_deref() == Some(a.slug.as_str());
                            view! { <option value=a.slug selected=selected>{a.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="tag">"Topic"</label>
                    <select class="select" id="tag" name="tag">
                        <option value="">"All topics"</option>
                        {page.tags.into_iter().map(|t| {
                            let selected = chosen.tag.as_deref() == Some(t.as_str());
                            let label = t.clone();
                            view! { <option value=t selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button class="button" type="submit">"Apply filters"</button>
                {narrowed.then(|| view! { <p><a href="/apis">"Clear filters"</a></p> })}
            </form>
            <section class="results" aria-labelledby="results-title">
                <h2 id="results-title" class="heading-m" aria-live="polite">
                    {format!("{count} {}", if count == 1 { "API" } else { "APIs" })}
                </h2>
                {if count == 0 {
                    view! { <p>"No API matches these filters. Choose another agency or topic, or clear the filters."</p> }.into_any()
                } else {
                    view! {
                        <ul class="api-list">
                            {page.apis.into_iter().map(|api| view! { <ApiCard api/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
}
