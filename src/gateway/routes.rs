//! The route table: which `/{agency}/{api}` goes to which upstream. Held in
//! memory and replaced whole, so a request never waits for a lock holder.

use super::FastMap;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use axum::http::Uri;

use super::upstream::Base;
use crate::catalogue::repo as catalogue;
use crate::db::Db;

/// How callers of an API authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessMode {
    /// Anyone may call it.
    Open,
    /// Callers present an API key.
    Key,
}

/// One API the gateway forwards to.
#[derive(Debug, Clone)]
pub struct ApiRoute {
    pub api_id: i64,
    pub agency: String,
    pub api: String,
    /// `{agency}/{api}`: the table's key, the identity token's audience and
    /// (with a leading `/`) the route in the log.
    pub name: String,
    pub access_mode: AccessMode,
    /// The upstream base URL, taken apart; `None` when it is not an
    /// http:// or https:// URL (calls answer 502).
    pub target: Option<Base>,
    /// The agency is suspended: calls answer 503 and reach no upstream.
    pub suspended: bool,
}

/// A route matched for one request path.
#[derive(Debug, Clone)]
pub struct Matched {
    pub api: Arc<ApiRoute>,
    /// The path after `/{agency}/{api}`, empty or starting with `/`.
    pub rest: String,
}

/// Routes by `{agency}/{api}`, so that a request's path is looked up
/// without copying it.
type Table = FastMap<String, Arc<ApiRoute>>;

/// The shared, swappable route table.
#[derive(Clone, Default)]
pub struct RouteTable(Arc<RwLock<Arc<Table>>>);

impl RouteTable {
    /// Reads every route from the database and swaps the table in one step.
    /// Routes whose upstream URL is not usable are skipped with a warning.
    pub async fn reload(&self, db: &Db) -> anyhow::Result<usize> {
        let rows = catalogue::list_routes(db.pool())
            .await
            .context("loading the gateway routes")?;
        let mut table = Table::default();
        for row in rows {
            if row
                .upstream_url
                .parse::<Uri>()
                .map(|u| u.scheme().is_none())
                .unwrap_or(true)
            {
                tracing::warn!(
                    api.id = row.api_id,
                    "skipping a route whose upstream URL is not absolute"
                );
                continue;
            }
            let access_mode = if row.access_mode == "open" {
                AccessMode::Open
            } else {
                AccessMode::Key
            };
            let name = format!("{}/{}", row.agency_slug, row.api_slug);
            let route = ApiRoute {
                api_id: row.api_id,
                agency: row.agency_slug,
                api: row.api_slug,
                name: name.clone(),
                access_mode,
                target: Base::parse(&row.upstream_url),
                suspended: row.agency_status != "active",
            };
            table.insert(name, Arc::new(route));
        }
        let count = table.len();
        let mut current = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Arc::new(table);
        Ok(count)
    }

    fn snapshot(&self) -> Arc<Table> {
        self.0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// How many APIs the table holds.
    pub fn len(&self) -> usize {
        self.snapshot().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Finds the route for a request path `/{agency}/{api}{rest}`.
    pub fn resolve(&self, path: &str) -> Option<Matched> {
        let trimmed = path.strip_prefix('/')?;
        let mut parts = trimmed.splitn(3, '/');
        let agency = parts.next().filter(|s| !s.is_empty())?;
        let api = parts.next().filter(|s| !s.is_empty())?;
        let name = &trimmed[..agency.len() + 1 + api.len()];
        let route = self.snapshot().get(name)?.clone();
        Some(Matched {
            api: route,
            rest: trimmed[name.len()..].to_owned(),
        })
    }

    #[cfg(test)]
    fn with(routes: Vec<ApiRoute>) -> Self {
        let table = routes
            .into_iter()
            .map(|r| (r.name.clone(), Arc::new(r)))
            .collect();
        Self(Arc::new(RwLock::new(Arc::new(table))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::with(vec![ApiRoute {
            api_id: 1,
            agency: "tax".into(),
            api: "returns".into(),
            name: "tax/returns".into(),
            access_mode: AccessMode::Open,
            target: Base::parse("http://upstream.test/v1"),
            suspended: false,
        }])
    }

    #[test]
    fn resolves_agency_api_and_rest() {
        let m = table().resolve("/tax/returns/2024/forms").unwrap();
        assert_eq!(m.api.api_id, 1);
        assert_eq!(m.rest, "/2024/forms");
        assert_eq!(table().resolve("/tax/returns").unwrap().rest, "");
        assert_eq!(table().resolve("/tax/returns/").unwrap().rest, "/");
    }

    #[test]
    fn unknown_or_short_paths_do_not_resolve() {
        for path in [
            "/",
            "/tax",
            "/tax/",
            "//returns",
            "/tax/refunds/x",
            "/other/returns",
        ] {
            assert!(table().resolve(path).is_none(), "{path}");
        }
    }
}
