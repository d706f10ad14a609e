-- Running Portico for many agencies: invitations that make people members,
-- and the platform's own settings (one row).

-- An invitation to join an agency with a role. The link carries a secret;
-- only its SHA-256 is stored. A person redeems it once, after signing in,
-- before it expires, unless it was revoked.
create table invitation (
    id integer primary key,
    tenant_id integer not null references tenant (id) on delete cascade,
    role text not null check (role in ('owner', 'maintainer')),
    token_hash text not null unique,
    -- Whom it is for, in the inviter's words (a name or an address).
    note text not null default '',
    created_by integer references user_account (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    expires_at text not null,
    redeemed_by integer references user_account (id) on delete set null,
    redeemed_at text,
    revoked_at text
);

create index invitation_tenant on invitation (tenant_id, created_at);

-- The platform's settings: what every page shows about this Portico, and
-- the terms of use that developers accept before their first key.
create table platform_setting (
    id integer primary key check (id = 1),
    portal_name text not null,
    logo_url text not null default '',
    contact_email text not null default '',
    support_url text not null default '',
    terms_md text not null default '',
    -- Increased at each change of the terms: acceptances name a version.
    terms_version integer not null default 0,
    updated_at text not null
);
