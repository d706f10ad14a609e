//! The catalogue: every listed API, searched and narrowed by agency and tag
//! with GET forms that work without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::app::components::api_card::ApiCard;
use crate::app::components::problem::ErrorSummary;
use crate::catalogue::model::{ApiSummary, CatalogueFilter, CataloguePage as Page, OperationMatch};
use crate::catalogue::server_fns::load_catalogue;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.get();
        CatalogueFilter {
            q: q.get("q"),
            agency: q.get("agency"),
            tag: q.get("tag"),
        }
        .normalised()
    };
    let page = Resource::new(filter, load_catalogue);
    view! {
        <Title text="API catalogue"/>
        <h1 class="heading-xl">"API catalogue"</h1>
        {move || view! { <SearchForm chosen=filter()/> }}
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

/// The search box; a search keeps the agency and topic chosen.
#[component]
fn SearchForm(chosen: CatalogueFilter) -> impl IntoView {
    view! {
        <form class="search" method="get" action="/apis" role="search">
            <label class="label" for="q">"Search APIs and operations"</label>
            <span class="hint" id="q-hint">
                "Words from an API's name or description, or from an operation's path or summary"
            </span>
            <div class="search__row">
                <input class="input search__input" id="q" name="q" type="search"
                    value=chosen.q aria-describedby="q-hint"/>
                <button class="button search__button" type="submit">"Search"</button>
            </div>
            {chosen.agency.map(|a| view! { <input type="hidden" name="agency" value=a/> })}
            {chosen.tag.map(|t| view! { <input type="hidden" name="tag" value=t/> })}
        </form>
    }
}

#[component]
fn Results(page: Page, chosen: CatalogueFilter) -> impl IntoView {
    let narrowed = chosen.agency.is_some() || chosen.tag.is_some();
    let clear_filters = CatalogueFilter {
        q: chosen.q.clone(),
        ..CatalogueFilter::default()
    }
    .href();
    view! {
        <div class="catalogue">
            <form class="filters" method="get" action="/apis" aria-labelledby="filters-title">
                <h2 id="filters-title" class="heading-m">"Filter"</h2>
                {chosen.q.clone().map(|q| view! { <input type="hidden" name="q" value=q/> })}
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
                {narrowed.then(|| view! { <p><a href=clear_filters>"Clear filters"</a></p> })}
            </form>
            {match chosen.q.clone() {
                None => view! { <Listing apis=page.apis/> }.into_any(),
                Some(q) => view! {
                    <SearchResults
                        q
                        narrowed
                        apis=page.apis
                        operations=page.operations
                        more_operations=page.more_operations
                        clear=CatalogueFilter { q: None, ..chosen }.href()
                    />
                }.into_any(),
            }}
        </div>
    }
}

/// Every API the filters keep, by name.
#[component]
fn Listing(apis: Vec<ApiSummary>) -> impl IntoView {
    let count = apis.len();
    view! {
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title" class="heading-m" aria-live="polite">
                {format!("{count} {}", plural(count, "API", "APIs"))}
            </h2>
            {if count == 0 {
                view! { <p>"No API matches these filters. Choose another agency or topic, or clear the filters."</p> }.into_any()
            } else {
                view! {
                    <ul class="api-list">
                        {apis.into_iter().map(|api| view! { <ApiCard api/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// What a search found: APIs, best first, then operations.
#[component]
fn SearchResults(
    q: String,
    narrowed: bool,
    apis: Vec<ApiSummary>,
    operations: Vec<OperationMatch>,
    more_operations: bool,
    /// The catalogue with the same filters and no search.
    clear: String,
) -> impl IntoView {
    let (api_count, operation_count) = (apis.len(), operations.len());
    let heading = if api_count + operation_count == 0 {
        format!("No APIs or operations match '{q}'")
    } else {
        format!(
            "{api_count} {} and {}{operation_count} {} match '{q}'",
            plural(api_count, "API", "APIs"),
            if more_operations { "more than " } else { "" },
            plural(operation_count, "operation", "operations"),
        )
    };
    view! {
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title" class="heading-m" aria-live="polite">{heading}</h2>
            {(api_count + operation_count == 0).then(|| view! {
                <p>"Improve your results by:"</p>
                <ul class="list list--bullet">
                    <li>"checking the spelling"</li>
                    <li>"using fewer words, or more general ones"</li>
                    <li>"searching for words, not symbols: punctuation is ignored"</li>
                    {narrowed.then(|| view! { <li>"searching all agencies and topics"</li> })}
                </ul>
            })}
            <p><a href=clear>"Clear the search"</a></p>
            {(api_count > 0).then(|| view! {
                <h3 class="heading-s">"APIs"</h3>
                <ul class="api-list">
                    {apis.into_iter().map(|api| view! { <ApiCard api/> }).collect_view()}
                </ul>
            })}
            {(operation_count > 0).then(|| view! {
                <h3 class="heading-s search-results__operations">"Operations"</h3>
                <ul class="operation-list">
                    {operations.into_iter().map(|op| view! { <OperationItem op/> }).collect_view()}
                </ul>
                {more_operations.then(|| view! {
                    <p>{format!("These are the {operation_count} best matches. Add words to narrow the search.")}</p>
                })}
            })}
        </section>
    }
}

/// One operation in the results, linking to its reference page.
#[component]
fn OperationItem(op: OperationMatch) -> impl IntoView {
    let href = op.href();
    let method = op.method.to_uppercase();
    let title = if op.summary.is_empty() {
        format!("{method} {}", op.path)
    } else {
        op.summary.clone()
    };
    view! {
        <li class="operation-match">
            <a class="operation-match__title" href=href rel="external">{title}</a>
            <p class="operation-match__request">
                <span class="operation-match__method">{method}</span>" "<code>{op.path}</code>
            </p>
            <p class="operation-match__api">
                {format!("In {}", op.api_name)}
                {op.deprecated.then(|| view! { " "<span class="tag tag--warning">"Deprecated"</span> })}
            </p>
        </li>
    }
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 {
        one
    } else {
        many
    }
}
