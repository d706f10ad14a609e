-- Developer tokens: a personal access token without an agency, with which a
-- developer calls the REST API as themselves, on their own applications.
-- A token with a tenant is an agency's publishing token (as before); one
-- without is a developer token. SQLite cannot drop a column's `not null`,
-- so the table is rebuilt: every row and index is kept as it was.

create table access_token_new (
    id integer primary key,
    user_id integer not null references user_account (id) on delete cascade,
    -- Null: a developer token, acting on its user's own applications.
    tenant_id integer references tenant (id) on delete cascade,
    name text not null,
    prefix text not null,
    hash text not null unique,
    created_at text not null,
    updated_at text not null,
    -- Every token expires: 7, 30, 90 or 365 days.
    expires_at text not null,
    last_used_at text,
    revoked_at text
);

insert into access_token_new (id, user_id, tenant_id, name, prefix, hash, created_at,
    updated_at, expires_at, last_used_at, revoked_at)
select id, user_id, tenant_id, name, prefix, hash, created_at, updated_at, expires_at,
    last_used_at, revoked_at
from access_token;

drop table access_token;

alter table access_token_new rename to access_token;

create index access_token_tenant on access_token (tenant_id, created_at);
create index access_token_user on access_token (user_id);
