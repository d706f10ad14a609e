//! The user interface, compiled for the server (rendering) and the browser
//! (hydration): the HTML shell, the routes, pages and components.

pub mod components;
pub mod forms;
pub mod pages;
pub mod site;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use components::layout::Layout;
use pages::{
    account::AccountPage, admin::AdminPage, agency::AgencyPage, api::ApiPage,
    catalogue::CataloguePage, changelog::ChangelogPage, forbidden::ForbiddenPage, home::HomePage,
    manage::ManagePage, not_found::NotFound, sign_in::SignInPage,
};

/// The HTML document around the application. Server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's scripts carry this nonce; the security-headers middleware
    // writes the Content Security Policy that allows them and no others.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&nonce.to_string()) {
            response.insert_header(
                http::HeaderName::from_static(crate::server::security::NONCE_HEADER),
                value,
            );
        }
    }
    // A page rendered in place of another (the refusal page at the URL of
    // the page refused) must not hydrate: the browser's router would build
    // the page of the URL and find the other's HTML.
    #[cfg(feature = "ssr")]
    let hydrate = use_context::<http::request::Parts>()
        .is_none_or(|parts| parts.extensions.get::<StaticPage>().is_none());
    #[cfg(not(feature = "ssr"))]
    let hydrate = true;
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {hydrate.then(|| view! { <HydrationScripts options/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Marks a request whose page is served without the browser bundle.
#[derive(Clone, Copy, Debug)]
pub struct StaticPage;

/// The application: layout and routes. Every page renders completely on the
/// server (`SsrMode::Async` waits for its data), so it works without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="portico" href="/pkg/portico.css"/>
        <Title formatter=|page: String| title_text(&page)/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("apis") view=CataloguePage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("agencies"), ParamSegment("agency"))
                        view=AgencyPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("apis"), ParamSegment("agency"), ParamSegment("api"))
                        view=ApiPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("apis"), ParamSegment("agency"), ParamSegment("api"), StaticSegment("changelog"))
                        view=ChangelogPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("forbidden") view=ForbiddenPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("account"), StaticSegment("tokens"))
                        view=pages::account_tokens::AccountTokensPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("admin") view=AdminPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"))
                        view=ManagePage
                        ssr=SsrMode::Async
                    />
                    // Publishing: each `new` page before the parameter it would match.
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), StaticSegment("new"))
                        view=pages::manage_api_new::NewApiPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), ParamSegment("api"))
                        view=pages::manage_api::ManageApiPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), ParamSegment("api"), StaticSegment("guides"), StaticSegment("new"))
                        view=pages::manage_guide::GuideEditorPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), ParamSegment("api"), StaticSegment("guides"), ParamSegment("guide"))
                        view=pages::manage_guide::GuideEditorPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("apis"), ParamSegment("agency"), ParamSegment("api"), StaticSegment("guides"), ParamSegment("guide"))
                        view=pages::guide::GuidePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("agencies"), StaticSegment("new"))
                        view=pages::admin_agency::NewAgencyPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("agencies"), ParamSegment("agency"))
                        view=pages::admin_agency::AdminAgencyPage
                        ssr=SsrMode::Async
                    />
                    <Route path=(StaticSegment("admin"), StaticSegment("settings")) view=pages::settings::SettingsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=pages::audit::AuditLogPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("audit"))
                        view=pages::audit::AuditLogPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("invitations"), ParamSegment("token"))
                        view=pages::invitation::InvitationPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("terms") view=pages::settings::TermsPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("tokens"))
                        view=pages::tokens::TokensPage
                        ssr=SsrMode::Async
                    />
                    // Developers' applications and their keys.
                    <Route path=StaticSegment("apps") view=pages::apps::AppsPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("apps"), ParamSegment("app"))
                        view=pages::app_detail::AppPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("apps"), ParamSegment("app"), StaticSegment("delete"))
                        view=pages::app_delete::DeleteAppPage
                        ssr=SsrMode::Async
                    />
                    // Self-service access: plans, requests, decisions, notifications.
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), ParamSegment("api"), StaticSegment("plans"))
                        view=pages::manage_plans::PlansPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), ParamSegment("api"), StaticSegment("consumers"))
                        view=pages::manage_consumers::ConsumersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("apis"), ParamSegment("api"), StaticSegment("usage"))
                        view=pages::manage_usage::ApiUsagePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("manage"), ParamSegment("agency"), StaticSegment("requests"))
                        view=pages::manage_requests::RequestQueuePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("apis"), ParamSegment("agency"), ParamSegment("api"), StaticSegment("access"))
                        view=pages::access_request::AccessRequestPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("notifications") view=pages::notifications::NotificationsPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The document title of a page. leptos_meta (0.8.7) writes the title into
/// the server's HTML without escaping it, and titles here come from agencies'
/// documents, so `</title><script>` would run: the server build escapes it.
/// The browser sets `document.title`, which is text, so it must not.
fn title_text(page: &str) -> String {
    let title = format!("{page} - Portico");
    if cfg!(feature = "ssr") {
        title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        title
    }
}
