//! The frame around every reference page (header with who is signed in,
//! the demo banner, footer), and the pages of a failure.

use leptos::prelude::*;

use crate::app::components::layout::{AccountNav, PhaseBanner, SiteFooter, SiteHeader};
use crate::auth::model::Viewer;

/// What the frame around every page shows: the demo banner, who is signed in.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub dev: bool,
    pub viewer: Option<Viewer>,
}

/// A whole HTML document around a page's main content.
pub fn document(title: String, frame: &Frame, main: impl IntoView + 'static) -> String {
    let dev = frame.dev;
    let viewer = frame.viewer.clone();
    let html = Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang="en-GB">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="color-scheme" content="light"/>
                    <title>{format!("{title} - Portico")}</title>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                    <link rel="stylesheet" href="/pkg/portico.css"/>
                </head>
                <body>
                    <SiteHeader current_path=Signal::stored("/apis".to_owned())>
                        <AccountNav viewer current_path=Signal::stored(String::new())/>
                    </SiteHeader>
                    {dev.then(|| view! { <PhaseBanner/> })}
                    <main id="main-content" class="container main" tabindex="-1">
                        {main}
                    </main>
                    <SiteFooter/>
                </body>
            </html>
        }
        .to_html()
    });
    html
}

/// A reference page that does not exist, with where to go instead.
pub fn not_found_page(frame: &Frame, message: String, back: Option<(String, String)>) -> String {
    let content = view! {
        <h1 class="heading-xl">"Page not found"</h1>
        <p>{message}</p>
        {back.map(|(href, label)| view! { <p><a href=href>{label}</a></p> })}
        <p><a href="/apis">"Browse the API catalogue"</a></p>
    };
    document("Page not found".into(), frame, content)
}

/// A plain error page: something failed on the server.
pub fn error_page(frame: &Frame, message: String) -> String {
    let content = view! {
        <h1 class="heading-xl">"Sorry, there is a problem with the service"</h1>
        <p>{message}</p>
        <p><a href="/apis">"Browse the API catalogue"</a></p>
    };
    document("Problem with the service".into(), frame, content)
}
