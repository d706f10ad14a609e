//! The signed-in person's notifications, newest first, and the button that
//! marks them all read.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners};
use crate::notify::server_fns::load_notifications;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_notifications());
    view! {
        <Title text="Notifications"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let empty = page.items.is_empty();
                        let items = page.items.into_iter().map(|n| {
                            let when = n.created_at.get(..16).unwrap_or(&n.created_at).replace('T', " ");
                            let message = if n.link.is_empty() {
                                view! { <span>{n.message}</span> }.into_any()
                            } else {
                                view! { <a href=n.link>{n.message}</a> }.into_any()
                            };
                            view! {
                                <li class=if n.read { "notification" } else { "notification notification--unread" }>
                                    {(!n.read).then(|| view! { <strong class="tag">"New"</strong>" " })}
                                    {message}
                                    <span class="hint">{when}</span>
                                </li>
                            }
                        }).collect_view();
                        view! {
                            <h1 class="heading-xl">"Notifications"</h1>
                            <NoticeBanners notice=page.notice/>
                            {(page.unread > 0).then(|| view! {
                                <form method="post" action="/notifications/read">
                                    <CsrfField token=page.csrf_token.clone()/>
                                    <button type="submit" class="button button--secondary">{format!("Mark all {} as read", page.unread)}</button>
                                </form>
                            })}
                            {empty.then(|| view! { <p>"You have no notifications."</p> })}
                            <ul class="notification-list">{items}</ul>
                        }.into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}
