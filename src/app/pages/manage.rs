//! An agency's own front page, for its members: its APIs whatever their
//! visibility, and its people.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::tenants::server_fns::load_agency_console;

#[component]
pub fn ManagePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.get().get("agency").unwrap_or_default();
    let page = Resource::new(slug, load_agency_console);
    view! {
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <Title text=format!("Manage {}", page.name)/>
                        <span class="caption">{format!("Your agency: you are {}", page.your_role.label().to_lowercase())}</span>
                        <h1 class="heading-xl">{page.name.clone()}</h1>
                        <p><a href=format!("/agencies/{}", page.slug)>"See the agency's public page"</a></p>
                        <h2 class="heading-l">"APIs"</h2>
                        {if page.apis.is_empty() {
                            view! { <p>"This agency has no APIs yet."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table">
                                    <caption class="table__caption visually-hidden">"The agency's APIs"</caption>
                                    <thead><tr>
                                        <th scope="col">"API"</th>
                                        <th scope="col">"Visibility"</th>
                                        <th scope="col">"Lifecycle"</th>
                                        <th scope="col" class="numeric">"Versions"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.apis.into_iter().map(|api| {
                                            let href = format!("/apis/{}/{}", page.slug, api.slug);
                                            view! {
                                                <tr>
                                                    <td><a href=href>{api.name}</a></td>
                                                    <td>{api.visibility}</td>
                                                    <td>{api.lifecycle}</td>
                                                    <td class="numeric">{api.versions}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <h2 class="heading-l">"People"</h2>
                        <table class="table">
                            <caption class="table__caption visually-hidden">"Members of the agency"</caption>
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th></tr></thead>
                            <tbody>
                                {page.members.into_iter().map(|member| view! {
                                    <tr>
                                        <td>{member.name}</td>
                                        <td>{member.email.unwrap_or_default()}</td>
                                        <td>{member.role.label()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}
