//! Running agencies from the browser's forms: an admin creates an agency
//! and invites its owner, the owner invites a maintainer, roles change,
//! agencies are suspended; every step is in the audit log, and each person
//! is refused what is not theirs.

use crate::helpers::{location, sign_in, TestApp};

crate::on_both_backends!(
    an_agency_is_created_and_staffed_by_invitation,
    a_suspended_agency_leaves_the_catalogue_and_its_routes_answer_503,
    admin_rights_are_granted_and_the_last_admin_stays,
    platform_settings_show_on_every_page,
    the_audit_log_filters_and_exports,
);

/// The audit log's rows: (actor, agency slug, action, target).
async fn log(app: &TestApp) -> Vec<(String, Option<String>, String, String)> {
    sqlx::query_as(
        "select e.actor, t.slug, e.action, e.target from audit_event e \
         left join tenant t on t.id = e.tenant_id order by e.id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("the audit log reads")
}

/// The invitation link shown once on a page, as a path.
fn invitation_path(html: &str) -> String {
    let start = html
        .find("/invitations/")
        .expect("an invitation link on the page");
    let rest = &html[start..];
    let end = rest.find('<').expect("the link ends");
    rest[..end].to_string()
}

async fn an_agency_is_created_and_staffed_by_invitation(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let developer = sign_in(&app, "developer").await;
    let owner = sign_in(&app, "owner").await;

    // Bad input returns to the form with what to fix, and stores nothing.
    let response = app
        .post_form(
            &admin,
            "/admin/agencies",
            &[
                ("slug", "Not A Slug"),
                ("name", ""),
                ("contact_email", "nope"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin/agencies/new");
    let (status, page) = app.page(&admin, "/admin/agencies/new").await;
    assert_eq!(status, 200);
    assert!(page.contains("There is a problem"), "{page}");
    assert!(
        page.contains("Enter the agency&#x27;s name") || page.contains("Enter the agency's name")
    );
    assert!(page.contains("Enter a short name of 2 to 64"));
    assert!(
        page.contains("value=\"Not A Slug\""),
        "the values come back"
    );
    let (_, again) = app.page(&admin, "/admin/agencies/new").await;
    assert!(
        !again.contains("There is a problem"),
        "a notice is shown once"
    );
    let reserved = app
        .post_form(
            &admin,
            "/admin/agencies",
            &[("slug", "healthz"), ("name", "Clash")],
        )
        .await;
    assert_eq!(location(&reserved), "/admin/agencies/new");
    let taken = app
        .post_form(
            &admin,
            "/admin/agencies",
            &[("slug", "demo-ipo"), ("name", "Twice")],
        )
        .await;
    assert_eq!(location(&taken), "/admin/agencies/new");
    let (_, page) = app.page(&admin, "/admin/agencies/new").await;
    assert!(page.contains("exists already"), "{page}");
    assert!(log(&app).await.iter().all(|e| e.2 != "tenant.create"));

    // Created; a developer cannot create one.
    let response = app
        .post_form(
            &admin,
            "/admin/agencies",
            &[
                ("slug", "land-transport"),
                ("name", "Land Transport Authority"),
                ("contact_email", "api@lta.example.gov"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/admin/agencies/land-transport");
    let refused = app
        .post_form(
            &developer,
            "/admin/agencies",
            &[("slug", "mine"), ("name", "Mine")],
        )
        .await;
    assert_eq!(refused.status(), 403);

    // The admin invites an owner; the link is shown once.
    let response = app
        .post_form(
            &admin,
            "/admin/agencies/land-transport/invitations",
            &[("role", "owner"), ("note", "Dana"), ("days", "7")],
        )
        .await;
    assert_eq!(location(&response), "/admin/agencies/land-transport");
    let (_, page) = app.page(&admin, "/admin/agencies/land-transport").await;
    let link = invitation_path(&page);
    let (_, page) = app.page(&admin, "/admin/agencies/land-transport").await;
    assert!(!page.contains(&link), "the link is shown only once");
    assert!(page.contains("Waiting to be accepted"));

    // Before accepting, the developer is refused the agency's pages.
    assert_eq!(app.page(&developer, "/manage/land-transport").await.0, 403);
    let (status, page) = app.page(&developer, &link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Join Land Transport Authority"), "{page}");
    let accepted = app.post_form(&developer, &link, &[]).await;
    assert_eq!(location(&accepted), "/manage/land-transport");
    let (status, page) = app.page(&developer, "/manage/land-transport").await;
    assert_eq!(status, 200);
    assert!(page.contains("you are owner"), "{page}");

    // A link works once; a made-up one is refused without a hint.
    let twice = app.post_form(&owner, &link, &[]).await;
    assert_eq!(location(&twice), link);
    let (_, page) = app.page(&owner, &link).await;
    assert!(
        page.contains("cannot be used") || page.contains("cannot be accepted"),
        "{page}"
    );
    assert_eq!(app.page(&owner, "/manage/land-transport").await.0, 403);
    let (_, page) = app.page(&owner, "/invitations/made-up").await;
    assert!(page.contains("not valid"));

    // The new owner invites the demo owner as a maintainer.
    app.post_form(
        &developer,
        "/manage/land-transport/invitations",
        &[("role", "maintainer"), ("note", "Owen"), ("days", "2")],
    )
    .await;
    let (_, page) = app.page(&developer, "/manage/land-transport").await;
    let link = invitation_path(&page);
    assert_eq!(
        location(&app.post_form(&owner, &link, &[]).await),
        "/manage/land-transport"
    );
    let (status, page) = app.page(&owner, "/manage/land-transport").await;
    assert_eq!(status, 200);
    assert!(page.contains("you are maintainer"));

    // A maintainer may not invite, read the audit log, or change roles.
    let refused = app
        .post_form(
            &owner,
            "/manage/land-transport/invitations",
            &[("role", "owner"), ("note", "x"), ("days", "7")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        app.page(&owner, "/manage/land-transport/audit").await.0,
        403
    );

    // The only owner cannot step down; after naming another owner they can.
    let owner_id: (i64,) = sqlx::query_as(
        "select user_id from user_identity where provider = 'dev' and subject = 'developer'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let maintainer_id: (i64,) = sqlx::query_as(
        "select user_id from user_identity where provider = 'dev' and subject = 'owner'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let path = format!("/manage/land-transport/members/{}", owner_id.0);
    app.post_form(&developer, &path, &[("role", "maintainer")])
        .await;
    let (_, page) = app.page(&developer, "/manage/land-transport").await;
    assert!(page.contains("only owner"), "{page}");
    let promote = format!("/manage/land-transport/members/{}", maintainer_id.0);
    app.post_form(&developer, &promote, &[("role", "owner")])
        .await;
    app.post_form(&developer, &path, &[("role", "remove")])
        .await;
    assert_eq!(app.page(&developer, "/manage/land-transport").await.0, 403);

    // Every step is on the record, with its actor and agency.
    let events = log(&app).await;
    let actions: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e.1.as_deref() == Some("land-transport"))
        .map(|e| (e.0.as_str(), e.2.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("Ada Admin", "tenant.create"),
            ("Ada Admin", "invitation.create"),
            ("Dana Developer", "invitation.redeem"),
            ("Dana Developer", "invitation.create"),
            ("Owen Owner", "invitation.redeem"),
            ("Dana Developer", "membership.set"),
            ("Dana Developer", "membership.remove"),
        ]
    );
}

async fn a_suspended_agency_leaves_the_catalogue_and_its_routes_answer_503(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let (_, before) = app.get_json(&format!("{}/api/v1/apis", app.portal)).await;
    let listed = |body: &serde_json::Value| {
        body["apis"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["agency"]["slug"] == "demo-ipo")
            .count()
    };
    assert!(listed(&before) > 0);
    let call = format!("{}/demo-ipo/data-sets/v1/fields", app.gateway);
    assert_eq!(app.http.get(&call).send().await.unwrap().status(), 200);

    // A reason is required.
    app.post_form(
        &admin,
        "/admin/agencies/demo-ipo/status",
        &[("action", "suspend")],
    )
    .await;
    let (_, page) = app.page(&admin, "/admin/agencies/demo-ipo").await;
    assert!(page.contains("Say why the agency is suspended"));

    let response = app
        .post_form(
            &admin,
            "/admin/agencies/demo-ipo/status",
            &[("action", "suspend"), ("reason", "Security review")],
        )
        .await;
    assert_eq!(location(&response), "/admin/agencies/demo-ipo");
    let (_, after) = app.get_json(&format!("{}/api/v1/apis", app.portal)).await;
    assert_eq!(listed(&after), 0, "its APIs leave the catalogue");
    let answer = app.http.get(&call).send().await.unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(
        answer.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let count: (i64,) = sqlx::query_as(
        "select count(*) from api a join tenant t on t.id = a.tenant_id where t.slug = 'demo-ipo'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(count.0 > 0, "nothing is deleted");

    app.post_form(
        &admin,
        "/admin/agencies/demo-ipo/status",
        &[("action", "reactivate")],
    )
    .await;
    assert_eq!(app.http.get(&call).send().await.unwrap().status(), 200);
    let (_, back) = app.get_json(&format!("{}/api/v1/apis", app.portal)).await;
    assert_eq!(listed(&back), listed(&before));
    let actions: Vec<String> = log(&app).await.into_iter().map(|e| e.2).collect();
    assert!(
        actions.ends_with(&[
            "tenant.suspend".to_string(),
            "tenant.reactivate".to_string()
        ]),
        "{actions:?}"
    );
}

async fn admin_rights_are_granted_and_the_last_admin_stays(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let admin_id: (i64,) = sqlx::query_as(
        "select user_id from user_identity where provider = 'dev' and subject = 'admin'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let revoke = format!("/admin/admins/{}/revoke", admin_id.0);
    // The only admin cannot remove their own rights.
    let response = app.post_form(&admin, &revoke, &[]).await;
    assert_eq!(location(&response), "/admin");
    let (status, page) = app.page(&admin, "/admin").await;
    assert_eq!(status, 200);
    assert!(page.contains("You are the last platform admin"), "{page}");

    // An unknown service is refused; a known identity is granted.
    app.post_form(
        &admin,
        "/admin/admins",
        &[("provider", "nowhere"), ("subject", "x")],
    )
    .await;
    let (_, page) = app.page(&admin, "/admin").await;
    assert!(page.contains("Choose the sign-in service"));
    app.post_form(
        &admin,
        "/admin/admins",
        &[("provider", "dev"), ("subject", "developer"), ("name", "")],
    )
    .await;
    let developer = sign_in(&app, "developer").await;
    assert_eq!(
        app.page(&developer, "/admin").await.0,
        200,
        "the developer is an admin now"
    );

    // Now the first admin may step down, and is refused the admin area.
    app.post_form(&admin, &revoke, &[]).await;
    assert_eq!(app.page(&admin, "/admin").await.0, 403);
    let actions: Vec<String> = log(&app).await.into_iter().map(|e| e.2).collect();
    assert!(
        actions.ends_with(&["admin.grant".to_string(), "admin.revoke".to_string()]),
        "{actions:?}"
    );
}

async fn platform_settings_show_on_every_page(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    app.post_form(
        &admin,
        "/admin/settings",
        &[
            ("portal_name", "Data.gov Developer Portal"),
            ("support_url", "ftp://nope"),
        ],
    )
    .await;
    let (_, page) = app.page(&admin, "/admin/settings").await;
    assert!(page.contains("Enter the support page"), "{page}");
    let response = app
        .post_form(
            &admin,
            "/admin/settings",
            &[
                ("portal_name", "Data.gov Developer Portal"),
                ("contact_email", "api-help@data.example.gov"),
                ("support_url", "https://support.data.example.gov/"),
                (
                    "terms_md",
                    "# Terms\n\nUse the data <script>alert(1)</script> **fairly**.",
                ),
            ],
        )
        .await;
    assert_eq!(location(&response), "/admin/settings");
    let (_, home) = app.get_text(&format!("{}/", app.portal)).await;
    assert!(home.contains("Data.gov Developer Portal"));
    assert!(home.contains("mailto:api-help@data.example.gov"));
    assert!(home.contains("href=\"/terms\""));
    let (status, terms) = app.get_text(&format!("{}/terms", app.portal)).await;
    assert_eq!(status, 200);
    assert!(terms.contains("<strong>fairly</strong>"));
    assert!(!terms.contains("<script>alert(1)"), "terms are sanitised");
    assert!(terms.contains("Version 1"));
    let developer = sign_in(&app, "developer").await;
    assert_eq!(
        app.post_form(&developer, "/admin/settings", &[("portal_name", "Mine")])
            .await
            .status(),
        403
    );
}

async fn the_audit_log_filters_and_exports(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let owner = sign_in(&app, "owner").await;
    app.post_form(
        &admin,
        "/admin/agencies",
        &[("slug", "tax"), ("name", "Tax Office")],
    )
    .await;
    app.post_form(
        &owner,
        "/manage/demo-transport/invitations",
        &[
            ("role", "maintainer"),
            ("note", "Someone, here"),
            ("days", "7"),
        ],
    )
    .await;

    let (status, page) = app.page(&admin, "/admin/audit?action=tenant").await;
    assert_eq!(status, 200);
    assert!(page.contains("tenant.create"));
    assert!(
        !page.contains("invitation.create</code>"),
        "narrowed by action"
    );
    let (_, page) = app.page(&admin, "/admin/audit?from=tomorrow").await;
    assert!(page.contains("Enter the date as year-month-day"));

    let csv = app
        .http
        .get(format!(
            "{}/admin/audit.csv?agency=demo-transport&action=invitation",
            app.portal
        ))
        .header(reqwest::header::COOKIE, &admin.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,actor,agency,action,target,client_addr,detail"
    );
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains("Owen Owner,demo-transport,invitation.create"));
    assert!(
        lines[1].contains("127.0.0.1"),
        "the client address is recorded"
    );

    // The owner reads their agency's log only; a developer none.
    let (status, page) = app.page(&owner, "/manage/demo-transport/audit").await;
    assert_eq!(status, 200);
    assert!(page.contains("invitation.create"));
    assert!(!page.contains("tenant.create"));
    let developer = sign_in(&app, "developer").await;
    assert_eq!(app.page(&developer, "/admin/audit").await.0, 403);
    let other = app
        .http
        .get(format!("{}/manage/demo-ipo/audit.csv", app.portal))
        .header(reqwest::header::COOKIE, &owner.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 403);
}
