//! The admin area's agency pages: creating an agency, and one agency's
//! details, status, owners and invitations.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, Notice, NoticeBanners, SecretOnce, Select, TextInput};
use crate::app::pages::manage::{InvitationForm, InvitationTable, MemberList};
use crate::tenants::server_fns::{load_admin_agency, load_admin_form};

/// `/admin/agencies/new`.
#[component]
pub fn NewAgencyPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_admin_form());
    view! {
        <Title text="Create an agency"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let n = page.notice;
                        view! {
                            <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/admin">"Admin"</a></li></ol></nav>
                            <NoticeBanners notice=n.clone()/>
                            <h1 class="heading-xl">"Create an agency"</h1>
                            <form method="post" action="/admin/agencies" class="form-narrow" novalidate>
                                <CsrfField token=page.csrf_token/>
                                <TextInput name="name" label="Name" hint="As the public knows it, for example Land Transport Authority." value=n.value_or("name", "") error=n.error("name") required=true/>
                                <TextInput name="slug" label="Short name" hint="In addresses of its pages and APIs: lowercase letters, digits and hyphens, for example lta. It cannot be changed later." value=n.value_or("slug", "") error=n.error("slug") required=true/>
                                <TextInput name="contact_email" label="Contact email (optional)" hint="Where developers and the platform team reach the agency." value=n.value_or("contact_email", "") error=n.error("contact_email") kind="email" autocomplete="off"/>
                                <button class="button" type="submit">"Create the agency"</button>
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

/// Fields naming a person by the service they sign in with.
#[component]
pub fn IdentityFields(providers: Vec<(String, String)>, notice: Notice) -> impl IntoView {
    let selected = notice.value_or(
        "provider",
        providers.first().map(|p| p.0.as_str()).unwrap_or(""),
    );
    view! {
        <Select name="provider" label="Sign-in service" options=providers selected=selected error=notice.error("provider")/>
        <TextInput name="subject" label="Identifier at that service" hint="The subject (sub) the service knows them by. People find theirs on their account page." value=notice.value_or("subject", "") error=notice.error("subject") autocomplete="off"/>
        <TextInput name="name" label="Name (optional)" hint="Shown until they first sign in." value=notice.value_or("name", "") error=notice.error("name") autocomplete="off"/>
    }
}

/// `/admin/agencies/{agency}`.
#[component]
pub fn AdminAgencyPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.get().get("agency").unwrap_or_default();
    let page = Resource::new(move || Some(slug()), load_admin_agency);
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let n = page.notice.clone();
                        let csrf = page.csrf_token.clone();
                        let base = format!("/admin/agencies/{}", page.slug);
                        let suspended = page.status == "suspended";
                        view! {
                            <Title text=format!("{} - Admin", page.name)/>
                            <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/admin">"Admin"</a></li></ol></nav>
                            <NoticeBanners notice=n.clone()/>
                            {n.secret.clone().map(|secret| view! { <SecretOnce secret what="invitation link"/> })}
                            <span class="caption">"Agency"</span>
                            <h1 class="heading-xl">{page.name.clone()}</h1>
                            {suspended.then(|| view! {
                                <div class="warning-text"><strong>"This agency is suspended. Its APIs are out of the catalogue and its gateway routes answer 503. Nothing is deleted."</strong></div>
                            })}
                            <dl class="summary-list">
                                <div class="summary-list__row"><dt>"Short name"</dt><dd><code>{page.slug.clone()}</code></dd></div>
                                <div class="summary-list__row"><dt>"Status"</dt><dd>{if suspended { "Suspended" } else { "Active" }}</dd></div>
                                <div class="summary-list__row"><dt>"Created"</dt><dd>{page.created_at.get(..10).unwrap_or_default().to_string()}</dd></div>
                                <div class="summary-list__row"><dt>"APIs"</dt><dd>{page.apis.len()}</dd></div>
                            </dl>
                            <p><a href=format!("/agencies/{}", page.slug)>"The agency's public page"</a>" · "<a href=format!("/admin/audit?agency={}", page.slug)>"Its audit log"</a></p>

                            <h2 class="heading-l">"Owners and maintainers"</h2>
                            <MemberList members=page.members.clone() manage=None/>

                            <h3 class="heading-m">"Invite an owner"</h3>
                            <p class="hint">"Portico makes a link for you to send. The person signs in, opens it and accepts."</p>
                            <InvitationForm action=format!("{base}/invitations") csrf=csrf.clone() notice=n.clone() owner_only=true/>
                            <InvitationTable invitations=page.invitations.clone() revoke_base=None csrf=csrf.clone()/>

                            <h3 class="heading-m">"Name an owner by identity"</h3>
                            <form method="post" action=format!("{base}/owners") class="form-panel">
                                <CsrfField token=csrf.clone()/>
                                <crate::app::pages::admin_agency::IdentityFields providers=page.providers.clone() notice=n.clone()/>
                                <button class="button" type="submit">"Make them an owner"</button>
                            </form>

                            <h2 class="heading-l">"Details"</h2>
                            <form method="post" action=base.clone() class="form-narrow" novalidate>
                                <CsrfField token=csrf.clone()/>
                                <TextInput name="name" label="Name" value=n.value_or("name", &page.name) error=n.error("name") required=true/>
                                <TextInput name="contact_email" label="Contact email (optional)" value=n.value_or("contact_email", &page.contact_email) error=n.error("contact_email") kind="email" autocomplete="off"/>
                                <button class="button" type="submit">"Save details"</button>
                            </form>

                            <h2 class="heading-l">{if suspended { "Reactivate" } else { "Suspend" }}</h2>
                            <form method="post" action=format!("{base}/status") class="form-narrow">
                                <CsrfField token=csrf.clone()/>
                                {if suspended {
                                    view! {
                                        <input type="hidden" name="action" value="reactivate"/>
                                        <p>"Its published APIs return to the catalogue and the gateway at once."</p>
                                        <button class="button" type="submit">"Reactivate the agency"</button>
                                    }.into_any()
                                } else {
                                    view! {
                                        <input type="hidden" name="action" value="suspend"/>
                                        <TextInput name="reason" label="Why is it suspended?" hint="Recorded in the audit log." value=n.value_or("reason", "") error=n.error("reason")/>
                                        <button class="button button--warning" type="submit">"Suspend the agency"</button>
                                    }.into_any()
                                }}
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
