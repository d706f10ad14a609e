-- Developer tokens: a personal access token without an agency, with which a
-- developer calls the REST API as themselves, on their own applications.
-- A token with a tenant is an agency's publishing token (as before); one
-- without is a developer token.

alter table access_token alter column tenant_id drop not null;
