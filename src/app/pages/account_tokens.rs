//! The signed-in user's developer tokens: for calling Portico's REST API as
//! themselves, on their own applications. The form that creates one, the
//! new token's secret shown once, and the tokens with their revoke buttons.

use leptos::prelude::*;
use leptos_meta::Title;

use super::tokens::{CreateTokenForm, TokenTable};
use crate::app::components::problem::load_failed;
use crate::app::forms::{NoticeBanners, SecretOnce};
use crate::tokens::model::DeveloperTokensPage as Page;
use crate::tokens::server_fns::load_developer_tokens_page;

#[component]
pub fn AccountTokensPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_developer_tokens_page());
    view! {
        <Title text="Developer tokens"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Tokens page/> }.into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Tokens(page: Page) -> impl IntoView {
    let notice = page.notice.clone();
    let secret = notice.secret.clone().map(|secret| {
        let example = curl_example(&page.api_base, &secret);
        view! {
            <SecretOnce secret=secret what="developer token"/>
            <p>"List your applications with it, for example:"</p>
            <pre class="code-block" tabindex="0"><code>{example}</code></pre>
            <p class="hint">"Keep it where only your programs read it, never in a repository."</p>
        }
    });
    view! {
        <span class="caption">"Your account"</span>
        <h1 class="heading-xl">"Developer tokens"</h1>
        <NoticeBanners notice=notice.clone()/>
        {secret}
        <p>
            "A developer token lets a program do through Portico's "
            <a href="/apis/portico/rest-api">"REST API"</a>
            " what you do on "<a href="/apps">"your applications"</a>
            " pages: create applications and their API keys, and request access to APIs. It acts as you, on your own applications only. It does not publish: that needs a token of the agency, from the agency's Tokens page."
        </p>
        <TokenTable
            caption="Your developer tokens"
            rows=page.tokens.clone()
            revoke_base="/account/tokens".to_string()
            csrf=page.csrf_token.clone()
            show_owner=false
        />
        <CreateTokenForm
            action="/account/tokens".to_string()
            hint="What it is for, such as the program or script that uses it."
            notice=notice
            csrf=page.csrf_token.clone()
        />
        <p><a href="/account">"Back to your account"</a></p>
    }
}

/// A ready-to-copy request that lists the user's applications.
fn curl_example(api_base: &str, secret: &str) -> String {
    format!("curl --fail-with-body \\\n  -H \"Authorization: Bearer {secret}\" \\\n  \"{api_base}/apps\"")
}
