//! What the access pages show. Compiled for both sides: the server fills it
//! in, the browser receives it with the page.

use serde::{Deserialize, Serialize};

use crate::app::forms::Notice;

/// The shortest purpose of use a request may state, in characters.
pub const PURPOSE_MIN: usize = 20;
/// The longest purpose of use, in characters.
pub const PURPOSE_MAX: usize = 2000;
/// The longest reason of a decision, in characters.
pub const REASON_MAX: usize = 1000;
/// The longest plan name and description, in characters.
pub const PLAN_NAME_MAX: usize = 80;
pub const PLAN_DESCRIPTION_MAX: usize = 500;

/// Where an access request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Pending,
    Approved,
    Rejected,
    Revoked,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
        }
    }

    /// The stored text; anything else reads as revoked, which grants nothing.
    pub fn parse(text: &str) -> Self {
        match text {
            "pending" => Self::Pending,
            "approved" => Self::Approved,
            "rejected" => Self::Rejected,
            _ => Self::Revoked,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Approved => "Approved",
            Self::Rejected => "Rejected",
            Self::Revoked => "Revoked",
        }
    }

    /// The tag's colour class.
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::Pending => "tag",
            Self::Approved => "tag tag--open",
            Self::Rejected | Self::Revoked => "tag tag--warning",
        }
    }
}

/// A plan as its agency's owners manage it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAdminRow {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    /// `auto` or `manual`.
    pub approval: String,
    pub open_for_requests: bool,
    /// `active` or `retired`.
    pub status: String,
    /// Pending and approved requests on the plan.
    pub live_subscriptions: i64,
}

/// `/manage/{agency}/apis/{api}/plans`: the API's plans and the form that
/// creates one, or (with `?plan=`) edits one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlansPage {
    pub agency: String,
    pub agency_name: String,
    pub api: String,
    pub api_name: String,
    pub plans: Vec<PlanAdminRow>,
    pub editing: Option<PlanAdminRow>,
    pub csrf_token: String,
    pub notice: Notice,
}

/// One of the caller's applications, to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppChoice {
    pub id: i64,
    pub name: String,
}

/// `/apis/{agency}/{api}/access?plan=`: the request form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestPage {
    pub agency: String,
    pub agency_name: String,
    pub api: String,
    pub api_name: String,
    pub plan: PlanAdminRow,
    pub apps: Vec<AppChoice>,
    /// The version of the platform's terms to accept; 0: there are none.
    pub terms_version: i64,
    pub csrf_token: String,
    pub notice: Notice,
}

/// An access request as the agency sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub app_name: String,
    pub app_description: String,
    pub owner_name: String,
    pub owner_email: Option<String>,
    pub api: String,
    pub api_name: String,
    pub plan_name: String,
    pub purpose: String,
    pub status: SubscriptionStatus,
    pub decision_reason: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    /// The application's working keys, on approved requests only: an owner
    /// may revoke one that leaked.
    #[serde(default)]
    pub keys: Vec<crate::keys::model::KeyRow>,
}

/// `/manage/{agency}/requests`: requests waiting for a decision, and the
/// approved ones an owner may revoke.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub agency: String,
    pub agency_name: String,
    pub pending: Vec<RequestRow>,
    pub approved: Vec<RequestRow>,
    pub csrf_token: String,
    pub notice: Notice,
}

/// `/manage/{agency}/apis/{api}/consumers`: who uses an API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumersPage {
    pub agency: String,
    pub agency_name: String,
    pub api: String,
    pub api_name: String,
    pub consumers: Vec<RequestRow>,
}

/// An access request as its developer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub id: i64,
    pub app_id: i64,
    pub app_name: String,
    pub agency: String,
    pub agency_name: String,
    pub api: String,
    pub api_name: String,
    pub plan_name: String,
    pub purpose: String,
    pub status: SubscriptionStatus,
    pub decision_reason: String,
    pub created_at: String,
    pub decided_at: Option<String>,
}
