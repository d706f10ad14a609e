//! Request bodies and responses: whether they are required, their status
//! codes and media types, and the schemas of each.

use serde_json::Value;

use super::schema::{Direction, SchemaDiff};
use super::{capitalise, follow, Side};
use crate::openapi::changelog_model::Change;

pub(super) fn compare_request_body(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    fn body<'a>(s: &Side<'a>) -> Option<&'a Value> {
        let b = follow(s.root, &s.op["requestBody"]);
        b.is_object().then_some(b)
    }
    let required = |b: &Value| b["required"].as_bool().unwrap_or(false);
    match (body(old), body(new)) {
        (None, None) => {}
        (None, Some(b)) if required(b) => changes.push(Change::breaking(
            "A request body is now required: calls without one will be refused.",
        )),
        (None, Some(_)) => changes.push(Change::compatible("An optional request body was added.")),
        (Some(_), None) => changes.push(Change::breaking(
            "The request body was removed: clients that send one may be refused.",
        )),
        (Some(a), Some(b)) => {
            if required(b) && !required(a) {
                changes.push(Change::breaking(
                    "The request body is now required: calls without one will be refused.",
                ));
            }
            let content = Content {
                subject: "the request body",
                direction: Direction::Request,
                must_keep_media_types: true,
            };
            compare_content(old, new, a, b, &content, changes);
        }
    }
}

pub(super) fn compare_responses(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    let responses = |s: &Side| s.op["responses"].as_object().cloned().unwrap_or_default();
    let (before, after) = (responses(old), responses(new));
    let success = |status: &str| status.starts_with('2');
    for (status, was) in &before {
        let Some(now) = after.get(status) else {
            changes.push(if success(status) {
                Change::breaking(format!(
                    "The {status} response was removed: clients that expect it will fail."
                ))
            } else {
                Change::compatible(format!("The {status} response is no longer documented."))
            });
            continue;
        };
        let (a, b) = (follow(old.root, was), follow(new.root, now));
        let subject = format!("the {status} response");
        let content = Content {
            subject: &subject,
            direction: Direction::Response,
            must_keep_media_types: success(status),
        };
        compare_content(old, new, a, b, &content, changes);
    }
    for status in after.keys().filter(|s| !before.contains_key(*s)) {
        changes.push(Change::compatible(format!("Added the {status} response.")));
    }
}

/// What a `content` map belongs to.
struct Content<'s> {
    /// "the request body", "the 200 response".
    subject: &'s str,
    direction: Direction,
    /// Whether dropping a media type breaks clients (requests and successes).
    must_keep_media_types: bool,
}

/// Media types of a request body or response, and the schemas of those that
/// both versions have.
fn compare_content(
    old: &Side,
    new: &Side,
    a: &Value,
    b: &Value,
    content: &Content,
    changes: &mut Vec<Change>,
) {
    let (Some(before), Some(after)) = (a["content"].as_object(), b["content"].as_object()) else {
        return;
    };
    let subject = content.subject;
    let request = content.direction == Direction::Request;
    for media_type in before.keys().filter(|m| !after.contains_key(*m)) {
        let text = if request {
            format!("The request body can no longer be sent as {media_type}: clients that send it will be refused.")
        } else {
            capitalise(&format!(
                "{subject} is no longer available as {media_type}."
            ))
        };
        changes.push(Change {
            breaking: content.must_keep_media_types,
            text,
        });
    }
    for media_type in after.keys().filter(|m| !before.contains_key(*m)) {
        changes.push(Change::compatible(if request {
            format!("The request body can now also be sent as {media_type}.")
        } else {
            capitalise(&format!("{subject} is now also available as {media_type}."))
        }));
    }
    let common: Vec<&String> = before.keys().filter(|m| after.contains_key(*m)).collect();
    for media_type in &common {
        let (Some(x), Some(y)) = (
            before[*media_type].get("schema"),
            after[*media_type].get("schema"),
        ) else {
            continue;
        };
        let subject = if common.len() > 1 {
            format!("{subject} ({media_type})")
        } else {
            subject.to_owned()
        };
        changes.extend(SchemaDiff::run(
            old.root,
            new.root,
            content.direction,
            &subject,
            x,
            y,
        ));
    }
}
