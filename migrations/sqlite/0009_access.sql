-- Self-service access: developers' applications and their API keys, access
-- requests (subscriptions of an application to a plan), acceptances of the
-- terms of use, and in-app notifications.

-- Whether a plan takes new requests (existing subscriptions stay).
alter table plan add column open_for_requests integer not null default 1
    check (open_for_requests in (0, 1));

-- An application of a developer: what keys and subscriptions belong to.
-- Deleting one keeps the row (the audit log and usage refer to it), marks
-- it deleted, and revokes its keys and subscriptions in the same step.
create table app (
    id integer primary key,
    owner_user_id integer not null references user_account (id) on delete cascade,
    name text not null,
    description text not null default '',
    created_at text not null,
    updated_at text not null,
    deleted_at text
);

create index app_owner on app (owner_user_id);

-- An API key of an application. Only the SHA-256 of the secret is kept;
-- `prefix` (the first characters after `ptc_`) is kept in clear so that
-- people recognise their keys. A rotated key stays valid until
-- `expires_at` (the grace period), and names the key that replaced it.
create table api_key (
    id integer primary key,
    app_id integer not null references app (id) on delete cascade,
    name text not null,
    prefix text not null,
    hash text not null unique,
    created_at text not null,
    updated_at text not null,
    expires_at text,
    last_used_at text,
    revoked_at text,
    replaced_by integer references api_key (id) on delete set null
);

create index api_key_app on api_key (app_id);

-- An access request: an application asks for a plan of an API. Auto plans
-- approve at once; manual ones wait for an owner's decision.
create table subscription (
    id integer primary key,
    app_id integer not null references app (id) on delete cascade,
    plan_id integer not null references plan (id) on delete restrict,
    api_id integer not null references api (id) on delete cascade,
    status text not null check (status in ('pending', 'approved', 'rejected', 'revoked')),
    -- Why the developer asks (government APIs ask for the purpose of use).
    purpose text not null,
    -- The version of the terms of use the developer accepted.
    terms_version integer not null default 0,
    requested_by integer references user_account (id) on delete set null,
    decided_by integer references user_account (id) on delete set null,
    decision_reason text not null default '',
    decided_at text,
    created_at text not null,
    updated_at text not null
);

create index subscription_app on subscription (app_id);
create index subscription_api on subscription (api_id, status);
-- One live request per application and API: a second request waits until
-- the first is rejected or revoked.
create unique index subscription_live on subscription (app_id, api_id)
    where status in ('pending', 'approved');

-- Which version of the terms of use a user accepted, and when.
create table terms_acceptance (
    user_id integer not null references user_account (id) on delete cascade,
    terms_version integer not null,
    accepted_at text not null,
    primary key (user_id, terms_version)
);

-- What Portico tells a user in the portal (and by email when configured).
create table notification (
    id integer primary key,
    user_id integer not null references user_account (id) on delete cascade,
    message text not null,
    link text not null default '',
    created_at text not null,
    read_at text
);

create index notification_user on notification (user_id, created_at);
