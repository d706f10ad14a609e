//! The admin area's front page: agencies, admins, users.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::load_failed;
use crate::tenants::server_fns::load_admin_overview;

#[component]
pub fn AdminPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_admin_overview());
    view! {
        <Title text="Admin"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <span class="caption">"Platform administration"</span>
                        <h1 class="heading-xl">"Admin"</h1>
                        <p class="lead">{format!("{} agencies and {} users on this Portico.", page.agencies.len(), page.users)}</p>
                        <h2 class="heading-l">"Agencies"</h2>
                        <table class="table">
                            <caption class="table__caption visually-hidden">"Agencies"</caption>
                            <thead><tr>
                                <th scope="col">"Agency"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="numeric">"APIs"</th>
                                <th scope="col" class="numeric">"Members"</th>
                            </tr></thead>
                            <tbody>
                                {page.agencies.into_iter().map(|agency| view! {
                                    <tr>
                                        <td><a href=format!("/agencies/{}", agency.slug)>{agency.name}</a><br/><code>{agency.slug}</code></td>
                                        <td>{agency.status}</td>
                                        <td class="numeric">{agency.apis}</td>
                                        <td class="numeric">{agency.members}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <h2 class="heading-l">"Platform admins"</h2>
                        <ul class="list--bullet">
                            {page.admins.into_iter().map(|admin| view! {
                                <li>
                                    {admin.name}
                                    {admin.from_configuration.then_some(" (named in the configuration)")}
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}
