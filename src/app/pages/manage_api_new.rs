//! Publishing an API: name, slug, the OpenAPI document (a file, or a URL to
//! fetch it from), visibility and upstream. The API starts as a draft.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners, Select, TextInput};
use crate::catalogue::publish::model::{choices, NewApiPage as Page, VISIBILITIES};
use crate::catalogue::publish::server_fns::load_new_api;

#[component]
pub fn NewApiPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.get().get("agency").unwrap_or_default();
    let page = Resource::new(slug, load_new_api);
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <NewApiForm page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewApiForm(page: Page) -> impl IntoView {
    let notice = page.notice.clone();
    let action = format!("/manage/{}/apis", page.agency_slug);
    view! {
        <Title text=format!("Publish an API - {}", page.agency_name)/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><a href=format!("/manage/{}", page.agency_slug)>{page.agency_name.clone()}</a></li></ol>
        </nav>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl">"Publish an API"</h1>
        <NoticeBanners notice=notice.clone()/>
        <p>
            "Describe the API with its OpenAPI document (3.0, 3.1, or Swagger 2.0; JSON or YAML). "
            "It starts as a draft that only this agency sees: check its page, then publish it from its settings."
        </p>
        <form method="post" action=action enctype="multipart/form-data" novalidate>
            <CsrfField token=page.csrf_token.clone()/>
            <TextInput
                name="name"
                label="Name"
                hint="As the catalogue shows it, such as Train Travel API."
                value=notice.value_or("name", "")
                error=notice.error("name")
                required=true
                autocomplete="off"
            />
            <TextInput
                name="slug"
                label="Slug (optional)"
                hint="Its name in web addresses and gateway paths: lowercase letters, digits and hyphens. Leave it empty to make one from the name."
                value=notice.value_or("slug", "")
                error=notice.error("slug")
                autocomplete="off"
            />
            <fieldset class="fieldset">
                <legend class="fieldset__legend">"The OpenAPI document"</legend>
                <TextInput
                    name="document"
                    label="Upload the document"
                    hint="A JSON or YAML file, up to 64 MB. If the form comes back with errors, choose the file again: a chosen file cannot be kept between requests."
                    value=String::new()
                    error=notice.error("document")
                    kind="file"
                />
                <TextInput
                    name="document_url"
                    label="Or fetch it from a URL"
                    hint="An http:// or https:// address that Portico fetches once, now. Leave it empty when you upload a file."
                    value=notice.value_or("document_url", "")
                    error=notice.error("document_url")
                    kind="url"
                    autocomplete="off"
                />
            </fieldset>
            <Select
                name="visibility"
                label="Visibility"
                hint="Nothing is listed in the catalogue until you publish the API."
                options=choices(VISIBILITIES)
                selected=notice.value_or("visibility", "public")
                error=notice.error("visibility")
            />
            <TextInput
                name="upstream_url"
                label="Upstream URL (optional)"
                hint="Where the gateway forwards calls, such as https://api.example.gov/v1. You can add it later."
                value=notice.value_or("upstream_url", "")
                error=notice.error("upstream_url")
                kind="url"
                autocomplete="off"
            />
            <button type="submit" class="button">"Create the API"</button>
        </form>
    }
}
