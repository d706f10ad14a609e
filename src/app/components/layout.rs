//! The frame of every page: skip link, header, phase banner, main, footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::app::site::load_site_info;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let site = Resource::new(|| (), |_| load_site_info());
    view! {
        <a class="skip-link" href="#main-content">"Skip to main content"</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__mark" aria-hidden="true"></span>
                    "Portico"
                </a>
                <nav class="site-nav" aria-label="Main">
                    <ul>
                        <NavItem href="/apis" label="API catalogue"/>
                    </ul>
                </nav>
            </div>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let dev = site.await.map(|s| s.dev).unwrap_or(false);
                dev.then(|| view! {
                    <div class="phase-banner">
                        <div class="container">
                            <p>
                                <strong class="tag tag--demo">"Demo"</strong>
                                " This Portico runs in development mode with demo agencies and APIs. Do not enter real data."
                            </p>
                        </div>
                    </div>
                })
            })}
        </Suspense>
        <main id="main-content" class="container main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                <p>"Portico: a self-service portal for government APIs."</p>
                <p>
                    <a href="/api/v1/apis">"The catalogue as JSON"</a>
                </p>
            </div>
        </footer>
    }
}

/// A main navigation link, marked as the current page where it is.
#[component]
fn NavItem(href: &'static str, label: &'static str) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let path = location.pathname.get();
        (path == href || path.starts_with(&format!("{href}/"))).then_some("page")
    };
    view! {
        <li>
            <a href=href aria-current=current>{label}</a>
        </li>
    }
}
