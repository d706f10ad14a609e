//! The pure rules of keys: new keys' names and expiry dates, and status.

use super::*;

fn at(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap()
}

fn key(expires_at: Option<&str>, revoked: bool, replaced: bool) -> StoredKey {
    StoredKey {
        id: 1,
        app_id: 1,
        name: "k".into(),
        prefix: "abcdefgh".into(),
        created_at: "2025-01-01T00:00:00Z".into(),
        expires_at: expires_at.map(str::to_owned),
        last_used_at: None,
        revoked_at: revoked.then(|| "2025-01-02T00:00:00Z".to_owned()),
        replaced_by: replaced.then_some(2),
    }
}

#[test]
fn an_expiry_date_is_between_today_and_two_years_ahead() {
    let now = at("2025-11-24T16:00:00Z");
    assert_eq!(check_request(" CI ", "", now), Ok(("CI".to_owned(), None)));
    assert_eq!(
        check_request("CI", "2025-11-24", now),
        Ok(("CI".to_owned(), Some("2025-11-24T23:59:59Z".to_owned())))
    );
    assert!(check_request("CI", "2027-11-24", now).is_ok());
    for refused in [
        "2025-11-23",
        "2027-11-25",
        "2025-02-30",
        "tomorrow",
        "2025-13-01",
    ] {
        let errors = check_request("CI", refused, now).unwrap_err();
        assert_eq!(errors[0].field, "expires_on", "{refused}");
    }
    let errors = check_request(" ", "", now).unwrap_err();
    assert_eq!(errors[0].field, "key_name");
    assert!(check_request(&"x".repeat(NAME_MAX + 1), "", now).is_err());
}

#[test]
fn status_follows_revocation_expiry_and_rotation() {
    let now = at("2025-11-24T16:00:00Z");
    assert_eq!(status(&key(None, false, false), now), KeyStatus::Active);
    assert_eq!(status(&key(None, true, false), now), KeyStatus::Revoked);
    let later = Some("2025-11-25T16:00:00Z");
    assert_eq!(status(&key(later, false, true), now), KeyStatus::Rotating);
    assert_eq!(
        status(&key(later, false, true), at("2025-11-25T16:00:00Z")),
        KeyStatus::Expired,
        "a key is expired from its expiry on"
    );
    assert_eq!(
        status(&key(Some("garbage"), false, false), now),
        KeyStatus::Expired
    );
}

#[test]
fn grace_periods_are_the_listed_ones() {
    assert_eq!(grace_seconds("none"), Some(0));
    assert_eq!(grace_seconds("24h"), Some(86_400));
    assert_eq!(grace_seconds("7d"), Some(604_800));
    assert_eq!(grace_seconds("30d"), None);
}
