//! One agency: who it is and the APIs it publishes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::api_card::ApiCard;
use crate::app::components::problem::ErrorSummary;
use crate::app::pages::not_found::NotFound;
use crate::catalogue::model::CatalogueFilter;
use crate::catalogue::server_fns::load_catalogue;

#[component]
pub fn AgencyPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.get().get("agency").unwrap_or_default();
    let page = Resource::new(slug, |agency| {
        load_catalogue(CatalogueFilter {
            agency: Some(agency),
            ..CatalogueFilter::default()
        })
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                let slug = slug();
                match page.await {
                    Ok(page) => match page.agencies.iter().find(|a| a.slug == slug).cloned() {
                        Some(agency) => {
                            let n = page.apis.len();
                            let count = format!("{n} {}", if n == 1 { "API" } else { "APIs" });
                            let search = format!("/apis?agency={}", agency.slug);
                            view! {
                                <Title text=agency.name.clone()/>
                                <nav class="breadcrumbs" aria-label="Breadcrumb">
                                    <ol>
                                        <li><a href="/">"Home"</a></li>
                                        <li><a href="/apis">"API catalogue"</a></li>
                                    </ol>
                                </nav>
                                <span class="caption">"Agency"</span>
                                <h1 class="heading-xl">{agency.name}</h1>
                                <p class="lead">{format!("Publishes {count} in this catalogue.")}</p>
                                <p><a href=search>"Search this agency's APIs and operations"</a></p>
                                <h2 class="heading-l">{count}</h2>
                                <ul class="api-list">
                                    {page.apis.into_iter().map(|api| view! { <ApiCard api/> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                        None => view! { <NotFound/> }.into_any(),
                    },
                    Err(err) => view! { <ErrorSummary message=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
