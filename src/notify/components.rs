//! The header's link to the notifications, with the unread count.

use leptos::prelude::*;

/// "Notifications (N)" for a signed-in person. The count comes from the
/// page frame, which reads it again on each navigation, as it does the
/// viewer.
#[component]
pub fn NotificationsLink(unread: i64, #[prop(into)] current_path: Signal<String>) -> impl IntoView {
    let current = move || (current_path.get() == "/notifications").then_some("page");
    let text = if unread > 0 {
        format!("Notifications ({unread})")
    } else {
        "Notifications".to_string()
    };
    view! { <a class="account-nav__link" href="/notifications" aria-current=current>{text}</a> }
}
