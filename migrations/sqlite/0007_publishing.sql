-- Publishing from the browser: the date a deprecated API stops answering
-- (RFC 3339 date, as the Sunset header and the API page show it), and the
-- guides an agency writes for each API (Markdown, rendered and sanitised).

alter table api add column sunset_at text;

create table api_guide (
    id integer primary key,
    api_id integer not null references api (id) on delete cascade,
    slug text not null,
    title text not null,
    body_md text not null default '',
    position integer not null default 0,
    created_at text not null,
    updated_at text not null,
    unique (api_id, slug)
);
