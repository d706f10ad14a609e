-- The version list of an API reads labels and dates only: an index that
-- answers it without touching the large source and document columns.
create index api_version_list on api_version (api_id, created_at desc, id desc) include (label, openapi_version);
