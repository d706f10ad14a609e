//! `/healthz` on both listeners names the backend and says it is reachable.

use crate::helpers::TestApp;

crate::on_both_backends!(both_listeners_report_a_reachable_database);

async fn both_listeners_report_a_reachable_database(app: TestApp) {
    let backend = app.db.backend().as_str();
    for (base, component) in [(&app.portal, "portal"), (&app.gateway, "gateway")] {
        let (status, body) = app.get_json(&format!("{base}/healthz")).await;
        assert_eq!(status, 200, "{component}: {body}");
        assert_eq!(body["status"], "ok", "{component}: {body}");
        assert_eq!(body["component"], component);
        assert_eq!(body["database"]["backend"], backend);
        assert_eq!(body["database"]["reachable"], true);
    }
}
