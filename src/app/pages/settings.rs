//! `/admin/settings`: the portal's name and logo, where to get help, and
//! the terms of use; and `/terms`, where anyone reads those terms.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners, TextArea, TextInput};
use crate::platform::server_fns::{load_settings_page, load_terms};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_settings_page());
    view! {
        <Title text="Platform settings"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let n = page.notice;
                        let s = page.settings;
                        view! {
                            <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/admin">"Admin"</a></li></ol></nav>
                            <NoticeBanners notice=n.clone()/>
                            <h1 class="heading-xl">"Platform settings"</h1>
                            <form method="post" action="/admin/settings" class="form-narrow" novalidate>
                                <CsrfField token=page.csrf_token/>
                                <TextInput name="portal_name" label="Portal name" hint="In the header of every page and in page titles." value=n.value_or("portal_name", &s.portal_name) error=n.error("portal_name") required=true/>
                                <TextInput name="logo_url" label="Logo address (optional)" hint="An https address or a path on this portal. Shown beside the name, at most 40 pixels high." value=n.value_or("logo_url", &s.logo_url) error=n.error("logo_url") kind="url"/>
                                <TextInput name="contact_email" label="Contact email (optional)" hint="Shown in the footer of every page." value=n.value_or("contact_email", &s.contact_email) error=n.error("contact_email") kind="email"/>
                                <TextInput name="support_url" label="Support page (optional)" hint="Where developers get help; linked from the footer." value=n.value_or("support_url", &s.support_url) error=n.error("support_url") kind="url"/>
                                <TextArea name="terms_md" label="Terms of use (Markdown)" hint=format!("Developers accept these before their first key. Each change makes a new version (now version {}), which they accept again.", s.terms_version) value=n.value_or("terms_md", &s.terms_md) error=n.error("terms_md") rows=14 code=true/>
                                <button class="button" type="submit">"Save settings"</button>
                            </form>
                        }
                        .into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn TermsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_terms());
    view! {
        <Title text="Terms of use"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <h1 class="heading-xl">"Terms of use"</h1>
                        {if page.html.is_empty() {
                            view! { <p>{format!("{} has published no terms of use yet.", page.portal_name)}</p> }.into_any()
                        } else {
                            view! {
                                <p class="hint">{format!("Version {}, last changed {}.", page.version, page.updated_at.get(..10).unwrap_or_default())}</p>
                                <div class="prose" inner_html=page.html></div>
                            }.into_any()
                        }}
                    }
                    .into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}
