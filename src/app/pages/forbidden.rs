//! The page of a refusal: signed in, but not allowed. The access middleware
//! renders it (with status 403) in place of the page asked for.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::Refused;

#[component]
pub fn ForbiddenPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <Title text="You do not have access"/>
        <Refused/>
    }
}
