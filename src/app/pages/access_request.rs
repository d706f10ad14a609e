//! Asking for access to a plan of an API: which application, for what
//! purpose, and (when the platform has terms of use) accepting them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::access::model::{AccessRequestPage as Page, PURPOSE_MAX, PURPOSE_MIN};
use crate::access::server_fns::load_access_request;
use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners, Select, TextArea};

#[component]
pub fn AccessRequestPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.get();
        (p.get("agency"), p.get("api"), query.get().get("plan"))
    };
    let page = Resource::new(key, |(agency, api, plan)| {
        load_access_request(agency, api, plan)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <RequestForm page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RequestForm(page: Page) -> impl IntoView {
    let notice = page.notice.clone();
    let api_href = format!("/apis/{}/{}", page.agency, page.api);
    let action = format!("{api_href}/access");
    let open = page.plan.status == "active" && page.plan.open_for_requests;
    let approval = if page.plan.approval == "auto" {
        "Requests for this plan are approved at once."
    } else {
        "An owner of the agency reviews each request for this plan. You will see the decision on your application's page and in your notifications."
    };
    let body = if !open {
        view! { <div class="warning-text"><strong>"This plan does not take new requests. Choose another plan on the API's page."</strong></div> }.into_any()
    } else if page.apps.is_empty() {
        view! {
            <p>"Access is given to an application, and you have none yet."</p>
            <p><a class="button" href="/apps" role="button" draggable="false">"Create an application first"</a></p>
        }
        .into_any()
    } else {
        let apps = page
            .apps
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect::<Vec<_>>();
        let first = apps.first().map(|(id, _)| id.clone()).unwrap_or_default();
        let terms_error = notice.error("accept_terms");
        let terms = (page.terms_version > 0).then(|| {
            let class = if terms_error.is_some() { "form-group form-group--error" } else { "form-group" };
            view! {
                <div class=class>
                    {terms_error.clone().map(|e| view! { <p class="error-message" id="accept_terms-error"><span class="visually-hidden">"Error: "</span>{e}</p> })}
                    <div class="checkbox">
                        <input class="checkbox__input" type="checkbox" id="accept_terms" name="accept_terms" value="yes" required=true checked=notice.value_or("accept_terms", "") == "yes"/>
                        <label class="label checkbox__label" for="accept_terms">"I accept the "<a href="/terms">"terms of use"</a>" of this portal"</label>
                    </div>
                </div>
            }
        });
        view! {
            <form method="post" action=action novalidate>
                <CsrfField token=page.csrf_token.clone()/>
                <input type="hidden" name="plan" value=page.plan.slug.clone()/>
                <Select name="app" label="Application" hint="The application that will call this API with its keys." options=apps selected=notice.value_or("app", &first) error=notice.error("app")/>
                <TextArea
                    name="purpose"
                    label="Purpose of use"
                    hint=format!("What your application does with this API, and for whom: {PURPOSE_MIN} to {PURPOSE_MAX} characters. The agency reads it.")
                    value=notice.value_or("purpose", "")
                    error=notice.error("purpose")
                    rows=5
                />
                {terms}
                <button type="submit" class="button">"Send the request"</button>
            </form>
            <p><a href="/apps">"Create another application"</a></p>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Request access - {}", page.api_name)/>
        <span class="caption">{page.agency_name.clone()}</span>
        <h1 class="heading-xl">{format!("Request access to {}", page.api_name)}</h1>
        <NoticeBanners notice=notice.clone()/>
        <dl class="summary-list">
            <div class="summary-list__row"><dt>"Plan"</dt><dd id="plan">{page.plan.name.clone()}</dd></div>
            <div class="summary-list__row"><dt>"Approval"</dt><dd>{approval}</dd></div>
        </dl>
        {body}
        <p><a href=api_href>"Back to the API"</a></p>
    }
}
