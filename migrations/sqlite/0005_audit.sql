-- The audit log: one row per privileged action, written in the same
-- transaction as the change. Portico never updates or deletes a row.

create table audit_event (
    id integer primary key,
    at text not null,
    -- Who: a user, or (for the command line) no user and a label.
    actor_user_id integer references user_account (id) on delete set null,
    actor text not null,
    tenant_id integer references tenant (id) on delete set null,
    -- What: a dotted verb, such as membership.set or admin.grant.
    action text not null,
    -- On what, in words a reader can follow (an agency slug, a person).
    target text not null,
    -- From where: the client's address, when the action came over HTTP.
    client_addr text,
    -- Before and after, as JSON, never with a secret in it.
    detail text not null default '{}'
);

create index audit_event_at on audit_event (at);
create index audit_event_tenant on audit_event (tenant_id, at);
