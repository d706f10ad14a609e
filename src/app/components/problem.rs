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

/// What a page shows when its data could not be loaded: a way to sign in
/// when that is what is missing, a plain refusal when the account may not
/// see it, and the error summary otherwise.
pub fn load_failed(err: ServerFnError) -> AnyView {
    use crate::auth::model::{NO_ACCESS, SIGN_IN_NEEDED};

    let text = match &err {
        ServerFnError::ServerError(text) => text.clone(),
        other => other.to_string(),
    };
    if text.contains(SIGN_IN_NEEDED) {
        view! {
            <h1 class="heading-xl">"Sign in to continue"</h1>
            <p>"You need to sign in to see this page."</p>
            <p><a class="button" href="/sign-in" role="button" draggable="false">"Sign in"</a></p>
        }
        .into_any()
    } else if text.contains(NO_ACCESS) {
        view! { <Refused/> }.into_any()
    } else {
        view! { <ErrorSummary message=text/> }.into_any()
    }
}

/// The body of a refusal: signed in, but not allowed here.
#[component]
pub fn Refused() -> impl IntoView {
    view! {
        <h1 class="heading-xl">"You do not have access to this page"</h1>
        <p>"It belongs to another agency, or needs a role your account does not have. If you think you should have access, ask an owner of the agency or a platform admin."</p>
        <p><a href="/account">"Go to your account"</a>" or "<a href="/apis">"browse the API catalogue"</a>"."</p>
    }
}
