//! Sign in: one button per identity provider, grouped by who they are for,
//! and (with --dev only) the development sign-in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::app::components::problem::load_failed;
use crate::auth::model::{SignInOption, UserKind};
use crate::auth::server_fns::load_sign_in_page;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let problem = move || query.get().get("problem");
    let next = move || query.get().get("next").unwrap_or_default();
    let page = Resource::new(problem, load_sign_in_page);
    view! {
        <Title text="Sign in"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                let next = next();
                match page.await {
                    Ok(page) => {
                        let individuals: Vec<SignInOption> = page.options.iter().filter(|o| o.kind == UserKind::Individual).cloned().collect();
                        let businesses: Vec<SignInOption> = page.options.iter().filter(|o| o.kind == UserKind::Business).cloned().collect();
                        let none = page.options.is_empty() && !page.dev;
                        view! {
                            {page.problem.map(|sentence| view! {
                                <div class="error-summary" role="alert" tabindex="-1">
                                    <h2 class="error-summary__title">"You are not signed in"</h2>
                                    <p>{sentence}</p>
                                </div>
                            })}
                            <h1 class="heading-xl">"Sign in"</h1>
                            <p class="lead">"Sign in with the government's identity service. Portico keeps no password of yours."</p>
                            <ProviderGroup heading="For individuals" hint="Developers signing in as themselves." options=individuals next=next.clone()/>
                            <ProviderGroup heading="For businesses and agency staff" hint="Companies, and officers of the agencies that publish APIs." options=businesses next=next.clone()/>
                            {none.then(|| view! {
                                <p>"No way to sign in is configured on this Portico yet. Ask its operator to configure an identity provider."</p>
                            })}
                            {page.dev.then(|| view! { <DevSignIn next=next.clone() csrf_token=page.csrf_token.clone()/> })}
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
fn ProviderGroup(
    heading: &'static str,
    hint: &'static str,
    options: Vec<SignInOption>,
    next: String,
) -> impl IntoView {
    (!options.is_empty()).then(|| {
        let buttons = options
            .into_iter()
            .map(|option| {
                let mut href = format!("/sign-in/{}", option.id);
                if !next.is_empty() {
                    href.push_str(&format!("?next={}", encode_query_value(&next)));
                }
                view! {
                    <li class="sign-in-option">
                        // The sign-in starts on the server, which sends the
                        // browser on to the provider: not a page of this app.
                        <a class="button sign-in-option__button" href=href rel="external" role="button" draggable="false">
                            {format!("Sign in with {}", option.name)}
                        </a>
                        {(!option.description.is_empty()).then(|| view! { <p class="hint">{option.description.clone()}</p> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="sign-in-group">
                <h2 class="heading-m">{heading}</h2>
                <p class="hint">{hint}</p>
                <ul class="sign-in-options">{buttons}</ul>
            </section>
        }
    })
}

/// The development sign-in: pick a demo person. Marked as what it is.
#[component]
fn DevSignIn(next: String, csrf_token: String) -> impl IntoView {
    let people = [
        (
            "developer",
            "Dana Developer",
            "A developer: browses, creates applications, asks for access.",
        ),
        (
            "owner",
            "Owen Owner",
            "Owner of the Demo Transport Agency: publishes its APIs and manages its people.",
        ),
        (
            "admin",
            "Ada Admin",
            "A platform admin: manages agencies and reads the audit log.",
        ),
    ];
    view! {
        <section class="dev-sign-in" aria-labelledby="dev-sign-in">
            <h2 id="dev-sign-in" class="heading-m">"Development sign-in"</h2>
            <div class="warning-text">
                <span class="warning-text__icon" aria-hidden="true">"!"</span>
                <strong>"This Portico runs in development mode. This sign-in checks nobody's identity and must never be used with real data."</strong>
            </div>
            <form method="post" action="/dev/sign-in">
                <input type="hidden" name="csrf_token" value=csrf_token/>
                {(!next.is_empty()).then(|| view! { <input type="hidden" name="next" value=next.clone()/> })}
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Sign in as"</legend>
                    <div class="radios">
                        {people.into_iter().enumerate().map(|(i, (value, name, hint))| {
                            let checked = i == 0;
                            let id = format!("who-{value}");
                            let hint_id = format!("{id}-hint");
                            view! {
                                <div class="radios__item">
                                    <input class="radios__input" type="radio" id=id.clone() name="who" value=value checked=checked aria-describedby=hint_id.clone()/>
                                    <label class="radios__label" for=id>{name}</label>
                                    <p class="hint radios__hint" id=hint_id>{hint}</p>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <button class="button button--secondary" type="submit">"Sign in as this person"</button>
            </form>
        </section>
    }
}

/// Percent-encodes a query value (both builds: no `url` crate in the browser).
fn encode_query_value(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
