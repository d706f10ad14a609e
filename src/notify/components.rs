//! The header's link to the notifications, with the unread count.

use leptos::prelude::*;

use super::server_fns::count_unread_notifications;

/// "Notifications (N)" for a signed-in person; read again on each
/// navigation, as the header's viewer is.
#[component]
pub fn NotificationsLink(#[prop(into)] current_path: Signal<String>) -> impl IntoView {
    let unread = Resource::new(move || current_path.get(), |_| count_unread_notifications());
    let current = move || (current_path.get() == "/notifications").then_some("page");
    view! {
        <Suspense fallback=move || view! {
            <a class="account-nav__link" href="/notifications" aria-current=current>"Notifications"</a>
        }>
            {move || Suspend::new(async move {
                let n = unread.await.unwrap_or(0);
                let text = if n > 0 { format!("Notifications ({n})") } else { "Notifications".to_string() };
                view! { <a class="account-nav__link" href="/notifications" aria-current=current>{text}</a> }
            })}
        </Suspense>
    }
}
