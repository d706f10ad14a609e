//! `/invitations/{token}`: the page an invitation link opens. The person
//! has signed in (the access rule sends them to sign in first and back
//! here), reads which agency and role it is for, and accepts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::app::components::problem::load_failed;
use crate::app::forms::{CsrfField, NoticeBanners};
use crate::tenants::server_fns::load_invitation;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.get().get("token").unwrap_or_default();
    let page = Resource::new(move || Some(token()), load_invitation);
    view! {
        <Title text="Invitation"/>
        <Suspense fallback=|| view! { <p>"Loading..."</p> }>
            {move || Suspend::new(async move {
                let action = format!("/invitations/{}", token());
                match page.await {
                    Ok(page) => {
                        let body = match (page.agency.clone(), page.role) {
                            (Some((slug, name)), Some(role)) if page.pending => view! {
                                <h1 class="heading-xl">{format!("Join {name}")}</h1>
                                <p class="lead">{format!("You are invited to be {} of {name} on this portal.", if role == crate::auth::model::Role::Owner { "an owner" } else { "a maintainer" })}</p>
                                <p>{if role == crate::auth::model::Role::Owner {
                                    "Owners publish and edit the agency's APIs, manage its people and plans, and read its audit log."
                                } else {
                                    "Maintainers publish and edit the agency's APIs."
                                }}</p>
                                {page.already_member.then(|| view! { <p>"You are a member already: accepting keeps the higher of your two roles."</p> })}
                                <form method="post" action=action.clone()>
                                    <CsrfField token=page.csrf_token.clone()/>
                                    <button class="button" type="submit">{format!("Accept and join {name}")}</button>
                                </form>
                                <p><a href=format!("/agencies/{slug}")>"Read about the agency first"</a></p>
                            }.into_any(),
                            (Some((_, name)), _) => view! {
                                <h1 class="heading-xl">"This invitation cannot be used"</h1>
                                <p>{format!("The invitation to {name} is: {}.", page.standing.to_lowercase())}</p>
                                <p>"Ask an owner of the agency for a new link."</p>
                            }.into_any(),
                            _ => view! {
                                <h1 class="heading-xl">"This invitation link is not valid"</h1>
                                <p>"Check that you copied all of it, or ask an owner of the agency for a new one."</p>
                            }.into_any(),
                        };
                        view! { <NoticeBanners notice=page.notice.clone()/> {body} }.into_any()
                    }
                    Err(err) => load_failed(err),
                }
            })}
        </Suspense>
    }
}
