//! The audit log: privileged changes leave an event written with them, and
//! no code changes or removes an event.

use portico::auth::model::{Role, UserKind};
use portico::auth::service::{name_member, set_admin, Person, COMMAND_LINE};
use portico::server::clock::Clock;

use crate::helpers::TestApp;

crate::on_both_backends!(naming_members_and_admins_is_on_the_record);

type Row = (String, Option<i64>, Option<String>, String, String, String);

async fn events(app: &TestApp) -> Vec<Row> {
    sqlx::query_as(
        "select e.actor, e.tenant_id, t.slug, e.action, e.target, e.detail \
         from audit_event e left join tenant t on t.id = e.tenant_id order by e.id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("the audit log reads")
}

async fn naming_members_and_admins_is_on_the_record(app: TestApp) {
    let clock = Clock::system();
    let person = Person {
        provider: "corppass",
        subject: "s=S1234567A,u=1,c=SG",
        name: "Invited user",
        kind: UserKind::Business,
    };
    name_member(&app.db, &clock, "demo-ipo", &person, Role::Owner)
        .await
        .unwrap();
    name_member(&app.db, &clock, "demo-ipo", &person, Role::Maintainer)
        .await
        .unwrap();
    set_admin(&app.db, &clock, &person, true).await.unwrap();
    set_admin(&app.db, &clock, &person, false).await.unwrap();

    let log = events(&app).await;
    assert_eq!(log.len(), 4, "{log:?}");
    for (actor, ..) in &log {
        assert_eq!(actor, COMMAND_LINE);
    }
    assert_eq!(log[0].2.as_deref(), Some("demo-ipo"));
    assert_eq!(log[0].3, "membership.set");
    assert_eq!(log[0].4, "corppass:s=S1234567A,u=1,c=SG");
    let first: serde_json::Value = serde_json::from_str(&log[0].5).unwrap();
    assert_eq!(
        first,
        serde_json::json!({"role": "owner", "previous": null})
    );
    let second: serde_json::Value = serde_json::from_str(&log[1].5).unwrap();
    assert_eq!(
        second,
        serde_json::json!({"role": "maintainer", "previous": "owner"})
    );
    assert_eq!((log[2].1, log[2].3.as_str()), (None, "admin.grant"));
    assert_eq!(log[3].3, "admin.revoke");

    // A change that fails stores neither the change nor an event.
    let refused = name_member(&app.db, &clock, "no-such-agency", &person, Role::Owner).await;
    assert!(refused.unwrap_err().to_string().contains("no agency"));
    assert_eq!(events(&app).await.len(), 4);
}

/// The log is append-only in the code too: no statement of Portico's
/// updates or deletes an event.
#[test]
fn no_code_changes_or_removes_an_event() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
                for statement in ["update audit_event", "delete from audit_event"] {
                    if text.contains(statement) {
                        found.push(format!("{}: {statement}", path.display()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.is_empty(), "{found:?}");
}
