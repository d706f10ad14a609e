//! One API in a list.

use leptos::prelude::*;

use crate::catalogue::model::ApiSummary;

#[component]
pub fn ApiCard(api: ApiSummary) -> impl IntoView {
    let href = api.href();
    let deprecated = api.lifecycle == "deprecated";
    let open = api.access_mode == "open";
    view! {
        <li class="api-card">
            <h3 class="api-card__title">
                <a href=href>{api.name}</a>
            </h3>
            <p class="api-card__agency">{api.agency.name}</p>
            <p class="api-card__summary">{api.summary}</p>
            <ul class="tag-list" aria-label="Details">
                {deprecated.then(|| view! { <li class="tag tag--warning">"Deprecated"</li> })}
                <li class=if open { "tag tag--open" } else { "tag" }>
                    {if open { "Open: no key needed" } else { "API key required" }}
                </li>
                {api.tags.into_iter().map(|tag| view! { <li class="tag tag--topic">{tag}</li> }).collect_view()}
            </ul>
        </li>
    }
}
