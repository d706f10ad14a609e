//! An API's management page, for its agency's maintainers: its settings
//! and lifecycle, its versions (upload one, choose the default) and its
//! guides. Every form posts to a plain handler and works without JavaScript.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, Notice, NoticeBanners, Select, TextArea, TextInput};
use crate::app::pages::not_found::NotFound;
use crate::catalogue::model::VersionSummary;
use crate::catalogue::publish::model::{
    choices, manage_href, ApiManagement, GuideRow, ACCESS_MODES, LIFECYCLES, VISIBILITIES,
};
use crate::catalogue::publish::server_fns::load_api_management;

#[component]
pub fn ManageApiPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.get();
        (
            p.get("agency").unwrap_or_default(),
            p.get("api").unwrap_or_default(),
        )
    };
    let page = Resource::new(key, |(agency, api)| load_api_management(agency, api));
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Manage page/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Manage(page: ApiManagement) -> impl IntoView {
    let notice = page.notice.clone();
    let base = manage_href(&page.agency_slug, &page.api_slug);
    let public = format!("/apis/{}/{}", page.agency_slug, page.api_slug);
    let warnings = (!page.warnings.is_empty()).then(|| {
        let items = page
            .warnings
            .iter()
            .map(|w| view! { <li>{w.clone()}</li> })
            .collect_view();
        view! {
            <div class="warning-text" role="region" aria-labelledby="import-warnings">
                <h2 class="heading-m" id="import-warnings">"The import found things worth fixing"</h2>
                <p>"The document was imported. These do not stop it, but developers will notice them:"</p>
                <ul class="list--bullet">{items}</ul>
            </div>
        }
    });
    view! {
        <Title text=format!("Manage {}", page.settings.name)/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><a href=format!("/manage/{}", page.agency_slug)>{page.agency_name.clone()}</a></li></ol>
        </nav>
        <span class="caption">{format!("{}: {}", page.agency_name, page.settings.lifecycle)}</span>
        <h1 class="heading-xl">{page.settings.name.clone()}</h1>
        <NoticeBanners notice=notice.clone()/>
        {warnings}
        <p>
            <a href=public>"See the API's page"</a>
            " (while the API is a draft or private, only this agency's members see it: use it to preview the overview)."
        </p>
        <Settings page=page.clone() notice=notice.clone() action=format!("{base}/settings")/>
        <Versions
            versions=page.versions.clone()
            base=base.clone()
            csrf=page.csrf_token.clone()
            notice=notice.clone()
        />
        <Guides guides=page.guides.clone() base=base public=format!("/apis/{}/{}", page.agency_slug, page.api_slug)/>
    }
}

#[component]
fn Settings(page: ApiManagement, notice: Notice, action: String) -> impl IntoView {
    let s = page.settings;
    view! {
        <h2 class="heading-l" id="settings">"Settings"</h2>
        <form method="post" action=action novalidate>
            <CsrfField token=page.csrf_token.clone()/>
            <TextInput name="name" label="Name" value=notice.value_or("name", &s.name) error=notice.error("name") required=true/>
            <TextInput
                name="summary"
                label="Summary"
                hint="One sentence for the catalogue."
                value=notice.value_or("summary", &s.summary)
                error=notice.error("summary")
            />
            <TextArea
                name="overview_md"
                label="Overview"
                hint="Markdown. The API's page shows it: open the page to preview it after saving."
                value=notice.value_or("overview_md", &s.overview_md)
                error=notice.error("overview_md")
                rows=12
                code=true
            />
            <Select
                name="visibility"
                label="Visibility"
                options=choices(VISIBILITIES)
                selected=notice.value_or("visibility", &s.visibility)
                error=notice.error("visibility")
            />
            <Select
                name="lifecycle"
                label="Lifecycle"
                hint="Only published and deprecated APIs are listed and reach the gateway."
                options=choices(LIFECYCLES)
                selected=notice.value_or("lifecycle", &s.lifecycle)
                error=notice.error("lifecycle")
            />
            <TextInput
                name="sunset_at"
                label="Sunset date"
                hint="Required when the API is deprecated: the day it stops answering. Developers see it on the API's page and in the Sunset header."
                value=notice.value_or("sunset_at", s.sunset_at.as_deref().unwrap_or_default())
                error=notice.error("sunset_at")
                kind="date"
            />
            <TextInput
                name="upstream_url"
                label="Upstream URL"
                hint="Where the gateway forwards calls, such as https://api.example.gov/v1. Empty: no gateway route."
                value=notice.value_or("upstream_url", s.upstream_url.as_deref().unwrap_or_default())
                error=notice.error("upstream_url")
                kind="url"
            />
            <Select
                name="access_mode"
                label="Access"
                options=choices(ACCESS_MODES)
                selected=notice.value_or("access_mode", &s.access_mode)
                error=notice.error("access_mode")
            />
            <button type="submit" class="button">"Save settings"</button>
        </form>
    }
}

#[component]
fn Versions(
    versions: Vec<VersionSummary>,
    base: String,
    csrf: String,
    notice: Notice,
) -> impl IntoView {
    let rows = versions
        .into_iter()
        .map(|v| {
            let make_default = (!v.is_default).then(|| {
                let label = format!("Make version {} the default", v.label);
                view! {
                    <form method="post" action=format!("{base}/default-version") class="inline-form">
                        <CsrfField token=csrf.clone()/>
                        <input type="hidden" name="label" value=v.label.clone()/>
                        <button type="submit" class="button button--secondary" aria-label=label>"Make default"</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td>{v.label.clone()}</td>
                    <td>{v.openapi_version}</td>
                    <td>{v.created_at.get(..10).unwrap_or_default().to_owned()}</td>
                    <td>{if v.is_default { "Default" } else { "" }}{make_default}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-l" id="versions">"Versions"</h2>
        <TableScroll label="Versions of the OpenAPI document">
            <table class="table">
                <caption class="table__caption visually-hidden">"Versions of the OpenAPI document"</caption>
                <thead><tr>
                    <th scope="col">"Version"</th>
                    <th scope="col">"OpenAPI"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Default"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <h3 class="heading-m" id="new-version">"Upload a new version"</h3>
        <p>"The new version becomes the default at once. Versions are never overwritten."</p>
        <form method="post" action=format!("{base}/versions") enctype="multipart/form-data" novalidate>
            <CsrfField token=csrf.clone()/>
            <TextInput
                name="label"
                label="Version label (optional)"
                hint="Leave it empty to use the document's info.version."
                value=notice.value_or("label", "")
                error=notice.error("label")
                autocomplete="off"
            />
            <TextInput
                name="document"
                label="Upload the document"
                hint="A JSON or YAML file. If the form comes back with errors, choose the file again: a chosen file cannot be kept between requests."
                value=String::new()
                error=notice.error("document")
                kind="file"
            />
            <TextInput
                name="document_url"
                label="Or fetch it from a URL"
                hint="An http:// or https:// address. Leave it empty when you upload a file."
                value=notice.value_or("document_url", "")
                error=notice.error("document_url")
                kind="url"
                autocomplete="off"
            />
            <button type="submit" class="button">"Upload version"</button>
        </form>
    }
}

#[component]
fn Guides(guides: Vec<GuideRow>, base: String, public: String) -> impl IntoView {
    let list = if guides.is_empty() {
        view! { <p>"This API has no guides yet."</p> }.into_any()
    } else {
        let rows = guides
            .into_iter()
            .map(|g| {
                let edit = format!("{base}/guides/{}", g.slug);
                let read = format!("{public}/guides/{}", g.slug);
                view! {
                    <tr>
                        <td><a href=edit>{g.title.clone()}</a></td>
                        <td><a href=read>"Read"<span class="visually-hidden">{format!(" {}", g.title)}</span></a></td>
                        <td>{g.updated_at.get(..10).unwrap_or_default().to_owned()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <TableScroll label="Guides of the API">
                <table class="table">
                    <caption class="table__caption visually-hidden">"Guides of the API"</caption>
                    <thead><tr><th scope="col">"Guide"</th><th scope="col">"Public page"</th><th scope="col">"Updated"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
        }
        .into_any()
    };
    view! {
        <h2 class="heading-l" id="guides">"Guides"</h2>
        <p>"Guides are Markdown pages shown on the API's page: getting started, authentication, errors."</p>
        {list}
        <p><a class="button button--secondary" href=format!("{base}/guides/new")>"Write a guide"</a></p>
    }
}
