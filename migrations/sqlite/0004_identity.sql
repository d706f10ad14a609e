-- People who sign in, the identities they sign in with, what they may do,
-- and their sessions. Nobody has a password here: every user comes from an
-- identity provider (or, with --dev only, the development sign-in).

create table user_account (
    id integer primary key,
    -- The kind of provider that created the user: individuals (citizens,
    -- developers) or business and agency staff.
    kind text not null check (kind in ('individual', 'business')),
    display_name text not null,
    email text,
    -- Platform admin granted by another admin; admins named in the
    -- configuration are admins without this flag.
    admin_granted integer not null default 0 check (admin_granted in (0, 1)),
    created_at text not null,
    updated_at text not null,
    last_sign_in_at text
);

-- One row per (provider, subject): the only way a sign-in finds its user.
-- An email address never links two identities.
create table user_identity (
    id integer primary key,
    user_id integer not null references user_account (id) on delete cascade,
    provider text not null,
    subject text not null,
    -- The claims the provider sent at the last sign-in, as JSON.
    claims text not null,
    created_at text not null,
    updated_at text not null,
    unique (provider, subject)
);

create index user_identity_user on user_identity (user_id);

create table membership (
    user_id integer not null references user_account (id) on delete cascade,
    tenant_id integer not null references tenant (id) on delete cascade,
    role text not null check (role in ('owner', 'maintainer')),
    created_at text not null,
    updated_at text not null,
    primary key (user_id, tenant_id)
);

create index membership_tenant on membership (tenant_id);

-- tower-sessions records: the session data as JSON, and when it expires
-- (Unix seconds, so that expired sessions are found by an index).
create table web_session (
    id text primary key,
    data text not null,
    expires_at integer not null
);

create index web_session_expiry on web_session (expires_at);
