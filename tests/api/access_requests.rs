//! Self-service access: an owner changes a plan, a developer asks for it
//! for an application with a purpose, the owner approves, rejects, revokes,
//! each decision with its audit event and notification; auto plans
//! approve at once; private APIs and other agencies stay out of reach.

use crate::helpers::{location, sign_in, Session, TestApp};

crate::on_both_backends!(owners_set_plans_and_decide_access_requests);

pub const API: &str = "/apis/demo-transport/train-travel";
const PLANS: &str = "/manage/demo-transport/apis/train-travel/plans";
const QUEUE: &str = "/manage/demo-transport/requests";
pub const PURPOSE: &str = "Showing train times to commuters in our journey planner.";

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(bind)
        .fetch_one(app.db.pool())
        .await
        .expect("query runs");
    n
}

async fn count_for(app: &TestApp, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("query runs");
    n
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    scalar(
        app,
        "select count(*) from audit_event where action = $1",
        action,
    )
    .await
}

pub async fn user_id(app: &TestApp, who: &str) -> i64 {
    let email = format!("{who}@portico-demo.example");
    scalar(app, "select id from user_account where email = $1", &email).await
}

/// An application of the user, inserted as the apps pages would.
pub async fn create_app(app: &TestApp, owner: i64, name: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "insert into app (owner_user_id, name, description, created_at, updated_at) \
         values ($1, $2, 'Journey planner', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') \
         returning id",
    )
    .bind(owner)
    .bind(name)
    .fetch_one(app.db.pool())
    .await
    .expect("app inserted");
    id
}

async fn status_of(app: &TestApp, app_id: i64, plan: &str) -> String {
    let (status,): (String,) = sqlx::query_as(
        "select s.status from subscription s join plan p on p.id = s.plan_id \
         where s.app_id = $1 and p.slug = $2 order by s.id desc limit 1",
    )
    .bind(app_id)
    .bind(plan)
    .fetch_one(app.db.pool())
    .await
    .expect("a request exists");
    status
}

pub async fn request(
    app: &TestApp,
    who: &Session,
    api: &str,
    plan: &str,
    app_id: i64,
    purpose: &str,
) -> reqwest::Response {
    let id = app_id.to_string();
    let form = [
        ("plan", plan),
        ("app", id.as_str()),
        ("purpose", purpose),
        ("accept_terms", "yes"),
    ];
    app.post_form(who, &format!("{api}/access"), &form).await
}

/// Follows a form's redirect: the page it leads to.
async fn follow(app: &TestApp, who: &Session, response: reqwest::Response) -> String {
    assert_eq!(response.status(), 303, "a form redirects");
    let (status, html) = app.page(who, &location(&response)).await;
    assert_eq!(status, 200, "{html}");
    html
}

async fn subscription_id(app: &TestApp, app_id: i64) -> String {
    let (id,): (i64,) =
        sqlx::query_as("select id from subscription where app_id = $1 order by id desc limit 1")
            .bind(app_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    id.to_string()
}

async fn owners_set_plans_and_decide_access_requests(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    let developer = sign_in(&app, "developer").await;
    let developer_id = user_id(&app, "developer").await;

    // The owner changes the manual plan: bad limits are said beside them.
    let (status, html) = app.page(&owner, PLANS).await;
    assert_eq!(status, 200);
    assert!(html.contains("Plans of Train Travel API"), "{html}");
    let partner = format!("{PLANS}/partner");
    let mut form = vec![
        ("name", "Partner"),
        ("rate_per_second", "10"),
        ("rate_per_minute", "5"),
        ("quota_per_day", "lots"),
        ("approval", "manual"),
        ("open_for_requests", "yes"),
    ];
    let sent = app.post_form(&owner, &partner, &form).await;
    assert_eq!(location(&sent), format!("{PLANS}?plan=partner"));
    let html = follow(&app, &owner, sent).await;
    assert!(html.contains("id=\"rate_per_minute-error\""), "{html}");
    assert!(html.contains("Requests per minute must be at least the requests per second (10)."));
    assert!(html.contains("Quota per day must be a whole number greater than 0"));
    form[2] = ("rate_per_minute", "600");
    form[3] = ("quota_per_day", "50000");
    let html = follow(&app, &owner, app.post_form(&owner, &partner, &form).await).await;
    assert!(
        html.contains("Its limits apply to its subscriptions at once."),
        "{html}"
    );
    assert_eq!(audit_count(&app, "plan.update").await, 1);
    let (per_minute,): (Option<i64>,) =
        sqlx::query_as("select rate_per_minute from plan where slug = 'partner' and api_id = (select id from api where slug = 'train-travel')")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(per_minute, Some(600));

    // Terms of use on: a request must accept them.
    sqlx::query(
        "insert into platform_setting (id, portal_name, terms_md, terms_version, updated_at) \
         values (1, 'Portico', 'Use the APIs fairly.', 3, '2026-01-01T00:00:00Z')",
    )
    .execute(app.db.pool())
    .await
    .unwrap();

    // The developer asks for the manual plan for their application.
    let planner = create_app(&app, developer_id, "Journey planner").await;
    let (status, html) = app
        .page(&developer, &format!("{API}/access?plan=partner"))
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Journey planner") && html.contains("Purpose of use"));
    assert!(html.contains("href=\"/terms\""), "the terms are linked");
    let id = planner.to_string();
    let too_short = [
        ("plan", "partner"),
        ("app", id.as_str()),
        ("purpose", "trains"),
        ("accept_terms", "yes"),
    ];
    let html = follow(
        &app,
        &developer,
        app.post_form(&developer, &format!("{API}/access"), &too_short)
            .await,
    )
    .await;
    assert!(html.contains("in at least 20 characters"), "{html}");
    let no_terms = [
        ("plan", "partner"),
        ("app", id.as_str()),
        ("purpose", PURPOSE),
    ];
    let html = follow(
        &app,
        &developer,
        app.post_form(&developer, &format!("{API}/access"), &no_terms)
            .await,
    )
    .await;
    assert!(html.contains("Accept the terms of use"), "{html}");
    let oversize = "x".repeat(2001);
    let html = follow(
        &app,
        &developer,
        request(&app, &developer, API, "partner", planner, &oversize).await,
    )
    .await;
    assert!(html.contains("2000 characters or fewer"), "{html}");
    assert_eq!(
        scalar(
            &app,
            "select count(*) from subscription where purpose <> $1",
            ""
        )
        .await,
        0,
        "nothing half-written"
    );

    let sent = request(&app, &developer, API, "partner", planner, PURPOSE).await;
    assert_eq!(sent.status(), 303);
    assert_eq!(location(&sent), format!("/apps/{planner}"));
    assert_eq!(status_of(&app, planner, "partner").await, "pending");
    assert_eq!(audit_count(&app, "subscription.request").await, 1);
    let terms = count_for(
        &app,
        "select count(*) from terms_acceptance where terms_version = 3 and user_id = $1",
        developer_id,
    )
    .await;
    assert_eq!(terms, 1, "the terms' acceptance is recorded");
    let owner_id = user_id(&app, "owner").await;
    let told = count_for(&app, "select count(*) from notification where user_id = $1 and message like 'New access request%'", owner_id).await;
    assert_eq!(told, 1, "the agency's owner is told");

    // A second live request of the same application is refused.
    let html = follow(
        &app,
        &developer,
        request(&app, &developer, API, "standard", planner, PURPOSE).await,
    )
    .await;
    assert!(
        html.contains("This application already has a request for this API"),
        "{html}"
    );
    assert_eq!(
        count_for(
            &app,
            "select count(*) from subscription where app_id = $1",
            planner
        )
        .await,
        1
    );

    // The owner's queue shows who asks and why; approving with a reason.
    let (status, html) = app.page(&owner, QUEUE).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Journey planner") && html.contains(PURPOSE),
        "{html}"
    );
    assert!(html.contains("developer@portico-demo.example"));
    let first = subscription_id(&app, planner).await;
    let html = follow(
        &app,
        &owner,
        app.post_form(
            &owner,
            &format!("{QUEUE}/{first}/approve"),
            &[("reason", "Welcome aboard")],
        )
        .await,
    )
    .await;
    assert!(html.contains("is approved"), "{html}");
    assert_eq!(status_of(&app, planner, "partner").await, "approved");
    assert_eq!(audit_count(&app, "subscription.approve").await, 1);
    let (status, html) = app.page(&developer, "/account").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Your access requests")
            && html.contains("Approved")
            && html.contains("Welcome aboard"),
        "{html}"
    );
    let (status, json) = {
        let r = app
            .http
            .get(format!(
                "{}/fn/app_subscriptions?app_id={planner}",
                app.portal
            ))
            .header(reqwest::header::COOKIE, &developer.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(
        json.contains("\"approved\"") && json.contains("Welcome aboard"),
        "{json}"
    );
    let other = app
        .http
        .get(format!(
            "{}/fn/app_subscriptions?app_id={planner}",
            app.portal
        ))
        .header(reqwest::header::COOKIE, &owner.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.status(),
        404,
        "another user's application is not found"
    );
    let (_, html) = app.page(&developer, "/notifications").await;
    assert!(
        html.contains("was approved. Reason: Welcome aboard"),
        "{html}"
    );
    assert!(
        html.contains("Notifications (1)"),
        "the header counts unread ones"
    );

    // Rejecting needs a reason.
    let second = create_app(&app, developer_id, "Fare checker").await;
    request(&app, &developer, API, "partner", second, PURPOSE).await;
    let pending = subscription_id(&app, second).await;
    let html = follow(
        &app,
        &owner,
        app.post_form(
            &owner,
            &format!("{QUEUE}/{pending}/reject"),
            &[("reason", " ")],
        )
        .await,
    )
    .await;
    assert!(html.contains("Give a reason for rejecting"), "{html}");
    assert!(html.contains(&format!("id=\"reason-{pending}-error\"")));
    assert_eq!(status_of(&app, second, "partner").await, "pending");
    app.post_form(
        &owner,
        &format!("{QUEUE}/{pending}/reject"),
        &[("reason", "Use the standard plan")],
    )
    .await;
    assert_eq!(status_of(&app, second, "partner").await, "rejected");
    assert_eq!(audit_count(&app, "subscription.reject").await, 1);

    // Revoking needs a reason too.
    let html = follow(
        &app,
        &owner,
        app.post_form(
            &owner,
            &format!("{QUEUE}/{first}/revoke"),
            &[("reason", "")],
        )
        .await,
    )
    .await;
    assert!(html.contains("Give a reason for revoking"), "{html}");
    app.post_form(
        &owner,
        &format!("{QUEUE}/{first}/revoke"),
        &[("reason", "Contract ended")],
    )
    .await;
    assert_eq!(status_of(&app, planner, "partner").await, "revoked");
    assert_eq!(audit_count(&app, "subscription.revoke").await, 1);
    let decisions = count_for(
        &app,
        "select count(*) from notification where user_id = $1 and message like 'Your request%'",
        developer_id,
    )
    .await;
    assert_eq!(decisions, 3, "approve, reject, revoke: each told");

    // An auto plan approves at once.
    let sent = request(&app, &developer, API, "standard", second, PURPOSE).await;
    assert_eq!(sent.status(), 303);
    assert_eq!(status_of(&app, second, "standard").await, "approved");
    let (_, html) = app
        .page(&owner, "/manage/demo-transport/apis/train-travel/consumers")
        .await;
    assert!(
        html.contains("Fare checker") && html.contains("Approved"),
        "{html}"
    );

    // A private API is not there for a developer; another's app neither.
    sqlx::query("update api set visibility = 'private' where slug = 'data-sets'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, _) = app
        .page(&developer, "/apis/demo-ipo/data-sets/access?plan=standard")
        .await;
    assert_eq!(status, 404);
    let sent = request(
        &app,
        &developer,
        "/apis/demo-ipo/data-sets",
        "standard",
        planner,
        PURPOSE,
    )
    .await;
    assert_eq!(sent.status(), 404);
    let sent = request(&app, &owner, API, "standard", planner, PURPOSE).await;
    assert_eq!(sent.status(), 404, "another user's application");

    // Another agency's queue is refused.
    let (status, _) = app.page(&owner, "/manage/demo-ipo/requests").await;
    assert_eq!(status, 403);
    let sent = app
        .post_form(
            &owner,
            &format!("/manage/demo-ipo/requests/{pending}/approve"),
            &[],
        )
        .await;
    assert_eq!(sent.status(), 403);

    // A plan with requests is retired; one without is deleted.
    let html = follow(
        &app,
        &owner,
        app.post_form(&owner, &format!("{partner}/remove"), &[])
            .await,
    )
    .await;
    assert!(html.contains("retired"), "{html}");
    assert_eq!(audit_count(&app, "plan.retire").await, 1);
    let trial = [
        ("name", "Trial"),
        ("rate_per_second", "1"),
        ("approval", "auto"),
        ("open_for_requests", "no"),
    ];
    follow(&app, &owner, app.post_form(&owner, PLANS, &trial).await).await;
    assert_eq!(audit_count(&app, "plan.create").await, 1);
    follow(
        &app,
        &owner,
        app.post_form(&owner, &format!("{PLANS}/trial/remove"), &[])
            .await,
    )
    .await;
    assert_eq!(audit_count(&app, "plan.delete").await, 1);
    let (_, html) = app
        .page(&developer, &format!("{API}/access?plan=partner"))
        .await;
    assert!(html.contains("does not take new requests"), "{html}");

    // Marking all read empties the count.
    follow(
        &app,
        &developer,
        app.post_form(&developer, "/notifications/read", &[]).await,
    )
    .await;
    let unread = count_for(
        &app,
        "select count(*) from notification where read_at is null and user_id = $1",
        developer_id,
    )
    .await;
    assert_eq!(unread, 0);
}
