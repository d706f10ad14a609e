//! The front page: what Portico is, and the way into the catalogue.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::api_card::ApiCard;
use crate::app::components::problem::ErrorSummary;
use crate::catalogue::model::CatalogueFilter;
use crate::catalogue::server_fns::load_catalogue;

#[component]
pub fn HomePage() -> impl IntoView {
    let catalogue = Resource::new(|| (), |_| load_catalogue(CatalogueFilter::default()));
    view! {
        <Title text="Government APIs in one place"/>
        <div class="hero">
            <h1 class="heading-xl">"Government APIs in one place"</h1>
            <p class="lead">
                "Find the APIs that agencies publish, read how to call them, and get access for your application without an email thread."
            </p>
            <a class="button button--start" href="/apis" role="button" draggable="false">
                "Browse the API catalogue"
            </a>
        </div>
        <Suspense fallback=|| view! { <p>"Loading the catalogue..."</p> }>
            {move || Suspend::new(async move {
                match catalogue.await {
                    Ok(page) => {
                        let count = page.apis.len();
                        let agencies = page.agencies.len();
                        view! {
                            <section aria-labelledby="available">
                                <h2 id="available" class="heading-l">
                                    {format!("{count} {} from {agencies} {}",
                                        if count == 1 { "API" } else { "APIs" },
                                        if agencies == 1 { "agency" } else { "agencies" })}
                                </h2>
                                <ul class="api-list">
                                    {page.apis.into_iter().take(6).map(|api| view! { <ApiCard api/> }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorSummary message=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <section aria-labelledby="how" class="steps">
            <h2 id="how" class="heading-l">"How it works"</h2>
            <ol class="step-list">
                <li><h3 class="heading-s">"Find an API"</h3><p>"Search the catalogue and read each API's reference."</p></li>
                <li><h3 class="heading-s">"Get access"</h3><p>"Sign in, create an application and request a plan."</p></li>
                <li><h3 class="heading-s">"Call it"</h3><p>"Send requests through the gateway with your key."</p></li>
            </ol>
        </section>
    }
}
