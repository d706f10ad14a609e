//! What a plan's form may say: a name, limits that are whole numbers and
//! grow with their window, an approval mode, and whether it is open.

use serde::Deserialize;

use super::model::{PLAN_DESCRIPTION_MAX, PLAN_NAME_MAX};
use super::plan_repo::PlanFields;
use crate::app::forms::FieldError;

/// The plan form, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rate_per_second: String,
    #[serde(default)]
    pub rate_per_minute: String,
    #[serde(default)]
    pub quota_per_day: String,
    #[serde(default)]
    pub quota_per_month: String,
    #[serde(default)]
    pub approval: String,
    #[serde(default)]
    pub open_for_requests: String,
}

impl PlanForm {
    /// The values to show again with the form's errors.
    pub fn values(self) -> [(&'static str, String); 8] {
        [
            ("name", self.name),
            ("description", self.description),
            ("rate_per_second", self.rate_per_second),
            ("rate_per_minute", self.rate_per_minute),
            ("quota_per_day", self.quota_per_day),
            ("quota_per_month", self.quota_per_month),
            ("approval", self.approval),
            ("open_for_requests", self.open_for_requests),
        ]
    }
}

/// A plan form that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPlan {
    pub name: String,
    pub description: String,
    /// Per second, per minute, per day, per month.
    pub limits: [Option<i64>; 4],
    pub approval: &'static str,
    pub open_for_requests: bool,
}

impl CheckedPlan {
    pub fn fields(&self) -> PlanFields<'_> {
        PlanFields {
            name: &self.name,
            description: &self.description,
            rate_per_second: self.limits[0],
            rate_per_minute: self.limits[1],
            quota_per_day: self.limits[2],
            quota_per_month: self.limits[3],
            approval: self.approval,
            open_for_requests: self.open_for_requests,
        }
    }
}

/// The limits' fields, smallest window first, with what people call them.
const LIMITS: [(&str, &str); 4] = [
    ("rate_per_second", "Requests per second"),
    ("rate_per_minute", "Requests per minute"),
    ("quota_per_day", "Quota per day"),
    ("quota_per_month", "Quota per month"),
];

/// The largest limit accepted: far beyond any real plan, well inside i64.
const LIMIT_MAX: i64 = 1_000_000_000_000;

/// Checks a plan form; every problem beside its field.
pub fn check(form: &PlanForm) -> Result<CheckedPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            "Enter a name for the plan, such as Standard.",
        ));
    } else if name.chars().count() > PLAN_NAME_MAX {
        errors.push(FieldError::new(
            "name",
            format!("The name must be {PLAN_NAME_MAX} characters or fewer."),
        ));
    }
    let description = form.description.trim();
    if description.chars().count() > PLAN_DESCRIPTION_MAX {
        errors.push(FieldError::new(
            "description",
            format!("The description must be {PLAN_DESCRIPTION_MAX} characters or fewer."),
        ));
    }
    let sent = [
        &form.rate_per_second,
        &form.rate_per_minute,
        &form.quota_per_day,
        &form.quota_per_month,
    ];
    let mut limits = [None; 4];
    for (i, text) in sent.iter().enumerate() {
        let (field, label) = LIMITS[i];
        let text = text.trim().replace(',', "");
        if text.is_empty() {
            continue;
        }
        match text.parse::<i64>() {
            Ok(n) if (1..=LIMIT_MAX).contains(&n) => limits[i] = Some(n),
            _ => errors.push(FieldError::new(
                field,
                format!("{label} must be a whole number greater than 0, or empty for no limit."),
            )),
        }
    }
    // A longer window allows at least what a shorter one does.
    for later in 1..4 {
        let Some(n) = limits[later] else { continue };
        if let Some((earlier, m)) = (0..later)
            .rev()
            .find_map(|e| limits[e].map(|m| (e, m)))
            .filter(|(_, m)| n < *m)
        {
            errors.push(FieldError::new(
                LIMITS[later].0,
                format!(
                    "{} must be at least the {} ({m}).",
                    LIMITS[later].1,
                    LIMITS[earlier].1.to_lowercase()
                ),
            ));
        }
    }
    let approval = match form.approval.as_str() {
        "auto" => Some("auto"),
        "manual" => Some("manual"),
        _ => None,
    };
    if approval.is_none() {
        errors.push(FieldError::new(
            "approval",
            "Choose how requests are approved: at once, or by an owner.",
        ));
    }
    let open = match form.open_for_requests.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    if open.is_none() {
        errors.push(FieldError::new(
            "open_for_requests",
            "Choose whether the plan takes new requests.",
        ));
    }
    match (approval, open) {
        (Some(approval), Some(open_for_requests)) if errors.is_empty() => Ok(CheckedPlan {
            name: name.to_string(),
            description: description.to_string(),
            limits,
            approval,
            open_for_requests,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(s: &str, m: &str, d: &str, mo: &str) -> PlanForm {
        PlanForm {
            name: "Standard".into(),
            rate_per_second: s.into(),
            rate_per_minute: m.into(),
            quota_per_day: d.into(),
            quota_per_month: mo.into(),
            approval: "auto".into(),
            open_for_requests: "yes".into(),
            ..PlanForm::default()
        }
    }

    #[test]
    fn limits_are_optional_positive_and_grow_with_the_window() {
        let ok = check(&form("10", "", "10,000", "")).unwrap();
        assert_eq!(ok.limits, [Some(10), None, Some(10_000), None]);
        let errors = check(&form("0", "x", "", "")).unwrap_err();
        assert_eq!(errors.len(), 2);
        let errors = check(&form("10", "5", "", "")).unwrap_err();
        assert_eq!(errors[0].field, "rate_per_minute");
        let errors = check(&form("10", "", "5", "")).unwrap_err();
        assert_eq!(errors[0].field, "quota_per_day");
        assert!(errors[0].message.contains("requests per second (10)"));
    }

    #[test]
    fn approval_and_openness_are_chosen() {
        let mut bad = form("", "", "", "");
        bad.approval = "sometimes".into();
        bad.open_for_requests = String::new();
        bad.name = " ".into();
        let fields: Vec<_> = check(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "approval", "open_for_requests"]);
    }
}
