//! The frame of every page: skip link, header, phase banner, main, footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::app::site::{load_site_info, SiteInfo};
use crate::auth::model::Viewer;
use crate::auth::server_fns::load_viewer;
use crate::notify::server_fns::count_unread_notifications;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let site = Resource::new(|| (), |_| load_site_info());
    let location = use_location();
    // Read again after each navigation: signing in and out changes it.
    let viewer = Resource::new(move || location.pathname.get(), |_| load_viewer());
    // Every resource of the frame is created here, never inside a Suspend:
    // hydration pairs resources with the server's by creation order, and a
    // Suspend resolves at a different moment in the browser than on the
    // server.
    let unread = Resource::new(
        move || location.pathname.get(),
        |_| count_unread_notifications(),
    );
    let path = Signal::derive(move || location.pathname.get());
    view! {
        <Suspense fallback=move || view! { <SiteHeader current_path=path><span></span></SiteHeader> }>
            {move || Suspend::new(async move {
                let info = site.await.unwrap_or_default();
                let viewer = viewer.await.ok().flatten();
                let unread = unread.await.unwrap_or(0);
                view! {
                    <SiteHeader current_path=path name=info.portal_name.clone() logo=info.logo_url.clone()>
                        <AccountNav viewer unread current_path=path/>
                    </SiteHeader>
                    {info.dev.then(|| view! { <PhaseBanner/> })}
                }
            })}
        </Suspense>
        <main id="main-content" class="container main" tabindex="-1">
            {children()}
        </main>
        <Suspense fallback=|| view! { <SiteFooter/> }>
            {move || Suspend::new(async move {
                let info = site.await.unwrap_or_default();
                view! { <SiteFooter info/> }
            })}
        </Suspense>
    }
}

/// The skip link and the header with the main navigation, the link of the
/// section that `current_path` is in marked as current; `children` is the
/// account area (sign in, or who is signed in).
#[component]
pub fn SiteHeader(
    #[prop(into)] current_path: Signal<String>,
    /// The portal's name, as its admins set it.
    #[prop(optional, into)]
    name: Option<String>,
    /// The logo's address, if the admins set one.
    #[prop(optional, into)]
    logo: Option<String>,
    children: Children,
) -> impl IntoView {
    let name = name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| crate::platform::model::DEFAULT_PORTAL_NAME.to_string());
    let mark = match logo.filter(|l| !l.is_empty()) {
        Some(src) => {
            view! { <img class="site-header__logo" src=src alt="" height="40"/> }.into_any()
        }
        None => view! { <span class="site-header__mark" aria-hidden="true"></span> }.into_any(),
    };
    view! {
        <a class="skip-link" href="#main-content">"Skip to main content"</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="site-header__brand" href="/">
                    {mark}
                    {name}
                </a>
                <nav class="site-nav" aria-label="Main">
                    <ul>
                        <NavItem href="/apis" label="API catalogue" current_path/>
                    </ul>
                </nav>
                {children()}
            </div>
        </header>
    }
}

/// The account area of the header: a sign-in link, or the signed-in
/// person's name, their places, and a sign-out button (a form, so that it
/// works without JavaScript and carries the session's CSRF token).
#[component]
pub fn AccountNav(
    viewer: Option<Viewer>,
    /// How many of the viewer's notifications are unread.
    #[prop(optional)]
    unread: i64,
    #[prop(into)] current_path: Signal<String>,
) -> impl IntoView {
    let current = move |href: &'static str| move || (current_path.get() == href).then_some("page");
    match viewer {
        None => view! {
            <div class="account-nav">
                <a class="account-nav__link" href="/sign-in" aria-current=current("/sign-in")>"Sign in"</a>
            </div>
        }
        .into_any(),
        Some(viewer) => view! {
            <div class="account-nav">
                <span class="account-nav__name">
                    <span class="visually-hidden">"Signed in as "</span>
                    {viewer.name.clone()}
                </span>
                <a class="account-nav__link" href="/account" aria-current=current("/account")>"Your account"</a>
                <crate::notify::components::NotificationsLink unread current_path/>
                <a class="account-nav__link" href="/apps" aria-current=current("/apps")>"Your applications"</a>
                {viewer.admin.then(|| view! { <a class="account-nav__link" href="/admin" aria-current=current("/admin")>"Admin"</a> })}
                <form class="account-nav__form" method="post" action="/sign-out">
                    <input type="hidden" name="csrf_token" value=viewer.csrf_token.clone()/>
                    <button class="account-nav__button" type="submit">"Sign out"</button>
                </form>
            </div>
        }
        .into_any(),
    }
}

/// The banner that says this Portico runs with demo data.
#[component]
pub fn PhaseBanner() -> impl IntoView {
    view! {
        <div class="phase-banner">
            <div class="container">
                <p>
                    <strong class="tag tag--demo">"Demo"</strong>
                    " This Portico runs in development mode with demo agencies and APIs. Do not enter real data."
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn SiteFooter(#[prop(optional)] info: Option<SiteInfo>) -> impl IntoView {
    let info = info.unwrap_or_default();
    let contact = (!info.contact_email.is_empty()).then(|| {
        let href = format!("mailto:{}", info.contact_email);
        view! { <li><a href=href>{format!("Contact: {}", info.contact_email)}</a></li> }
    });
    let support = (!info.support_url.is_empty())
        .then(|| view! { <li><a href=info.support_url.clone()>"Help and support"</a></li> });
    let terms = info
        .has_terms
        .then(|| view! { <li><a href="/terms">"Terms of use"</a></li> });
    view! {
        <footer class="site-footer">
            <div class="container">
                <p>"A self-service portal for government APIs, run on Portico."</p>
                <ul class="site-footer__links">
                    {contact}
                    {support}
                    {terms}
                    <li><a href="/api/v1/apis">"The catalogue as JSON"</a></li>
                </ul>
            </div>
        </footer>
    }
}

/// A main navigation link, marked as the current page where it is.
#[component]
fn NavItem(href: &'static str, label: &'static str, current_path: Signal<String>) -> impl IntoView {
    let current = move || {
        let path = current_path.get();
        (path == href || path.starts_with(&format!("{href}/"))).then_some("page")
    };
    view! {
        <li>
            <a href=href aria-current=current>{label}</a>
        </li>
    }
}
