//! Reading the audit log: events narrowed by a filter, a page at a time or
//! all of them as CSV. Read-only, like every other use of the table.

use sqlx::AnyPool;

use super::model::{AuditEntry, AuditFilter, PAGE_SIZE};
use crate::app::forms::FieldError;

/// A filter checked and made ready for SQL.
pub struct Checked {
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    agency: Option<String>,
    from: Option<String>,
    /// Exclusive upper bound: the day after `to`.
    before: Option<String>,
}

/// Checks the filter; dates that do not parse are reported and left out.
/// `tenant`, when given, replaces the filter's agency (an owner's log).
pub fn check(filter: &AuditFilter, tenant: Option<&str>) -> (Checked, Vec<FieldError>) {
    let mut problems = Vec::new();
    let mut day = |field: &str, text: &str, next: bool| -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match parse_day(text) {
            Some(date) => {
                let date = if next { date.next_day()? } else { date };
                Some(format!("{date}T00:00:00"))
            }
            None => {
                problems.push(FieldError::new(
                    field,
                    format!("Enter the date as year-month-day, like 2026-12-01 (not `{text}`)"),
                ));
                None
            }
        }
    };
    let from = day("from", &filter.from, false);
    let before = day("to", &filter.to, true);
    let like = |text: &str| {
        let text = text.trim();
        (!text.is_empty()).then(|| {
            format!(
                "%{}%",
                text.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
    };
    let action = {
        let text = filter.action.trim();
        (!text.is_empty()).then(|| {
            format!(
                "{}%",
                text.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
    };
    let agency = tenant
        .map(str::to_string)
        .or_else(|| Some(filter.agency.trim().to_string()).filter(|a| !a.is_empty()));
    (
        Checked {
            actor: like(&filter.actor),
            action,
            target: like(&filter.target),
            agency,
            from,
            before,
        },
        problems,
    )
}

/// A day written `YYYY-MM-DD`.
fn parse_day(text: &str) -> Option<time::Date> {
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// The shared `where` of the log's queries. Timestamps compare as text: a
/// stored `at` is RFC 3339 in UTC, and the bounds are the starts of days
/// (`YYYY-MM-DDT00:00:00`, a prefix of every instant in that second, with
/// or without fractions), so text order is time order here.
const WHERE: &str = "from audit_event e left join tenant t on t.id = e.tenant_id \
     where (cast($1 as text) is null or lower(e.actor) like $1 escape '\\') \
     and (cast($2 as text) is null or e.action like $2 escape '\\') \
     and (cast($3 as text) is null or lower(e.target) like $3 escape '\\') \
     and (cast($4 as text) is null or t.slug = $4) \
     and (cast($5 as text) is null or e.at >= $5) \
     and (cast($6 as text) is null or e.at < $6)";

type Row = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
);

fn entry(row: Row) -> AuditEntry {
    let (id, at, actor, agency, action, target, client_addr, detail) = row;
    AuditEntry {
        id,
        at,
        actor,
        agency,
        action,
        target,
        client_addr,
        detail,
    }
}

fn bind<'q>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, Row, sqlx::any::AnyArguments<'q>>,
    c: &'q Checked,
) -> sqlx::query::QueryAs<'q, sqlx::Any, Row, sqlx::any::AnyArguments<'q>> {
    query
        .bind(c.actor.as_deref())
        .bind(c.action.as_deref())
        .bind(c.target.as_deref())
        .bind(c.agency.as_deref())
        .bind(c.from.as_deref())
        .bind(c.before.as_deref())
}

const COLUMNS: &str =
    "select e.id, e.at, e.actor, t.slug, e.action, e.target, e.client_addr, e.detail ";

/// One page of matching events, newest first, and how many match in all.
pub async fn page(
    pool: &AnyPool,
    checked: &Checked,
    page: u32,
) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    let (total,): (i64,) = sqlx::query_as(&format!("select count(*) {WHERE}"))
        .bind(checked.actor.as_deref())
        .bind(checked.action.as_deref())
        .bind(checked.target.as_deref())
        .bind(checked.agency.as_deref())
        .bind(checked.from.as_deref())
        .bind(checked.before.as_deref())
        .fetch_one(pool)
        .await?;
    let offset = i64::from(page.saturating_sub(1)) * i64::from(PAGE_SIZE);
    let sql = format!("{COLUMNS}{WHERE} order by e.id desc limit {PAGE_SIZE} offset {offset}");
    let rows = bind(sqlx::query_as(&sql), checked).fetch_all(pool).await?;
    Ok((rows.into_iter().map(entry).collect(), total))
}

/// Every matching event, oldest first (for CSV).
pub async fn all(pool: &AnyPool, checked: &Checked) -> sqlx::Result<Vec<AuditEntry>> {
    let sql = format!("{COLUMNS}{WHERE} order by e.id");
    let rows = bind(sqlx::query_as(&sql), checked).fetch_all(pool).await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// The distinct actions in the log (of one agency, when given).
pub async fn actions(pool: &AnyPool, agency: Option<&str>) -> sqlx::Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "select distinct e.action from audit_event e left join tenant t on t.id = e.tenant_id \
         where cast($1 as text) is null or t.slug = $1 order by e.action",
    )
    .bind(agency)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}

/// The events as CSV (RFC 4180), with a header row. Cells that a
/// spreadsheet would run as a formula are prefixed with `'`.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("id,at,actor,agency,action,target,client_addr,detail\r\n");
    for e in entries {
        let cells = [
            e.id.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.agency.clone().unwrap_or_default(),
            e.action.clone(),
            e.target.clone(),
            e.client_addr.clone().unwrap_or_default(),
            e.detail.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=cmd()"), "'=cmd()");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
    }

    #[test]
    fn dates_become_whole_day_bounds_and_bad_ones_are_reported() {
        let filter = AuditFilter {
            from: "2026-12-01".into(),
            to: "2026-12-31".into(),
            ..AuditFilter::default()
        };
        let (checked, problems) = check(&filter, None);
        assert!(problems.is_empty());
        assert_eq!(checked.from.as_deref(), Some("2026-12-01T00:00:00"));
        assert_eq!(checked.before.as_deref(), Some("2027-01-01T00:00:00"));
        let (checked, problems) = check(
            &AuditFilter {
                from: "yesterday".into(),
                ..AuditFilter::default()
            },
            Some("tax"),
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "from");
        assert!(checked.from.is_none());
        assert_eq!(checked.agency.as_deref(), Some("tax"));
    }
}
