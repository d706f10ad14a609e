//! SQL of users, identities and memberships. Only this file reads or writes
//! `user_account`, `user_identity` and `membership`.

use sqlx::{AnyConnection, AnyPool};

use super::model::{AgencyRole, IdentitySummary, Role, UserKind};

/// What a provider told us about the person signing in.
#[derive(Debug, Clone)]
pub struct SignIn<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    pub kind: UserKind,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    /// Every claim the provider sent, as JSON: the identity's snapshot.
    pub claims_json: &'a str,
}

/// Finds the user of an identity by (provider, subject) and refreshes its
/// snapshot, or creates both at the first sign-in. Never links by email.
/// Returns the user's id.
pub async fn record_sign_in(
    conn: &mut AnyConnection,
    sign_in: &SignIn<'_>,
    now: &str,
) -> sqlx::Result<i64> {
    let existing: Option<(i64, i64)> = sqlx::query_as(
        "select id, user_id from user_identity where provider = $1 and subject = $2",
    )
    .bind(sign_in.provider)
    .bind(sign_in.subject)
    .fetch_optional(&mut *conn)
    .await?;
    let user_id = match existing {
        Some((identity_id, user_id)) => {
            sqlx::query("update user_identity set claims = $1, updated_at = $2 where id = $3")
                .bind(sign_in.claims_json)
                .bind(now)
                .bind(identity_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "update user_account set display_name = $1, email = $2, updated_at = $3, \
                 last_sign_in_at = $3 where id = $4",
            )
            .bind(sign_in.display_name)
            .bind(sign_in.email)
            .bind(now)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
            user_id
        }
        None => {
            let (user_id,): (i64,) = sqlx::query_as(
                "insert into user_account (kind, display_name, email, created_at, updated_at, \
                 last_sign_in_at) values ($1, $2, $3, $4, $4, $4) returning id",
            )
            .bind(sign_in.kind.as_str())
            .bind(sign_in.display_name)
            .bind(sign_in.email)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
            sqlx::query(
                "insert into user_identity (user_id, provider, subject, claims, created_at, \
                 updated_at) values ($1, $2, $3, $4, $5, $5)",
            )
            .bind(user_id)
            .bind(sign_in.provider)
            .bind(sign_in.subject)
            .bind(sign_in.claims_json)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            user_id
        }
    };
    Ok(user_id)
}

/// A user as the access checks need them.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub kind: UserKind,
    pub display_name: String,
    pub email: Option<String>,
    pub admin_granted: bool,
    pub created_at: String,
    /// (provider, subject) of every identity the user has.
    pub identities: Vec<(String, String)>,
    pub memberships: Vec<(i64, AgencyRole)>,
}

/// The user with this id, with identities and memberships; `None` when
/// the user no longer exists.
pub async fn load_user(pool: &AnyPool, user_id: i64) -> sqlx::Result<Option<UserRow>> {
    let row: Option<(String, String, Option<String>, i64, String)> = sqlx::query_as(
        "select kind, display_name, email, admin_granted, created_at from user_account \
         where id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let Some((kind, display_name, email, admin_granted, created_at)) = row else {
        return Ok(None);
    };
    let identities: Vec<(String, String)> = sqlx::query_as(
        "select provider, subject from user_identity where user_id = $1 order by id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let memberships: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select t.id, t.slug, t.name, m.role from membership m \
         join tenant t on t.id = m.tenant_id where m.user_id = $1 order by t.name",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(Some(UserRow {
        id: user_id,
        kind: UserKind::parse(&kind).unwrap_or(UserKind::Individual),
        display_name,
        email,
        admin_granted: admin_granted == 1,
        created_at,
        identities,
        memberships: memberships
            .into_iter()
            .filter_map(|(tenant_id, slug, name, role)| {
                Some((
                    tenant_id,
                    AgencyRole {
                        slug,
                        name,
                        role: Role::parse(&role)?,
                    },
                ))
            })
            .collect(),
    }))
}

/// The identities of a user, for the account page.
pub async fn identities(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<IdentitySummary>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select provider, subject, updated_at from user_identity where user_id = $1 order by id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(provider, subject, last_used)| IdentitySummary {
            provider,
            subject,
            last_used,
        })
        .collect())
}

/// Makes the user a member of the agency with this role (or changes it).
pub async fn set_membership(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: i64,
    role: Role,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into membership (user_id, tenant_id, role, created_at, updated_at) \
         values ($1, $2, $3, $4, $4) \
         on conflict (user_id, tenant_id) do update set role = excluded.role, \
         updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(tenant_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Grants or removes platform admin rights.
pub async fn set_admin_granted(
    conn: &mut AnyConnection,
    user_id: i64,
    granted: bool,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query("update user_account set admin_granted = $1, updated_at = $2 where id = $3")
        .bind(i64::from(granted))
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A member of an agency, as its pages list them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRecord {
    pub user_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub since: String,
}

/// The members of an agency, owners first.
pub async fn list_members(pool: &AnyPool, tenant_id: i64) -> sqlx::Result<Vec<MemberRecord>> {
    sqlx::query_as(
        "select u.id as user_id, u.display_name as name, u.email, m.role, m.created_at as since \
         from membership m join user_account u on u.id = m.user_id where m.tenant_id = $1 \
         order by m.role desc, u.display_name",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// Ends a membership; returns whether there was one.
pub async fn remove_membership(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from membership where user_id = $1 and tenant_id = $2")
        .bind(user_id)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// How many owners the agency has.
pub async fn count_owners(conn: &mut AnyConnection, tenant_id: i64) -> sqlx::Result<i64> {
    let (count,): (i64,) =
        sqlx::query_as("select count(*) from membership where tenant_id = $1 and role = 'owner'")
            .bind(tenant_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(count)
}

/// A user's name, if the user exists.
pub async fn display_name(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("select display_name from user_account where id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(name,)| name))
}

/// Whether the user holds admin rights granted in the portal.
pub async fn admin_granted(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("select admin_granted from user_account where id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.is_some_and(|(granted,)| granted == 1))
}

/// How many members each agency has, by tenant id.
pub async fn count_members_by_tenant(pool: &AnyPool) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as("select tenant_id, count(*) from membership group by tenant_id")
        .fetch_all(pool)
        .await
}

/// Users with admin rights granted in the portal, and every identity (to
/// find those named by configuration): (user id, name, granted, provider, subject).
pub async fn list_admin_candidates(
    pool: &AnyPool,
) -> sqlx::Result<Vec<(i64, String, i64, String, String)>> {
    sqlx::query_as(
        "select u.id, u.display_name, u.admin_granted, i.provider, i.subject \
         from user_account u join user_identity i on i.user_id = u.id order by u.display_name",
    )
    .fetch_all(pool)
    .await
}

/// How many users there are.
pub async fn count_users(pool: &AnyPool) -> sqlx::Result<i64> {
    let (count,): (i64,) = sqlx::query_as("select count(*) from user_account")
        .fetch_one(pool)
        .await?;
    Ok(count)
}

/// The user of an identity, created (with an empty claims snapshot) when
/// nobody has signed in with it yet: how an operator names an agency's
/// owner or an admin before their first sign-in. Returns the user's id.
pub async fn ensure_identity(
    conn: &mut AnyConnection,
    provider: &str,
    subject: &str,
    kind: UserKind,
    display_name: &str,
    now: &str,
) -> sqlx::Result<i64> {
    let existing: Option<(i64,)> =
        sqlx::query_as("select user_id from user_identity where provider = $1 and subject = $2")
            .bind(provider)
            .bind(subject)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((user_id,)) = existing {
        return Ok(user_id);
    }
    let (user_id,): (i64,) = sqlx::query_as(
        "insert into user_account (kind, display_name, created_at, updated_at) \
         values ($1, $2, $3, $3) returning id",
    )
    .bind(kind.as_str())
    .bind(display_name)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "insert into user_identity (user_id, provider, subject, claims, created_at, updated_at) \
         values ($1, $2, $3, '{}', $4, $4)",
    )
    .bind(user_id)
    .bind(provider)
    .bind(subject)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(user_id)
}

/// The user's role in the agency, if any.
pub async fn membership_role(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: i64,
) -> sqlx::Result<Option<Role>> {
    let row: Option<(String,)> =
        sqlx::query_as("select role from membership where user_id = $1 and tenant_id = $2")
            .bind(user_id)
            .bind(tenant_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.and_then(|(role,)| Role::parse(&role)))
}
