//! `/apps/{app}/delete`: says exactly what deleting an application does
//! before the developer confirms it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::CsrfField;
use crate::apps::server_fns::load_delete_app_page;

#[component]
pub fn DeleteAppPage() -> impl IntoView {
    let params = use_params_map();
    let app = move || params.get().get("app");
    let page = Resource::new(app, load_delete_app_page);
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let back = format!("/apps/{}", page.id);
                        let keys = count(page.working_keys, "key that works now", "keys that work now");
                        let subscriptions = count(
                            page.live_subscriptions,
                            "access request (pending or approved)",
                            "access requests (pending or approved)",
                        );
                        view! {
                            <Title text=format!("Delete {}", page.name)/>
                            <nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
                                <li><a href="/apps">"Your applications"</a></li>
                                <li><a href=back.clone()>{page.name.clone()}</a></li>
                            </ol></nav>
                            <span class="caption">{page.name.clone()}</span>
                            <h1 class="heading-xl">"Delete this application?"</h1>
                            <div class="warning-text"><strong>"This cannot be undone."</strong></div>
                            <p>"Deleting the application will, at once:"</p>
                            <ul class="list--bullet" id="deletion-effects">
                                <li>{format!("revoke its {keys}: calls with them will be refused;")}</li>
                                <li>{format!("end its {subscriptions}, with the reason \u{201c}application deleted\u{201d};")}</li>
                                <li>"remove it from your applications."</li>
                            </ul>
                            <p>"The agencies' records and the audit log keep its name."</p>
                            <form method="post" action=format!("{back}/delete")>
                                <CsrfField token=page.csrf_token/>
                                <button type="submit" class="button button--warning">"Delete application"</button>
                            </form>
                            <p><a href=back>"Cancel and go back"</a></p>
                        }
                        .into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

/// "1 key", "3 keys", with the right noun.
fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
