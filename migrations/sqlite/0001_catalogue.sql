-- Agencies (tenants), their APIs, versions of each API's OpenAPI document,
-- and the plans a developer can request. Timestamps are RFC 3339 UTC text.

create table tenant (
    id integer primary key,
    slug text not null unique,
    name text not null,
    contact_email text,
    status text not null default 'active' check (status in ('active', 'suspended')),
    created_at text not null,
    updated_at text not null
);

create table api (
    id integer primary key,
    tenant_id integer not null references tenant (id) on delete restrict,
    slug text not null,
    name text not null,
    summary text not null default '',
    overview_md text not null default '',
    visibility text not null default 'public'
        check (visibility in ('public', 'restricted', 'private')),
    lifecycle text not null default 'draft'
        check (lifecycle in ('draft', 'published', 'deprecated', 'retired')),
    access_mode text not null default 'key' check (access_mode in ('open', 'key')),
    upstream_url text,
    default_version_id integer references api_version (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    unique (tenant_id, slug)
);

create table api_tag (
    api_id integer not null references api (id) on delete cascade,
    tag text not null,
    primary key (api_id, tag)
);

create index api_tag_tag on api_tag (tag);

create table api_version (
    id integer primary key,
    api_id integer not null references api (id) on delete cascade,
    label text not null,
    openapi_version text not null,
    source_format text not null check (source_format in ('json', 'yaml')),
    source_text text not null,
    document text not null,
    changelog_md text not null default '',
    created_at text not null,
    updated_at text not null,
    unique (api_id, label)
);

create table plan (
    id integer primary key,
    api_id integer not null references api (id) on delete cascade,
    slug text not null,
    name text not null,
    description text not null default '',
    rate_per_second integer check (rate_per_second > 0),
    rate_per_minute integer check (rate_per_minute > 0),
    quota_per_day integer check (quota_per_day > 0),
    quota_per_month integer check (quota_per_month > 0),
    approval text not null default 'manual' check (approval in ('auto', 'manual')),
    status text not null default 'active' check (status in ('active', 'retired')),
    created_at text not null,
    updated_at text not null,
    unique (api_id, slug)
);
