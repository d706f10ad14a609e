//! How a page says that something went wrong.

use leptos::prelude::*;

/// An error summary: what happened, and what the visitor can do.
#[component]
pub fn ErrorSummary(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2 class="error-summary__title">"There is a problem"</h2>
            <p>{message}</p>
            <p>"Try again in a moment. If it goes on, contact the portal's support team."</p>
        </div>
    }
}
