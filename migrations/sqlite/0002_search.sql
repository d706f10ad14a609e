-- Full-text search over the catalogue: the operations of each version, and
-- FTS5 indexes over APIs and operations.
--
-- Both indexes are external-content FTS5 tables: the text lives once, in
-- `api` and `api_operation`, and the index holds only tokens. Triggers keep
-- them in step, so every writer (the import, the demo seed, an owner's edit,
-- a cascade delete) updates search without knowing it exists. Contentless
-- tables would need the same triggers but could not return or re-check the
-- text; a plain FTS5 table would store every description twice.
--
-- The tokenizer stems English words (`bookings` finds `booking`) as the
-- PostgreSQL `english` configuration does, so both backends find the same.

create table api_operation (
    id integer primary key,
    version_id integer not null references api_version (id) on delete cascade,
    slug text not null,
    method text not null,
    path text not null,
    operation_id text,
    summary text not null default '',
    description text not null default '',
    -- Names of the operation's tags, one a line.
    tags text not null default '',
    deprecated integer not null default 0 check (deprecated in (0, 1)),
    created_at text not null,
    updated_at text not null,
    unique (version_id, slug)
);

-- The API's tags, one a line: a copy of `api_tag` kept by the triggers below,
-- so that the API index (and PostgreSQL's generated column) can read them
-- from the row itself.
alter table api add column tag_text text not null default '';

update api set tag_text = coalesce(
    (select group_concat(g.tag, char(10)) from api_tag g where g.api_id = api.id), '');

create trigger api_tag_text_insert after insert on api_tag begin
    update api set tag_text = coalesce(
        (select group_concat(g.tag, char(10)) from api_tag g where g.api_id = new.api_id), '')
    where id = new.api_id;
end;

create trigger api_tag_text_delete after delete on api_tag begin
    update api set tag_text = coalesce(
        (select group_concat(g.tag, char(10)) from api_tag g where g.api_id = old.api_id), '')
    where id = old.api_id;
end;

create trigger api_tag_text_update after update on api_tag begin
    update api set tag_text = coalesce(
        (select group_concat(g.tag, char(10)) from api_tag g where g.api_id = old.api_id), '')
    where id = old.api_id;
    update api set tag_text = coalesce(
        (select group_concat(g.tag, char(10)) from api_tag g where g.api_id = new.api_id), '')
    where id = new.api_id;
end;

create virtual table api_fts using fts5 (
    name, summary, overview_md, tag_text,
    content = 'api', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- An external-content index is told the old text to forget it: the
-- 'delete' command with the values it indexed.
create trigger api_fts_insert after insert on api begin
    insert into api_fts (rowid, name, summary, overview_md, tag_text)
    values (new.id, new.name, new.summary, new.overview_md, new.tag_text);
end;

create trigger api_fts_delete after delete on api begin
    insert into api_fts (api_fts, rowid, name, summary, overview_md, tag_text)
    values ('delete', old.id, old.name, old.summary, old.overview_md, old.tag_text);
end;

create trigger api_fts_update after update of name, summary, overview_md, tag_text on api begin
    insert into api_fts (api_fts, rowid, name, summary, overview_md, tag_text)
    values ('delete', old.id, old.name, old.summary, old.overview_md, old.tag_text);
    insert into api_fts (rowid, name, summary, overview_md, tag_text)
    values (new.id, new.name, new.summary, new.overview_md, new.tag_text);
end;

insert into api_fts (api_fts) values ('rebuild');

create virtual table api_operation_fts using fts5 (
    path, operation_id, summary, description, tags,
    content = 'api_operation', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

create trigger api_operation_fts_insert after insert on api_operation begin
    insert into api_operation_fts (rowid, path, operation_id, summary, description, tags)
    values (new.id, new.path, new.operation_id, new.summary, new.description, new.tags);
end;

create trigger api_operation_fts_delete after delete on api_operation begin
    insert into api_operation_fts
        (api_operation_fts, rowid, path, operation_id, summary, description, tags)
    values ('delete', old.id, old.path, old.operation_id, old.summary, old.description, old.tags);
end;

create trigger api_operation_fts_update after update on api_operation begin
    insert into api_operation_fts
        (api_operation_fts, rowid, path, operation_id, summary, description, tags)
    values ('delete', old.id, old.path, old.operation_id, old.summary, old.description, old.tags);
    insert into api_operation_fts (rowid, path, operation_id, summary, description, tags)
    values (new.id, new.path, new.operation_id, new.summary, new.description, new.tags);
end;
