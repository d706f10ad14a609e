//! An agency's own front page, for its members: its APIs whatever their
//! visibility, and its people. Owners also invite people, set roles, and
//! read the agency's audit log.

use crate::app::components::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, Notice, NoticeBanners, SecretOnce, Select, TextInput};
use crate::auth::model::Role;
use crate::tenants::model::{InvitationRow, MemberRow};
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
                    Ok(page) => {
                        let owner = page.your_role == Role::Owner;
                        let csrf = page.csrf_token.clone();
                        let base = format!("/manage/{}", page.slug);
                        let notice = page.notice.clone();
                        let secret = notice.secret.clone();
                        // Self-service access, for owners: the queue, and each API's plans and consumers.
                        let access_links = owner.then(|| {
                            let apis = page.apis.iter().map(|api| {
                                let at = format!("{base}/apis/{}", api.slug);
                                view! { <li>{api.name.clone()}": "<a href=format!("{at}/plans")>"plans"</a>", "<a href=format!("{at}/consumers")>"consumers"</a>", "<a href=format!("{at}/usage")>"usage"</a></li> }
                            }).collect_view();
                            view! {
                                <h2 class="heading-l">"Access to the APIs"</h2>
                                <ul class="list--bullet">
                                    <li><a href=format!("{base}/requests")>"Access requests"</a></li>
                                    {apis}
                                </ul>
                            }
                        });
                        view! {
                        <Title text=format!("Manage {}", page.name)/>
                        <NoticeBanners notice=notice.clone()/>
                        {secret.map(|secret| view! { <SecretOnce secret what="invitation link"/> })}
                        <span class="caption">{format!("Your agency: you are {}", page.your_role.label().to_lowercase())}</span>
                        <h1 class="heading-xl">{page.name.clone()}</h1>
                        {(page.status == "suspended").then(|| view! {
                            <div class="warning-text"><strong>"A platform admin has suspended this agency: its APIs are out of the catalogue and their gateway routes answer 503 until it is reactivated."</strong></div>
                        })}
                        <ul class="action-list">
                            <li><a href=format!("/agencies/{}", page.slug)>"The agency's public page"</a></li>
                            {owner.then(|| view! { <li><a href=format!("{base}/audit")>"Audit log"</a></li> })}
                        </ul>
                        <h2 class="heading-l">"APIs"</h2>
                        <p><a class="button" href=format!("/manage/{}/apis/new", page.slug)>"Publish an API"</a></p>
                        {if page.apis.is_empty() {
                            view! { <p>"This agency has no APIs yet."</p> }.into_any()
                        } else {
                            view! {
                                <TableScroll label="The agency's APIs">
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
                                                let href = format!("/manage/{}/apis/{}", page.slug, api.slug);
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
                                </TableScroll>
                            }.into_any()
                        }}
                        {access_links}
                        <h2 class="heading-l">"Publishing from CI"</h2>
                        <p>"CI jobs publish new versions of the agency's APIs with a personal access token. "<a href=format!("{base}/tokens")>"Your personal access tokens"</a></p>
                        <h2 class="heading-l">"People"</h2>
                        <MemberList members=page.members manage=owner.then(|| (base.clone(), csrf.clone(), page.you))/>
                        {owner.then(|| view! {
                            <h3 class="heading-m">"Invite someone"</h3>
                            <p class="hint">"Portico makes a link for you to send them. They sign in, open it and accept. Maintainers publish and edit APIs; owners also manage people and plans."</p>
                            <InvitationForm action=format!("{base}/invitations") csrf=csrf.clone() notice=notice.clone() owner_only=false/>
                            <InvitationTable invitations=page.invitations.clone() revoke_base=Some(base.clone()) csrf=csrf.clone()/>
                        })}
                        }
                        .into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}

/// The agency's members. With `manage` (the page's base path, the CSRF
/// token and the viewer's user id), each row has a form to change the role
/// or remove the member.
#[component]
pub fn MemberList(members: Vec<MemberRow>, manage: Option<(String, String, i64)>) -> impl IntoView {
    if members.is_empty() {
        return view! { <p>"Nobody is a member yet."</p> }.into_any();
    }
    let managing = manage.is_some();
    view! {
        <TableScroll label="Members of the agency">
            <table class="table">
                <caption class="table__caption visually-hidden">"Members of the agency"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Since"</th>
                    {managing.then(|| view! { <th scope="col">"Change"</th> })}
                </tr></thead>
                <tbody>
                    {members.into_iter().map(|member| {
                        let change = manage.clone().map(|(base, csrf, you)| {
                            let id = format!("role-{}", member.user_id);
                            let label = if member.user_id == you { "Your role".to_string() } else { format!("Role of {}", member.name) };
                            view! {
                                <form method="post" action=format!("{base}/members/{}", member.user_id) class="inline-form">
                                    <CsrfField token=csrf/>
                                    <label class="visually-hidden" for=id.clone()>{label}</label>
                                    <select class="select" id=id name="role">
                                        <option value="owner" selected=member.role == Role::Owner>"Owner"</option>
                                        <option value="maintainer" selected=member.role == Role::Maintainer>"Maintainer"</option>
                                        <option value="remove">"Remove from the agency"</option>
                                    </select>
                                    <button class="button button--secondary button--small" type="submit">"Save"<span class="visually-hidden">{format!(" for {}", member.name)}</span></button>
                                </form>
                            }
                        });
                        view! {
                            <tr>
                                <td>{member.name.clone()}</td>
                                <td>{member.email.clone().unwrap_or_default()}</td>
                                <td>{member.role.label()}</td>
                                <td>{member.since.get(..10).unwrap_or_default().to_string()}</td>
                                {change.map(|form| view! { <td>{form}</td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// The form that makes an invitation link.
#[component]
pub fn InvitationForm(
    action: String,
    csrf: String,
    notice: Notice,
    owner_only: bool,
) -> impl IntoView {
    let roles = if owner_only {
        vec![("owner".to_string(), "Owner".to_string())]
    } else {
        vec![
            ("maintainer".to_string(), "Maintainer".to_string()),
            ("owner".to_string(), "Owner".to_string()),
        ]
    };
    let days = vec![
        ("7".to_string(), "7 days".to_string()),
        ("2".to_string(), "2 days".to_string()),
        ("30".to_string(), "30 days".to_string()),
    ];
    view! {
        <form method="post" action=action class="form-panel" novalidate>
            <CsrfField token=csrf/>
            <TextInput name="note" label="Who is it for?" hint="A name or an email address, so that you can tell invitations apart. Portico does not send it anywhere." value=notice.value_or("note", "") error=notice.error("note") autocomplete="off"/>
            <Select name="role" label="Role" options=roles selected=notice.value_or("role", if owner_only { "owner" } else { "maintainer" }) error=notice.error("role")/>
            <Select name="days" label="The link works for" options=days selected=notice.value_or("days", "7") error=notice.error("days")/>
            <button class="button" type="submit">"Create the invitation link"</button>
        </form>
    }
}

/// The agency's invitations; with `revoke_base`, pending ones can be withdrawn.
#[component]
pub fn InvitationTable(
    invitations: Vec<InvitationRow>,
    revoke_base: Option<String>,
    csrf: String,
) -> impl IntoView {
    (!invitations.is_empty()).then(|| view! {
        <TableScroll label="Invitations">
            <table class="table">
                <caption class="table__caption">"Invitations"</caption>
                <thead><tr>
                    <th scope="col">"For"</th><th scope="col">"Role"</th><th scope="col">"By"</th><th scope="col">"Expires"</th><th scope="col">"Status"</th>
                    {revoke_base.is_some().then(|| view! { <th scope="col">"Action"</th> })}
                </tr></thead>
                <tbody>
                    {invitations.into_iter().map(|i| {
                        let withdraw = revoke_base.clone().map(|base| i.pending.then(|| view! {
                            <form method="post" action=format!("{base}/invitations/{}/revoke", i.id) class="inline-form">
                                <CsrfField token=csrf.clone()/>
                                <button class="button button--secondary button--small" type="submit">"Withdraw"<span class="visually-hidden">{format!(" the invitation for {}", i.note)}</span></button>
                            </form>
                        }));
                        view! {
                            <tr>
                                <td>{i.note.clone()}</td>
                                <td>{i.role.label()}</td>
                                <td>{i.created_by.clone()}</td>
                                <td>{i.expires_at.get(..10).unwrap_or_default().to_string()}</td>
                                <td>{i.standing.clone()}</td>
                                {withdraw.map(|form| view! { <td>{form}</td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    })
}
