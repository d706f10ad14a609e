-- The version list of an API reads labels and dates only. In SQLite a row's
-- later columns sit behind its source text and document (megabytes for a
-- large API), so without a covering index listing versions walks every
-- overflow page of both. The index answers the list on its own.
create index api_version_list on api_version (api_id, created_at desc, id desc, label, openapi_version);
