//! What changed in an API from one version of its OpenAPI document to
//! another: breaking changes first, then operations added, removed and
//! changed. Two versions are chosen with a GET form that works without
//! JavaScript.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::app::components::problem::ErrorSummary;
use crate::catalogue::model::{changelog_href, ChangelogPage as Page};
use crate::catalogue::server_fns::load_changelog;
use crate::openapi::changelog_model::{Change, OperationChange};

#[component]
pub fn ChangelogPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let (p, q) = (params.get(), query.get());
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        (
            p.get("agency").unwrap_or_default(),
            p.get("api").unwrap_or_default(),
            given(q.get("from")),
            given(q.get("to")),
        )
    };
    let page = Resource::new(key, |(agency, api, from, to)| {
        load_changelog(agency, api, from, to)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading the changes..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Ok(page)) => view! { <Changes page/> }.into_any(),
                    Ok(Err(message)) => view! { <Missing message/> }.into_any(),
                    Err(ServerFnError::ServerError(message)) => {
                        view! { <ErrorSummary message/> }.into_any()
                    }
                    Err(err) => view! { <ErrorSummary message=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// No such API or version: 404, and the sentence that says which.
#[component]
fn Missing(message: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <h1 class="heading-xl">"Page not found"</h1>
        <p class="lead">{message}</p>
        <p><a href="/apis">"Browse the API catalogue"</a></p>
    }
}

#[component]
fn Changes(page: Page) -> impl IntoView {
    let api = page.api;
    let heading = match &page.from {
        Some(from) => format!("Changes from {from} to {}", page.to),
        None => format!("Changes in {}", page.to),
    };
    let log = page.changelog;
    let breaking: Vec<(OperationChange, Change)> = log
        .breaking()
        .map(|(op, change)| (op.clone(), change.clone()))
        .collect();
    let outcome = match &page.from {
        None => format!(
            "{} is the first version of this API: there is no earlier version to compare it with.",
            page.to
        ),
        Some(from) if *from == page.to => "Choose two different versions to compare.".to_owned(),
        Some(_) => log.summary(),
    };
    let warning = (!breaking.is_empty()).then(|| {
        let from = page.from.clone().unwrap_or_default();
        view! {
            <div class="warning-text">
                <strong>{format!("Clients written for {from} may fail with {}: read the breaking changes and update them.", page.to)}</strong>
            </div>
        }
    });
    let sections = (!log.is_empty()).then(|| {
        let versions = format!("{} to {}", page.from.clone().unwrap_or_default(), page.to);
        view! {
            <BreakingTable breaking caption=format!("Breaking changes from {versions}")/>
            <h2 class="heading-l">"Added"</h2>
            <OperationTable operations=log.added caption=format!("Operations added from {versions}") empty="No operation was added."/>
            <h2 class="heading-l">"Removed"</h2>
            <OperationTable operations=log.removed caption=format!("Operations removed from {versions}") empty="No operation was removed."/>
            <h2 class="heading-l">"Changed"</h2>
            <ChangedList operations=log.changed/>
        }
    });
    view! {
        <Title text=format!("{heading} - {}", api.name)/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href="/apis">"API catalogue"</a></li>
                <li><a href=api.href()>{api.name.clone()}</a></li>
            </ol>
        </nav>
        <span class="caption">{api.name.clone()}</span>
        <h1 class="heading-xl">{heading}</h1>
        <CompareForm
            action=changelog_href(&api.agency.slug, &api.slug, None, None)
            versions=page.versions
            from=page.from.clone()
            to=page.to.clone()
        />
        <p class="lead">{outcome}</p>
        {warning}
        {sections}
    }
}

/// Two selects and a button: a plain GET form.
#[component]
fn CompareForm(
    action: String,
    versions: Vec<String>,
    from: Option<String>,
    to: String,
) -> impl IntoView {
    let options = move |chosen: Option<String>| {
        versions
            .iter()
            .map(|label| {
                let selected = chosen.as_deref() == Some(label.as_str());
                view! { <option value=label.clone() selected=selected>{label.clone()}</option> }
            })
            .collect_view()
    };
    let from_options = options(from);
    let to_options = options(Some(to));
    view! {
        <form class="compare-form" method="get" action=action>
            <div class="form-group">
                <label class="label" for="from">"From version"</label>
                <select class="select" id="from" name="from">{from_options}</select>
            </div>
            <div class="form-group">
                <label class="label" for="to">"To version"</label>
                <select class="select" id="to" name="to">{to_options}</select>
            </div>
            <button class="button" type="submit">"Compare versions"</button>
        </form>
    }
}

/// The operation as a reader finds it: method and path, then its title.
#[component]
fn OperationName(op: OperationChange) -> impl IntoView {
    let name = format!("{} {}", op.method, op.path);
    let title = (op.title != name).then(|| view! { <span class="hint">{op.title.clone()}</span> });
    view! { <code>{name}</code>{title} }
}

/// The label that says a change is breaking, in words as well as colour.
#[component]
fn BreakingTag() -> impl IntoView {
    view! { <strong class="tag tag--warning">"Breaking"</strong>" " }
}

#[component]
fn BreakingTable(breaking: Vec<(OperationChange, Change)>, caption: String) -> impl IntoView {
    let body = if breaking.is_empty() {
        view! { <p>"No breaking changes: clients written for the earlier version keep working."</p> }
            .into_any()
    } else {
        view! {
            <TableScroll label=caption.clone()>
                <table class="table">
                    <caption class="visually-hidden">{caption}</caption>
                    <thead><tr><th scope="col">"Operation"</th><th scope="col">"Change"</th></tr></thead>
                    <tbody>
                        {breaking.into_iter().map(|(op, change)| view! {
                            <tr>
                                <th scope="row"><OperationName op/></th>
                                <td><BreakingTag/><Sentence text=change.text/></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        }
        .into_any()
    };
    view! {
        <h2 class="heading-l">"Breaking changes"</h2>
        {body}
    }
}

#[component]
fn OperationTable(
    operations: Vec<OperationChange>,
    caption: String,
    empty: &'static str,
) -> impl IntoView {
    if operations.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <TableScroll label=caption.clone()>
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr><th scope="col">"Operation"</th><th scope="col">"Change"</th></tr></thead>
                <tbody>
                    {operations.into_iter().map(|op| {
                        let changes = op.changes.clone();
                        view! {
                            <tr>
                                <th scope="row"><OperationName op/></th>
                                <td>{changes.into_iter().map(|change| view! {
                                    <p class="change">
                                        {change.breaking.then(|| view! { <BreakingTag/> })}<Sentence text=change.text/>
                                    </p>
                                }).collect_view()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

#[component]
fn ChangedList(operations: Vec<OperationChange>) -> impl IntoView {
    if operations.is_empty() {
        return view! { <p>"No other operation changed."</p> }.into_any();
    }
    view! {
        <ul class="change-list">
            {operations.into_iter().map(|op| {
                let changes = op.changes.clone();
                view! {
                    <li>
                        <h3 class="heading-s"><OperationName op/></h3>
                        <ul><ChangeItems changes/></ul>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Each change as a sentence, breaking ones labelled.
#[component]
fn ChangeItems(changes: Vec<Change>) -> impl IntoView {
    changes
        .into_iter()
        .map(|change| {
            view! {
                <li>{change.breaking.then(|| view! { <BreakingTag/> })}<Sentence text=change.text/></li>
            }
        })
        .collect_view()
}

/// A change's sentence, with the names it quotes in `backticks` as code.
#[component]
fn Sentence(text: String) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_owned();
            if i % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}
