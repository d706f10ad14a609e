//! Demo data and the demo upstream, for `--dev` only: agencies, APIs with
//! real OpenAPI documents (from the `@readme/oas-examples` npm package, MIT,
//! see `specs/LICENSE-oas-examples.md`), plans, and an echo service that the
//! gateway forwards to, so the whole path works with no other server.

pub mod upstream;

use anyhow::Context;

use crate::catalogue::repo::{self as catalogue, NewApi, NewPlan, NewVersion};
use crate::db::Db;
use crate::openapi::operations::Index;
use crate::server::clock::Clock;
use crate::tenants::repo::{self as tenants, NewTenant};

/// Path under the portal where the demo upstream answers.
pub const UPSTREAM_PATH: &str = "/demo-upstream";

struct DemoApi {
    slug: &'static str,
    summary: &'static str,
    tags: &'static [&'static str],
    access_mode: &'static str,
    spec: &'static str,
}

struct DemoAgency {
    slug: &'static str,
    name: &'static str,
    contact: &'static str,
    apis: &'static [DemoApi],
}

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        slug: "demo-ipo",
        name: "Demo Intellectual Property Office",
        contact: "api-support@ipo.portico-demo.example",
        apis: &[DemoApi {
            slug: "data-sets",
            summary:
                "Search the patent and trademark data sets that the office publishes as open data.",
            tags: &["open-data", "patents", "trademarks"],
            access_mode: "open",
            spec: include_str!("specs/uspto.json"),
        }],
    },
    DemoAgency {
        slug: "demo-transport",
        name: "Demo Transport Agency",
        contact: "developers@transport.portico-demo.example",
        apis: &[DemoApi {
            slug: "train-travel",
            summary: "Find train stations and trips, and book and pay for journeys.",
            tags: &["bookings", "rail", "transport"],
            access_mode: "key",
            spec: include_str!("specs/train-travel.json"),
        }],
    },
    DemoAgency {
        slug: "demo-animals",
        name: "Demo Animal Services",
        contact: "apis@animals.portico-demo.example",
        apis: &[DemoApi {
            slug: "petstore",
            summary: "The classic Swagger Petstore: pets, orders and users.",
            tags: &["animals", "sample"],
            access_mode: "key",
            spec: include_str!("specs/petstore.json"),
        }],
    },
];

/// What seeding changed: nothing on a second run against the same database.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub apis_created: usize,
    pub upstreams_moved: usize,
}

/// Creates the demo agencies, APIs, versions and plans that are missing, in
/// one transaction, and points the demo APIs at this run's demo upstream.
/// What exists already is left as it is, so a restart neither duplicates nor
/// loses anything.
pub async fn seed(db: &Db, clock: &Clock, upstream_base: &str) -> anyhow::Result<SeedReport> {
    let now = clock.now_text();
    let mut tx = db.begin().await.context("starting the demo seed")?;
    let mut report = SeedReport::default();
    for agency in AGENCIES {
        let tenant = NewTenant {
            slug: agency.slug,
            name: agency.name,
            contact_email: Some(agency.contact),
        };
        let tenant_id = tenants::ensure(&mut tx, &tenant, &now).await?;
        for api in agency.apis {
            let document: serde_json::Value = serde_json::from_str(api.spec)
                .with_context(|| format!("demo spec of {} is not JSON", api.slug))?;
            let info = &document["info"];
            let upstream = format!("{upstream_base}{UPSTREAM_PATH}/{}", api.slug);
            let new_api = NewApi {
                tenant_id,
                slug: api.slug,
                name: info["title"].as_str().unwrap_or(api.slug),
                summary: api.summary,
                overview_md: info["description"].as_str().unwrap_or_default(),
                visibility: "public",
                lifecycle: "published",
                access_mode: api.access_mode,
                upstream_url: Some(&upstream),
            };
            let (api_id, created) = catalogue::ensure_api(&mut tx, &new_api, &now).await?;
            if created {
                report.apis_created += 1;
            } else if catalogue::move_upstream_if_like(
                &mut tx,
                api_id,
                &format!("%{UPSTREAM_PATH}/%"),
                &upstream,
                &now,
            )
            .await?
            {
                report.upstreams_moved += 1;
            }
            catalogue::add_tags(&mut tx, api_id, api.tags).await?;
            let version = NewVersion {
                api_id,
                label: info["version"].as_str().unwrap_or("1.0.0"),
                openapi_version: document["openapi"].as_str().unwrap_or("3.0.0"),
                source_format: "json",
                source_text: api.spec,
                document: Some(&document.to_string()),
                operations: &Index::of(&document),
            };
            catalogue::ensure_version(&mut tx, &version, &now).await?;
            for plan in plans(api_id) {
                catalogue::ensure_plan(&mut tx, &plan, &now).await?;
            }
        }
    }
    tx.commit().await.context("committing the demo seed")?;
    Ok(report)
}

/// The two plans every demo API offers: a self-service one and a larger one
/// that an owner approves.
fn plans(api_id: i64) -> [NewPlan<'static>; 2] {
    [
        NewPlan {
            api_id,
            slug: "standard",
            name: "Standard",
            description: "For building and running most applications. Approved at once.",
            rate_per_second: Some(10),
            rate_per_minute: Some(300),
            quota_per_day: Some(10_000),
            quota_per_month: Some(200_000),
            approval: "auto",
        },
        NewPlan {
            api_id,
            slug: "partner",
            name: "Partner",
            description: "For services with many users. The agency reviews each request.",
            rate_per_second: Some(100),
            rate_per_minute: Some(3_000),
            quota_per_day: Some(500_000),
            quota_per_month: None,
            approval: "manual",
        },
    ]
}
