-- Personal access tokens: a member of an agency publishing from CI. A token
-- belongs to one user and one agency, and acts with that user's role there
-- at the time of use. Only the SHA-256 of the secret is kept; `prefix` is
-- the first characters after `ptt_`, kept in clear to recognise a token.

create table access_token (
    id integer primary key,
    user_id integer not null references user_account (id) on delete cascade,
    tenant_id integer not null references tenant (id) on delete cascade,
    name text not null,
    prefix text not null,
    hash text not null unique,
    created_at text not null,
    updated_at text not null,
    -- Every token expires: owners choose 7, 30, 90 or 365 days.
    expires_at text not null,
    last_used_at text,
    revoked_at text
);

create index access_token_tenant on access_token (tenant_id, created_at);
create index access_token_user on access_token (user_id);
