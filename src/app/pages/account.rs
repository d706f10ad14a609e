//! The signed-in user's own page: who they are to Portico, how they sign
//! in, and the agencies they work for.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::load_failed;
use crate::auth::server_fns::load_account;

#[component]
pub fn AccountPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_account());
    view! {
        <Title text="Your account"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let viewer = page.viewer;
                        let agencies = viewer.agencies.clone();
                        view! {
                            <span class="caption">"Your account"</span>
                            <h1 class="heading-xl">{viewer.name.clone()}</h1>
                            <dl class="summary-list">
                                <div class="summary-list__row">
                                    <dt>"Signed in as"</dt>
                                    <dd>{viewer.kind.label()}</dd>
                                </div>
                                <div class="summary-list__row">
                                    <dt>"Email"</dt>
                                    <dd>{page.email.unwrap_or_else(|| "Not given by your identity provider".into())}</dd>
                                </div>
                                <div class="summary-list__row">
                                    <dt>"With Portico since"</dt>
                                    <dd>{page.member_since.get(..10).unwrap_or_default().to_string()}</dd>
                                </div>
                            </dl>
                            <h2 class="heading-l">"Your applications"</h2>
                            <p>"Create applications, their API keys, and request access to APIs: "<a href="/apps">"Your applications"</a></p>
                            <p>"Do the same from your own programs through the REST API, with a token: "<a href="/account/tokens">"Developer tokens"</a></p>
                            <h2 class="heading-l">"Your agencies"</h2>
                            {if agencies.is_empty() {
                                view! { <p>"You are not a member of any agency. Agencies' owners add their staff."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="list--bullet">
                                        {agencies.into_iter().map(|agency| view! {
                                            <li>
                                                <a href=format!("/manage/{}", agency.slug)>{agency.name}</a>
                                                {format!(" ({})", agency.role.label())}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {viewer.admin.then(|| view! {
                                <h2 class="heading-l">"Platform administration"</h2>
                                <p>"You are a platform admin. "<a href="/admin">"Go to the admin area"</a>"."</p>
                            })}
                            <h2 class="heading-l">"How you sign in"</h2>
                            <TableScroll label="Your sign-in identities">
                                <table class="table">
                                    <caption class="table__caption visually-hidden">"Your sign-in identities"</caption>
                                    <thead><tr><th scope="col">"Identity provider"</th><th scope="col">"Your identifier there"</th><th scope="col">"Last used"</th></tr></thead>
                                    <tbody>
                                        {page.identities.into_iter().map(|identity| view! {
                                            <tr>
                                                <td>{identity.provider}</td>
                                                <td><code>{identity.subject}</code></td>
                                                <td>{identity.last_used.get(..10).unwrap_or_default().to_string()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </TableScroll>
                        }
                        .into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
        // Loads its own data: created beside the page's resource, not inside
        // it, so that hydration finds it in the same order as the server.
        <crate::access::components::YourAccessRequests/>
    }
}
