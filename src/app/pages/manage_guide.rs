//! Writing a guide of an API (`.../guides/new`) or editing one: title,
//! slug and Markdown body; an existing guide can also be deleted.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners, TextArea, TextInput};
use crate::app::pages::not_found::NotFound;
use crate::catalogue::publish::model::{manage_href, GuideEditor};
use crate::catalogue::publish::server_fns::load_guide_editor;

/// The page of a new guide and of an existing one (`{guide}` in the path).
#[component]
pub fn GuideEditorPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.get();
        (
            p.get("agency").unwrap_or_default(),
            p.get("api").unwrap_or_default(),
            p.get("guide").unwrap_or_default(),
        )
    };
    let page = Resource::new(key, |(agency, api, guide)| {
        load_guide_editor(agency, api, guide)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Editor page/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(page: GuideEditor) -> impl IntoView {
    let notice = page.notice.clone();
    let api_href = manage_href(&page.agency_slug, &page.api_slug);
    let stored = page.guide.clone().unwrap_or_default();
    let (heading, action, button) = match &page.guide {
        None => (
            "Write a guide".to_string(),
            format!("{api_href}/guides"),
            "Publish the guide",
        ),
        Some(guide) => (
            format!("Edit {}", guide.title),
            format!("{api_href}/guides/{}/update", guide.slug),
            "Save the guide",
        ),
    };
    let delete = page.guide.as_ref().map(|guide| {
        let action = format!("{api_href}/guides/{}/delete", guide.slug);
        let public = format!(
            "/apis/{}/{}/guides/{}",
            page.agency_slug, page.api_slug, guide.slug
        );
        view! {
            <p><a href=public>"Read the guide as visitors see it"</a></p>
            <h2 class="heading-m">"Delete this guide"</h2>
            <form method="post" action=action>
                <CsrfField token=page.csrf_token.clone()/>
                <button type="submit" class="button button--secondary">"Delete the guide"</button>
            </form>
        }
    });
    view! {
        <Title text=format!("{heading} - {}", page.api_name)/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><a href=api_href.clone()>{page.api_name.clone()}</a></li></ol>
        </nav>
        <span class="caption">{page.api_name.clone()}</span>
        <h1 class="heading-xl">{heading}</h1>
        <NoticeBanners notice=notice.clone()/>
        <form method="post" action=action novalidate>
            <CsrfField token=page.csrf_token.clone()/>
            <TextInput
                name="title"
                label="Title"
                value=notice.value_or("title", &stored.title)
                error=notice.error("title")
                required=true
                autocomplete="off"
            />
            <TextInput
                name="slug"
                label="Slug (optional)"
                hint="Its name in the guide's web address. Leave it empty to make one from the title."
                value=notice.value_or("slug", &stored.slug)
                error=notice.error("slug")
                autocomplete="off"
            />
            <TextArea
                name="body_md"
                label="Guide"
                hint="Markdown. Raw HTML is cleaned: scripts never run."
                value=notice.value_or("body_md", &stored.body_md)
                error=notice.error("body_md")
                rows=20
                code=true
            />
            <button type="submit" class="button">{button}</button>
        </form>
        {delete}
    }
}
