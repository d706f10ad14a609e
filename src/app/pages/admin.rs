//! The admin area's front page: agencies, admins, users, and the way to
//! every admin task.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners};
use crate::app::pages::admin_agency::IdentityFields;
use crate::tenants::model::AdminRow;
use crate::tenants::server_fns::load_admin_overview;

#[component]
pub fn AdminPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_admin_overview());
    view! {
        <Title text="Admin"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let csrf = page.csrf_token.clone();
                        let you = page.you;
                        view! {
                            <NoticeBanners notice=page.notice.clone()/>
                            <span class="caption">"Platform administration"</span>
                            <h1 class="heading-xl">"Admin"</h1>
                            <p class="lead">{format!(
                                "{} {} and {} {} on this Portico.",
                                page.agencies.len(),
                                if page.agencies.len() == 1 { "agency" } else { "agencies" },
                                page.users,
                                if page.users == 1 { "user" } else { "users" },
                            )}</p>
                            <ul class="action-list">
                                <li><a href="/admin/audit">"Audit log"</a></li>
                                <li><a href="/admin/settings">"Platform settings"</a></li>
                            </ul>
                            <h2 class="heading-l">"Agencies"</h2>
                            <p><a class="button" href="/admin/agencies/new" role="button" draggable="false">"Create an agency"</a></p>
                            <TableScroll label="Agencies">
                                <table class="table">
                                    <caption class="table__caption visually-hidden">"Agencies"</caption>
                                    <thead><tr>
                                        <th scope="col">"Agency"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col" class="numeric">"APIs"</th>
                                        <th scope="col" class="numeric">"Members"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.agencies.into_iter().map(|agency| {
                                            let suspended = agency.status == "suspended";
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/admin/agencies/{}", agency.slug)>{agency.name}</a><br/><code>{agency.slug}</code></td>
                                                    <td>{if suspended { view! { <strong class="tag tag--warning">"Suspended"</strong> }.into_any() } else { view! { <span>"Active"</span> }.into_any() }}</td>
                                                    <td class="numeric">{agency.apis}</td>
                                                    <td class="numeric">{agency.members}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </TableScroll>
                            <h2 class="heading-l">"Platform admins"</h2>
                            <AdminTable admins=page.admins you csrf=csrf.clone()/>
                            <h3 class="heading-m">"Grant admin rights"</h3>
                            <p class="hint">"Name the person by the sign-in service they use and their identifier there. They are admins from their next page."</p>
                            <form method="post" action="/admin/admins" class="form-panel">
                                <CsrfField token=csrf.clone()/>
                                <IdentityFields providers=page.providers notice=page.notice/>
                                <button class="button" type="submit">"Grant admin rights"</button>
                            </form>
                        }
                        .into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

/// The admins, each granted one with a button that removes their rights.
#[component]
fn AdminTable(admins: Vec<AdminRow>, you: i64, csrf: String) -> impl IntoView {
    view! {
        <TableScroll label="Platform admins">
            <table class="table">
                <caption class="table__caption visually-hidden">"Platform admins"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Rights from"</th><th scope="col">"Action"</th></tr></thead>
                <tbody>
                    {admins.into_iter().map(|admin| {
                        let source = match (admin.granted, admin.from_configuration) {
                            (true, true) => "Granted in the portal, and named in the configuration",
                            (true, false) => "Granted in the portal",
                            _ => "Named in the configuration",
                        };
                        let name = if admin.user_id == you { format!("{} (you)", admin.name) } else { admin.name.clone() };
                        let action = admin.granted.then(|| view! {
                            <form method="post" action=format!("/admin/admins/{}/revoke", admin.user_id) class="inline-form">
                                <CsrfField token=csrf.clone()/>
                                <button class="button button--warning button--small" type="submit">
                                    "Remove admin rights"<span class="visually-hidden">{format!(" of {}", admin.name)}</span>
                                </button>
                            </form>
                        });
                        view! { <tr><td>{name}</td><td>{source}</td><td>{action}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
